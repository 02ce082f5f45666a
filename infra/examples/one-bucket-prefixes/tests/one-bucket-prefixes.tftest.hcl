# Offline: mock_provider stands in for AWS; infra/test/*.test.ts attaches the schema-only provider.
mock_provider "aws" {
  source = "../../modules/photo-organizer/tests/mocks"
}

variables {
  bucket           = "example-photos"
  function_package = "../../modules/photo-organizer/tests/fixtures/function.zip"
  layer_package    = "../../modules/photo-organizer/tests/fixtures/layer.zip"
}

run "one_bucket_two_prefixes" {
  command = apply

  assert {
    condition     = module.photo_organizer.s3_bucket_names_created == tomap({ source = "example-photos" })
    error_message = "One bucket is created."
  }
  assert {
    condition     = alltrue([for filter in module.photo_organizer.s3_bucket_notification_filters : filter.prefix == "incoming/"])
    error_message = "Only uploads under incoming/ trigger the function."
  }
  assert {
    condition     = strcontains(module.photo_organizer.iam_role_policy_document, "s3:if-match") && output.library == "s3://example-photos/photos/"
    error_message = "Move mode deletes only conditionally; the library is under photos/."
  }
}
