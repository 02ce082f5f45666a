# Runs offline: mock_provider stands in for AWS (nothing can be created here) and the provider
# schema comes from infra/tools/schema-provider.mjs, attached by infra/test/*.test.ts.
# The infra tests also read the rendered policies of these runs for the IAM simulation.

mock_provider "aws" {
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }
  mock_data "aws_region" {
    defaults = { region = "eu-west-1" }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/photo-organizer" }
  }
  mock_resource "aws_sqs_queue" {
    defaults = {
      arn = "arn:aws:sqs:eu-west-1:123456789012:photo-organizer-failures"
      url = "https://sqs.eu-west-1.amazonaws.com/123456789012/photo-organizer-failures"
    }
  }
  mock_resource "aws_lambda_function" {
    defaults = { arn = "arn:aws:lambda:eu-west-1:123456789012:function:photo-organizer" }
  }
}

variables {
  buckets          = { source = "example-uploads", destination = "example-photos" }
  function_package = "tests/fixtures/function.zip"
  layer_package    = "tests/fixtures/layer.zip"
}

run "two_buckets_copy_mode" {
  command = apply

  assert {
    condition     = aws_lambda_function.this.runtime == "nodejs22.x" && aws_lambda_function.this.architectures == tolist(["arm64"])
    error_message = "The function must default to nodejs22.x on arm64."
  }
  assert {
    condition     = aws_lambda_layer_version.this.compatible_architectures == tolist(["arm64"])
    error_message = "The layer must be built for the function's architecture."
  }
  assert {
    condition     = length(aws_s3_bucket_notification.this.lambda_function) == 64
    error_message = "Expected one notification rule per extension and case (32 extensions x 2)."
  }
  assert {
    condition = alltrue([
      for suffix in [".jpg", ".JPG", ".heic", ".HEIC", ".m2ts", ".M2TS", ".3gp", ".3GP"] :
      contains(aws_s3_bucket_notification.this.lambda_function[*].filter_suffix, suffix)
    ])
    error_message = "Suffix filters must cover lower and upper case."
  }
  assert {
    condition     = aws_lambda_permission.this.source_arn == aws_s3_bucket.this["source"].arn && aws_lambda_permission.this.source_account == "123456789012"
    error_message = "The invoke permission must be scoped to the source bucket and the account."
  }
  assert {
    condition     = aws_lambda_function_event_invoke_config.this.destination_config[0].on_failure[0].destination == aws_sqs_queue.this.arn
    error_message = "Failed asynchronous events must go to the failure queue."
  }
  assert {
    condition     = aws_cloudwatch_log_group.this.retention_in_days == 30
    error_message = "The log group must keep logs 30 days by default."
  }
  assert {
    condition = alltrue([for key in ["source", "destination"] : alltrue([
      aws_s3_bucket_public_access_block.this[key].block_public_acls,
      aws_s3_bucket_public_access_block.this[key].block_public_policy,
      aws_s3_bucket_public_access_block.this[key].ignore_public_acls,
      aws_s3_bucket_public_access_block.this[key].restrict_public_buckets,
      aws_s3_bucket_ownership_controls.this[key].rule[0].object_ownership == "BucketOwnerEnforced",
    ])])
    error_message = "Both buckets must be private with bucket-owner-enforced ownership."
  }
  assert {
    condition     = aws_lambda_function.this.environment[0].variables["DESTINATION_BUCKET"] == "example-photos" && aws_lambda_function.this.environment[0].variables["MOVE"] == "false"
    error_message = "The environment must name the destination bucket and copy mode."
  }
  assert {
    condition     = !strcontains(output.iam_role_policy_document, "s3:DeleteObject")
    error_message = "Copy mode must not allow deleting anything."
  }
  assert {
    condition     = length(aws_s3_bucket_versioning.this) == 0 && length(aws_cloudwatch_metric_alarm.errors) == 0
    error_message = "Versioning and alarms are off by default."
  }
  assert {
    condition = alltrue([for key, configuration in aws_s3_bucket_lifecycle_configuration.this :
    configuration.rule[0].abort_incomplete_multipart_upload[0].days_after_initiation == 1 && configuration.rule[0].status == "Enabled"])
    error_message = "Every bucket must abort incomplete multipart uploads after a day (no billed orphan parts)."
  }
  assert {
    condition     = length(aws_s3_bucket_lifecycle_configuration.this) == length(aws_s3_bucket.this)
    error_message = "Every bucket needs the lifecycle rule."
  }
}

run "two_buckets_move_mode" {
  command = apply

  variables {
    organizer = { move = true }
    alarms    = { enabled = true, actions = ["arn:aws:sns:eu-west-1:123456789012:alerts"] }
    buckets   = { source = "example-uploads", destination = "example-photos", versioning = true }
  }

  assert {
    condition     = strcontains(output.iam_role_policy_document, "DeleteSourceAfterMove")
    error_message = "Move mode must allow deleting the source."
  }
  assert {
    condition     = length(aws_cloudwatch_metric_alarm.errors) == 1 && length(aws_cloudwatch_metric_alarm.failures) == 1
    error_message = "alarms.enabled must create both alarms."
  }
  assert {
    condition     = length(aws_s3_bucket_versioning.this) == 2
    error_message = "buckets.versioning must version both buckets."
  }
}

run "one_bucket_move_mode" {
  command = apply

  variables {
    buckets            = { source = "example-photos" }
    source_prefix      = "incoming/"
    destination_prefix = "photos/"
    organizer          = { move = true }
    batch_operations   = { enabled = true, manifest_bucket = "example-manifests" }
  }

  assert {
    condition     = alltrue([for rule in aws_s3_bucket_notification.this.lambda_function : rule.filter_prefix == "incoming/"])
    error_message = "Every rule must be limited to the incoming prefix."
  }
  assert {
    condition     = keys(aws_s3_bucket.this) == tolist(["manifest", "source"]) || keys(aws_s3_bucket.this) == ["manifest", "source"]
    error_message = "One-bucket mode creates one photo bucket (plus the manifest bucket)."
  }
  assert {
    condition     = aws_lambda_function.this.environment[0].variables["SOURCE_PREFIX"] == "incoming/" && aws_lambda_function.this.environment[0].variables["DESTINATION_PREFIX"] == "photos/"
    error_message = "The function must know both prefixes."
  }
  assert {
    condition     = output.batch_operations_role_arn != null
    error_message = "batch_operations.enabled must create the role."
  }
}

run "filter_all_objects" {
  command = plan

  variables {
    notification = { filter_all_objects = true }
  }

  assert {
    condition     = length(aws_s3_bucket_notification.this.lambda_function) == 1 && aws_s3_bucket_notification.this.lambda_function[0].filter_suffix == null
    error_message = "filter_all_objects must leave one rule without a suffix."
  }
}

run "one_bucket_needs_a_source_prefix" {
  command = plan

  variables {
    buckets = { source = "example-photos" }
  }

  expect_failures = [aws_s3_bucket_notification.this]
}

run "one_bucket_prefixes_must_not_nest" {
  command = plan

  variables {
    buckets            = { source = "example-photos" }
    source_prefix      = "photos/"
    destination_prefix = "photos/sorted/"
  }

  expect_failures = [aws_s3_bucket_notification.this]
}

run "rejects_old_runtime" {
  command = plan

  variables {
    function = { runtime = "nodejs20.x" }
  }

  expect_failures = [var.function]
}

run "rejects_memory_and_timeout_out_of_range" {
  command = plan

  variables {
    function = { memory_size = 128, timeout = 901 }
  }

  expect_failures = [var.function]
}

run "rejects_duplicate_extensions" {
  command = plan

  variables {
    notification = { extensions = ["jpg", "png", "jpg"] }
  }

  expect_failures = [var.notification]
}

run "rejects_unknown_undated_policy" {
  command = plan

  variables {
    organizer = { undated = "skip" }
  }

  expect_failures = [var.organizer]
}
