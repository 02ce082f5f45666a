# trigger.type = "eventbridge": S3 sends the bucket's events to the account's default event bus
# (the bucket's EventBridge switch, notifications.tf or the user), and this rule invokes the
# function for "Object Created" events of the source bucket.
locals {
  eventbridge_rule_name = "${var.name}-object-created"
  # Built from the name (default bus) so that policies render at plan time.
  eventbridge_rule_arn = "arn:${local.partition}:events:${local.region}:${local.account_id}:rule/${local.eventbridge_rule_name}"

  # Which keys match. An EventBridge pattern cannot require a prefix AND a suffix of the same
  # field (conditions in one array are alternatives), so:
  # - without source_prefix: one case-insensitive suffix per extension, the "Ends with (ignore
  #   case)" operator {"suffix": {"equals-ignore-case": ".jpg"}} of
  #   https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
  #   (matches .jpg, .JPG and .Jpg alike);
  # - with source_prefix: the prefix only (so a one-bucket deployment never triggers on its own
  #   copies), and the function decides by content, skipping other files after one small ranged
  #   read (one short invocation each), as with filter_all_objects.
  eventbridge_detail_bucket = { bucket = { name = [local.source_bucket] } }
  # (Each branch is encoded on its own: the three shapes differ, which a conditional cannot return.)
  eventbridge_detail = jsondecode(
    var.source_prefix != "" ? jsonencode(merge(local.eventbridge_detail_bucket, { object = { key = [{ prefix = var.source_prefix }] } })) :
    var.trigger.filter_all_objects ? jsonencode(local.eventbridge_detail_bucket) :
    jsonencode(merge(local.eventbridge_detail_bucket, { object = { key = [for extension in var.trigger.extensions : { suffix = { equals-ignore-case = ".${extension}" } }] } }))
  )

  eventbridge_event_pattern = jsonencode({
    source = ["aws.s3"]
    # RESTORE_TIER (issue 21): a restored archive is organized when its restore completes.
    detail-type = var.organizer.restore_tier == "off" ? ["Object Created"] : ["Object Created", "Object Restore Completed"]
    detail      = local.eventbridge_detail
  })
}

resource "aws_cloudwatch_event_rule" "this" {
  count = local.eventbridge ? 1 : 0

  name          = local.eventbridge_rule_name
  description   = "New objects in ${local.source_bucket}/${var.source_prefix} for the photo organizer"
  event_pattern = local.eventbridge_event_pattern
  tags          = var.tags

  lifecycle {
    precondition {
      # "Event pattern size: 2,048 characters" by default (adjustable), EventBridge quotas:
      # https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html
      condition     = length(local.eventbridge_event_pattern) <= 2048
      error_message = "The EventBridge pattern for trigger.extensions is ${length(local.eventbridge_event_pattern)} characters; EventBridge accepts 2048 by default. Use fewer trigger.extensions, or trigger.filter_all_objects = true (the function then decides by content)."
    }
  }
}

# EventBridge retries a delivery it could not make (Lambda throttling the asynchronous queue, an
# outage) for up to maximum_event_age_in_seconds, then puts the event in the same failure queue as
# the function's own failures (which Lambda's asynchronous retries in lambda.tf handle).
resource "aws_cloudwatch_event_target" "this" {
  count = local.eventbridge ? 1 : 0

  rule      = aws_cloudwatch_event_rule.this[0].name
  target_id = "photo-organizer"
  arn       = aws_lambda_function.this.arn

  retry_policy {
    maximum_event_age_in_seconds = var.failure.maximum_event_age_in_seconds
    maximum_retry_attempts       = 185
  }

  dead_letter_config {
    arn = aws_sqs_queue.this.arn
  }

  depends_on = [aws_lambda_permission.this, aws_sqs_queue_policy.eventbridge]
}

locals {
  # EventBridge writes to a dead-letter queue with its service principal, so the queue must allow
  # it, for this rule only.
  failure_queue_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "EventBridgeDeadLetters"
      Effect    = "Allow"
      Principal = { Service = "events.amazonaws.com" }
      Action    = "sqs:SendMessage"
      Resource  = aws_sqs_queue.this.arn
      Condition = { ArnEquals = { "aws:SourceArn" = local.eventbridge_rule_arn } }
    }]
  })
}

resource "aws_sqs_queue_policy" "eventbridge" {
  count = local.eventbridge ? 1 : 0

  queue_url = aws_sqs_queue.this.id
  policy    = local.failure_queue_policy
}
