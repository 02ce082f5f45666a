# Runs offline: mock_provider stands in for AWS (nothing can be created here) and the provider
# schema comes from infra/tools/schema-provider.mjs, attached by infra/test/*.test.ts.
# The infra tests also read the rendered policies of these runs for the IAM simulation.

mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  source_bucket      = "example-uploads"
  destination_bucket = "example-photos"
  function_package   = "tests/fixtures/function.zip"
  layer_package      = "tests/fixtures/layer.zip"
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
    condition     = length(aws_s3_bucket_notification.this[0].lambda_function) == 70
    error_message = "Expected one notification rule per extension and case (35 extensions x 2)."
  }
  assert {
    condition = alltrue([
      for suffix in [".jpg", ".JPG", ".heic", ".HEIC", ".m2ts", ".M2TS", ".3gp", ".3GP", ".xmp", ".XMP", ".aae", ".AAE", ".json", ".JSON"] :
      contains(aws_s3_bucket_notification.this[0].lambda_function[*].filter_suffix, suffix)
    ])
    error_message = "Suffix filters must cover lower and upper case, companions (.xmp .aae .json) included."
  }
  assert {
    condition     = aws_s3_bucket_notification.this[0].eventbridge == null && length(aws_cloudwatch_event_rule.this) == 0
    error_message = "The S3 notification trigger needs no EventBridge."
  }
  assert {
    condition     = aws_lambda_permission.this.source_arn == "arn:aws:s3:::example-uploads" && aws_lambda_permission.this.source_account == "123456789012" && aws_lambda_permission.this.principal == "s3.amazonaws.com"
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
    condition     = !strcontains(output.iam_role_policy_document, "DeleteSourceAfterMove")
    error_message = "Copy mode must not allow deleting anything."
  }
  assert {
    condition     = length(aws_s3_bucket_versioning.this) == 2 && alltrue([for versioning in aws_s3_bucket_versioning.this : versioning.versioning_configuration[0].status == "Enabled"])
    error_message = "Versioning is on by default for the buckets the module creates."
  }
  assert {
    condition = alltrue([for key, configuration in aws_s3_bucket_lifecycle_configuration.this :
    configuration.rule[0].abort_incomplete_multipart_upload[0].days_after_initiation == 1 && configuration.rule[0].status == "Enabled"])
    error_message = "Every bucket must abort incomplete multipart uploads after a day (no billed orphan parts)."
  }
  assert {
    condition = alltrue([for key, configuration in aws_s3_bucket_lifecycle_configuration.this :
    configuration.rule[1].noncurrent_version_expiration[0].noncurrent_days == 30])
    error_message = "Noncurrent versions expire after noncurrent_version_expiration_days (30 by default)."
  }
  assert {
    condition     = length(aws_s3_bucket_lifecycle_configuration.this) == length(aws_s3_bucket.this)
    error_message = "Every bucket needs the lifecycle rule."
  }
  assert {
    condition     = keys(aws_cloudwatch_metric_alarm.this) == ["errors", "failures", "throttles"] && length(aws_sns_topic.alarms) == 0
    error_message = "Alarms on errors, throttles and the failure queue exist by default (no topic without alarms.email)."
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.this["failures"].metric_name == "ApproximateNumberOfMessagesVisible" && aws_cloudwatch_metric_alarm.this["failures"].threshold == 0 && aws_cloudwatch_metric_alarm.this["failures"].comparison_operator == "GreaterThanThreshold"
    error_message = "The failure-queue alarm must fire on any message."
  }
  assert {
    condition     = aws_iam_role.this.permissions_boundary == null && !contains(keys(aws_lambda_function.this.environment[0].variables), "WEBHOOK_URL_PARAMETER")
    error_message = "No boundary and no webhook parameter unless asked."
  }
}

run "two_buckets_move_mode" {
  command = apply

  variables {
    organizer                          = { move = true }
    alarms                             = { actions = ["arn:aws:sns:eu-west-1:123456789012:alerts"], email = "photos@example.com" }
    versioning                         = false
    noncurrent_version_expiration_days = null
  }

  assert {
    condition     = strcontains(output.iam_role_policy_document, "DeleteSourceAfterMoveIfUnchanged")
    error_message = "Move mode must allow deleting the source (conditionally)."
  }
  assert {
    condition     = length(aws_cloudwatch_metric_alarm.this) == 3 && aws_sns_topic_subscription.alarm_email[0].endpoint == "photos@example.com" && aws_sns_topic_subscription.alarm_email[0].protocol == "email"
    error_message = "alarms.email must subscribe the address to the alarm topic."
  }
  assert {
    condition     = toset(aws_cloudwatch_metric_alarm.this["errors"].alarm_actions) == toset(["arn:aws:sns:eu-west-1:123456789012:alerts", "arn:aws:sns:eu-west-1:123456789012:photo-organizer-alarms"])
    error_message = "Alarms must notify both the given actions and the e-mail topic."
  }
  assert {
    condition     = length(aws_s3_bucket_versioning.this) == 0 && alltrue([for configuration in aws_s3_bucket_lifecycle_configuration.this : length(configuration.rule) == 1])
    error_message = "versioning = false leaves the buckets unversioned, without a noncurrent-version rule."
  }
}

run "one_bucket_move_mode" {
  command = apply

  variables {
    destination_bucket = null
    source_bucket      = "example-photos"
    source_prefix      = "incoming/"
    destination_prefix = "photos/"
    organizer          = { move = true }
    batch_operations   = { enabled = true, manifest_bucket = "example-manifests" }
  }

  assert {
    condition     = alltrue([for rule in aws_s3_bucket_notification.this[0].lambda_function : rule.filter_prefix == "incoming/"])
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
    condition     = output.batch_operations_role_arn != null && output.backfill.report_bucket == "example-manifests" && output.backfill.report_prefix == "reports/" && output.backfill.function_name == "photo-organizer" && output.backfill.source_prefix == "incoming/"
    error_message = "batch_operations.enabled must create the role and output what backfill needs."
  }
}

run "existing_source_bucket_with_eventbridge" {
  command = apply

  variables {
    create_source_bucket = false
    trigger              = { type = "eventbridge" }
    organizer            = { move = true }
    kms_key_arns         = ["arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"]
  }

  assert {
    condition     = keys(aws_s3_bucket.this) == ["destination"] || keys(aws_s3_bucket.this) == tolist(["destination"])
    error_message = "Only the destination bucket is created; the existing source bucket gets no aws_s3_bucket."
  }
  assert {
    condition = alltrue([for keys in [
      keys(aws_s3_bucket_policy.this), keys(aws_s3_bucket_public_access_block.this), keys(aws_s3_bucket_ownership_controls.this),
      keys(aws_s3_bucket_server_side_encryption_configuration.this), keys(aws_s3_bucket_versioning.this), keys(aws_s3_bucket_lifecycle_configuration.this),
    ] : !contains(keys, "source")])
    error_message = "No aws_s3_bucket_* setting may touch the existing source bucket."
  }
  assert {
    condition     = length(aws_s3_bucket_notification.this) == 0
    error_message = "The existing bucket's notification configuration must be left alone unless allowed."
  }
  assert {
    condition     = data.aws_s3_bucket.existing["source"].bucket == "example-uploads"
    error_message = "The existing bucket is read (exists, region), not managed."
  }
  assert {
    condition     = aws_cloudwatch_event_rule.this[0].name == "photo-organizer-object-created" && aws_cloudwatch_event_target.this[0].arn == aws_lambda_function.this.arn
    error_message = "EventBridge mode needs the rule and its target."
  }
  assert {
    condition     = aws_cloudwatch_event_target.this[0].dead_letter_config[0].arn == aws_sqs_queue.this.arn && aws_cloudwatch_event_target.this[0].retry_policy[0].maximum_event_age_in_seconds == 21600
    error_message = "Undeliverable events must reach the same failure queue, after retries."
  }
  assert {
    condition     = jsondecode(aws_cloudwatch_event_rule.this[0].event_pattern).detail.bucket.name == ["example-uploads"] && jsondecode(aws_cloudwatch_event_rule.this[0].event_pattern)["detail-type"] == ["Object Created"]
    error_message = "The rule must match Object Created events of the source bucket only."
  }
  assert {
    condition     = contains(jsondecode(aws_cloudwatch_event_rule.this[0].event_pattern).detail.object.key, { suffix = { equals-ignore-case = ".jpg" } })
    error_message = "The rule must match extensions case-insensitively."
  }
  assert {
    condition     = aws_lambda_permission.this.principal == "events.amazonaws.com" && aws_lambda_permission.this.source_arn == "arn:aws:events:eu-west-1:123456789012:rule/photo-organizer-object-created"
    error_message = "Only this rule may invoke the function."
  }
  assert {
    condition     = length(aws_sqs_queue_policy.eventbridge) == 1
    error_message = "The failure queue must accept the rule's dead letters."
  }
}

run "default_pattern_fits_eventbridge_quota_but_a_long_list_does_not" {
  command = plan

  variables {
    source_bucket        = "a-bucket-name-of-the-longest-length-s3-allows-is-sixty-three-ch"
    create_source_bucket = false
    trigger              = { type = "eventbridge" }
  }

  assert {
    condition     = length(aws_cloudwatch_event_rule.this[0].event_pattern) <= 2048
    error_message = "The default extensions must fit EventBridge's default 2048-character pattern quota, even with a 63-character bucket name."
  }
}

run "rejects_a_pattern_over_the_eventbridge_quota" {
  command = plan

  variables {
    create_source_bucket = false
    trigger = {
      type       = "eventbridge"
      extensions = [for index in range(60) : "ext${index}"]
    }
  }

  expect_failures = [aws_cloudwatch_event_rule.this]
}

run "existing_bucket_s3_notification_refused" {
  command = plan

  variables {
    create_source_bucket = false
  }

  expect_failures = [var.trigger]
}

run "existing_bucket_s3_notification_allowed" {
  command = plan

  variables {
    create_source_bucket = false
    trigger              = { replace_existing_notifications = true }
  }

  assert {
    condition     = aws_s3_bucket_notification.this[0].bucket == "example-uploads" && !contains(keys(aws_s3_bucket.this), "source")
    error_message = "Allowed, the module owns the existing bucket's notification configuration, and nothing else of it."
  }
}

run "existing_bucket_eventbridge_switch_allowed" {
  command = plan

  variables {
    create_source_bucket = false
    trigger              = { type = "eventbridge", replace_existing_notifications = true }
  }

  assert {
    condition     = aws_s3_bucket_notification.this[0].eventbridge == true && length(aws_s3_bucket_notification.this[0].lambda_function) == 0
    error_message = "Allowed, the module turns on EventBridge delivery (and only that) on the existing bucket."
  }
}

run "created_bucket_eventbridge_with_prefix" {
  command = apply

  variables {
    destination_bucket = null
    source_prefix      = "incoming/"
    destination_prefix = "photos/"
    trigger            = { type = "eventbridge" }
  }

  assert {
    condition     = aws_s3_bucket_notification.this[0].eventbridge == true
    error_message = "The module turns on EventBridge delivery on a bucket it creates."
  }
  assert {
    condition     = jsondecode(aws_cloudwatch_event_rule.this[0].event_pattern).detail.object.key == [{ prefix = "incoming/" }]
    error_message = "With a source prefix the rule matches the prefix (its copies under photos/ never trigger)."
  }
}

run "existing_bucket_in_another_region" {
  command = plan

  variables {
    create_source_bucket = false
    trigger              = { type = "eventbridge" }
  }

  override_data {
    target = data.aws_s3_bucket.existing["source"]
    values = { bucket = "example-uploads", bucket_region = "us-east-1" }
  }

  expect_failures = [data.aws_s3_bucket.existing["source"]]
}

run "existing_destination_bucket" {
  command = plan

  variables {
    create_destination_bucket = false
  }

  assert {
    condition     = keys(aws_s3_bucket.this) == ["source"] || keys(aws_s3_bucket.this) == tolist(["source"])
    error_message = "An existing destination bucket gets no aws_s3_bucket."
  }
}

run "existing_destination_in_another_region_is_allowed" {
  command = plan

  variables {
    create_destination_bucket = false
  }

  override_data {
    target = data.aws_s3_bucket.existing["destination"]
    values = { bucket = "example-photos", bucket_region = "us-east-1" }
  }

  assert {
    condition     = data.aws_s3_bucket.existing["destination"].bucket_region == "us-east-1"
    error_message = "Copies may cross regions: only the source bucket must be in the function's region."
  }
}

run "webhook_from_ssm_and_boundary" {
  command = apply

  variables {
    webhook_url_parameter = { name = "/photo-organizer/webhook-url", kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab" }
    permissions_boundary  = "arn:aws:iam::123456789012:policy/boundary"
    batch_operations      = { enabled = true, manifest_bucket = "example-manifests" }
  }

  assert {
    condition     = aws_lambda_function.this.environment[0].variables["WEBHOOK_URL_PARAMETER"] == "/photo-organizer/webhook-url" && !contains(keys(aws_lambda_function.this.environment[0].variables), "WEBHOOK_URL")
    error_message = "The function gets the parameter's name, never the URL."
  }
  assert {
    condition     = strcontains(output.iam_role_policy_document, "arn:aws:ssm:eu-west-1:123456789012:parameter/photo-organizer/webhook-url")
    error_message = "The role may read that one parameter."
  }
  assert {
    condition     = aws_iam_role.this.permissions_boundary == "arn:aws:iam::123456789012:policy/boundary" && aws_iam_role.batch_operations[0].permissions_boundary == "arn:aws:iam::123456789012:policy/boundary"
    error_message = "Every role gets the permissions boundary."
  }
}

run "filter_all_objects" {
  command = plan

  variables {
    trigger = { filter_all_objects = true }
  }

  assert {
    condition     = length(aws_s3_bucket_notification.this[0].lambda_function) == 1 && aws_s3_bucket_notification.this[0].lambda_function[0].filter_suffix == null
    error_message = "filter_all_objects must leave one rule without a suffix."
  }
}

run "one_bucket_needs_a_source_prefix" {
  command = plan

  variables {
    destination_bucket = null
  }

  expect_failures = [var.source_prefix]
}

run "one_bucket_prefixes_must_not_nest" {
  command = plan

  variables {
    destination_bucket = "example-uploads"
    source_prefix      = "photos/"
    destination_prefix = "photos/sorted/"
  }

  expect_failures = [var.source_prefix]
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
    trigger = { extensions = ["jpg", "png", "jpg"] }
  }

  expect_failures = [var.trigger]
}

run "rejects_a_bad_bucket_name" {
  command = plan

  variables {
    source_bucket = "My_Photos"
  }

  expect_failures = [var.source_bucket]
}

run "rejects_unknown_undated_policy" {
  command = plan

  variables {
    organizer = { undated = "skip" }
  }

  expect_failures = [var.organizer]
}
