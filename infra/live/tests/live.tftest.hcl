# Offline: mock_provider stands in for AWS; infra/test/*.test.ts attaches the schema-only provider.
mock_provider "aws" {
  source = "../modules/photo-organizer/tests/mocks"
}

variables {
  source_bucket    = "example-uploads"
  function_package = "../modules/photo-organizer/tests/fixtures/function.zip"
  layer_package    = "../modules/photo-organizer/tests/fixtures/layer.zip"
}

run "one_bucket_with_prefixes" {
  command = apply

  variables {
    source_prefix      = "incoming/"
    destination_prefix = "photos/"
  }

  assert {
    condition     = output.s3_bucket_destination_name == "example-uploads"
    error_message = "Without destination_bucket the copies go to the source bucket."
  }
  assert {
    condition     = strcontains(output.iam_role_policy_document, "arn:aws:s3:::example-uploads/photos/*")
    error_message = "The function may write only under the destination prefix."
  }
}

run "two_buckets_x86" {
  command = apply

  variables {
    destination_bucket = "example-photos"
    architecture       = "x86_64"
    organizer          = { move = true, sidecar = true }
  }

  assert {
    condition     = output.s3_bucket_destination_name == "example-photos"
    error_message = "destination_bucket must be passed through."
  }
  assert {
    condition     = strcontains(output.iam_role_policy_document, "DeleteSourceAfterMoveIfUnchanged")
    error_message = "organizer.move must be passed through to the module."
  }
}

run "existing_bucket_with_eventbridge" {
  command = plan

  variables {
    destination_bucket   = "example-photos"
    create_source_bucket = false
    trigger              = { type = "eventbridge" }
    reserved_concurrency = 20
    permissions_boundary = "arn:aws:iam::123456789012:policy/boundary"
  }

  assert {
    condition     = output.s3_bucket_names_created == tomap({ destination = "example-photos" })
    error_message = "The existing source bucket must not be created or managed."
  }
  assert {
    condition     = module.photo_organizer.eventbridge_event_pattern != null
    error_message = "trigger must be passed through (fields left null take the module's defaults)."
  }
}

run "rejects_unknown_architecture" {
  command = plan

  variables {
    destination_bucket = "example-photos"
    architecture       = "ppc64"
  }

  expect_failures = [var.architecture]
}
