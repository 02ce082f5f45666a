resource "aws_cloudwatch_metric_alarm" "errors" {
  count = var.alarms.enabled ? 1 : 0

  alarm_name          = "${var.name}-errors"
  alarm_description   = "The photo organizer function failed (each failure is retried, then lands in ${aws_sqs_queue.this.name})."
  namespace           = "AWS/Lambda"
  metric_name         = "Errors"
  dimensions          = { FunctionName = aws_lambda_function.this.function_name }
  statistic           = "Sum"
  period              = var.alarms.period
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarms.actions
  ok_actions          = var.alarms.actions
  tags                = var.tags
}

resource "aws_cloudwatch_metric_alarm" "failures" {
  count = var.alarms.enabled ? 1 : 0

  alarm_name          = "${var.name}-failed-events"
  alarm_description   = "Uploads the function gave up on are waiting in ${aws_sqs_queue.this.name}."
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  dimensions          = { QueueName = aws_sqs_queue.this.name }
  statistic           = "Maximum"
  period              = var.alarms.period
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarms.actions
  ok_actions          = var.alarms.actions
  tags                = var.tags
}
