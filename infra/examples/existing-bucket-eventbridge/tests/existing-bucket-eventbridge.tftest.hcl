# Offline: mock_provider stands in for AWS; infra/test/*.test.ts attaches the schema-only provider.
mock_provider "aws" {
  source = "../../modules/photo-organizer/tests/mocks"
}

variables {
  photo_bucket     = "my-old-photo-bucket"
  library_bucket   = "example-library"
  function_package = "../../modules/photo-organizer/tests/fixtures/function.zip"
  layer_package    = "../../modules/photo-organizer/tests/fixtures/layer.zip"
}

run "leaves_the_existing_bucket_alone" {
  command = apply

  assert {
    condition     = !contains(values(module.photo_organizer.s3_bucket_names_created), "my-old-photo-bucket")
    error_message = "The existing bucket must not be created or managed."
  }
  assert {
    condition     = length(module.photo_organizer.s3_bucket_notification_filters) == 0 && module.photo_organizer.eventbridge_rule_arn != null
    error_message = "No S3 notification on the existing bucket: an EventBridge rule instead."
  }
  assert {
    condition     = jsondecode(module.photo_organizer.eventbridge_event_pattern).detail.bucket.name == ["my-old-photo-bucket"]
    error_message = "The rule listens to the existing bucket."
  }
  assert {
    condition     = output.backfill.source_bucket == "my-old-photo-bucket"
    error_message = "The backfill runs over the existing bucket."
  }
}
