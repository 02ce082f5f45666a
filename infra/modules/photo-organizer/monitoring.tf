# Failures are seen: on by default, each alarm fires on the first occurrence in a period.
locals {
  alarm_actions = concat(var.alarms.actions, aws_sns_topic.alarms[*].arn)
  alarms = var.alarms.enabled ? {
    errors = {
      name        = "${var.name}-errors"
      description = "The photo organizer function failed (each failure is retried, then the event lands in ${aws_sqs_queue.this.name})."
      namespace   = "AWS/Lambda"
      metric      = "Errors"
      statistic   = "Sum"
      dimensions  = { FunctionName = aws_lambda_function.this.function_name }
    }
    throttles = {
      name        = "${var.name}-throttles"
      description = "Lambda throttled the photo organizer (reserved concurrency or the account limit reached): uploads wait, and after ${var.failure.maximum_event_age_in_seconds} s land in ${aws_sqs_queue.this.name}."
      namespace   = "AWS/Lambda"
      metric      = "Throttles"
      statistic   = "Sum"
      dimensions  = { FunctionName = aws_lambda_function.this.function_name }
    }
    failures = {
      name        = "${var.name}-failed-events"
      description = "Uploads the photo organizer gave up on are waiting in ${aws_sqs_queue.this.name}: inspect them, fix the cause, redrive."
      namespace   = "AWS/SQS"
      metric      = "ApproximateNumberOfMessagesVisible"
      statistic   = "Maximum"
      dimensions  = { QueueName = aws_sqs_queue.this.name }
    }
  } : {}
}

resource "aws_cloudwatch_metric_alarm" "this" {
  for_each = local.alarms

  alarm_name          = each.value.name
  alarm_description   = each.value.description
  namespace           = each.value.namespace
  metric_name         = each.value.metric
  dimensions          = each.value.dimensions
  statistic           = each.value.statistic
  period              = var.alarms.period
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
  tags                = var.tags
}

# Alarm e-mails. Not encrypted with a customer key: CloudWatch publishes to a KMS-encrypted topic
# only when the key policy lets it, and the messages carry alarm names, not photo data.
resource "aws_sns_topic" "alarms" {
  count = var.alarms.enabled && var.alarms.email != null ? 1 : 0

  name = "${var.name}-alarms"
  tags = var.tags
}

resource "aws_sns_topic_subscription" "alarm_email" {
  count = length(aws_sns_topic.alarms)

  topic_arn = aws_sns_topic.alarms[0].arn
  protocol  = "email"
  endpoint  = var.alarms.email
}
