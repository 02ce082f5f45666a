output "s3_bucket_source_name" {
  description = "Name of the bucket that receives uploads (created or existing)."
  value       = local.source_bucket
}

output "s3_bucket_source_arn" {
  description = "ARN of the bucket that receives uploads."
  value       = local.source_bucket_arn
}

output "s3_bucket_names_created" {
  description = "The buckets this module created and manages, by role (source, destination, manifest). An existing bucket is never listed."
  value       = local.created_buckets
}

output "s3_bucket_destination_name" {
  description = "Name of the bucket that receives the organized copies (the source bucket in one-bucket mode)."
  value       = local.destination_bucket
}

output "s3_bucket_policies" {
  description = "The TLS-only bucket policy of each bucket the module created, by role (source, destination, manifest)."
  value       = local.bucket_policies
}

output "s3_bucket_notification_filters" {
  description = "The (prefix, suffix) pairs of the S3 notification that trigger the function (empty with trigger.type = \"eventbridge\")."
  value       = local.eventbridge ? [] : [for suffix in local.suffixes : { prefix = var.source_prefix, suffix = suffix }]
}

output "eventbridge_rule_arn" {
  description = "ARN of the EventBridge rule that triggers the function (null with trigger.type = \"s3-notification\")."
  value       = local.eventbridge ? local.eventbridge_rule_arn : null
}

output "eventbridge_event_pattern" {
  description = "The rule's event pattern (JSON; null with trigger.type = \"s3-notification\")."
  value       = local.eventbridge ? local.eventbridge_event_pattern : null
}

output "sqs_queue_policy" {
  description = "The failure queue's policy letting the EventBridge rule deliver dead letters (JSON; null with trigger.type = \"s3-notification\")."
  value       = local.eventbridge ? local.failure_queue_policy : null
}

output "lambda_function_name" {
  description = "Name of the organizer function."
  value       = aws_lambda_function.this.function_name
}

output "lambda_function_arn" {
  description = "ARN of the organizer function."
  value       = aws_lambda_function.this.arn
}

output "lambda_layer_version_arn" {
  description = "ARN of the exiftool layer version."
  value       = aws_lambda_layer_version.this.arn
}

output "iam_role_arn" {
  description = "ARN of the function's role."
  value       = aws_iam_role.this.arn
}

output "iam_role_policy_document" {
  description = "The function role's inline policy (JSON)."
  value       = local.function_policy
}

output "cloudwatch_log_group_name" {
  description = "Log group of the function."
  value       = aws_cloudwatch_log_group.this.name
}

output "sqs_queue_url" {
  description = "URL of the queue that keeps events the function failed on (after retries)."
  value       = aws_sqs_queue.this.url
}

output "sqs_queue_arn" {
  description = "ARN of the failure queue."
  value       = aws_sqs_queue.this.arn
}

output "cloudwatch_metric_alarm_arns" {
  description = "ARNs of the alarms by kind (errors, throttles, failures; empty when alarms are disabled)."
  value       = { for key, alarm in aws_cloudwatch_metric_alarm.this : key => alarm.arn }
}

output "sns_topic_alarms_arn" {
  description = "Topic the alarm e-mails go through (null without alarms.email)."
  value       = one(aws_sns_topic.alarms[*].arn)
}

output "batch_operations_role_arn" {
  description = "Role to give an S3 Batch Operations job that invokes the function (null when disabled)."
  value       = one(aws_iam_role.batch_operations[*].arn)
}

output "batch_operations_role_policy_document" {
  description = "The Batch Operations role's inline policy (JSON; null when disabled)."
  value       = local.batch_operations_policy
}

output "batch_operations_trust_policy_document" {
  description = "Who may assume the Batch Operations role (JSON; null when disabled)."
  value       = one(aws_iam_role.batch_operations[*].assume_role_policy)
}

output "batch_operations_manifest_bucket_name" {
  description = "Bucket for Batch Operations manifests (manifests/) and completion reports (reports/); null when disabled."
  value       = var.batch_operations.enabled ? aws_s3_bucket.this["manifest"].bucket : null
}

output "backfill" {
  description = "Everything `photo-organizer backfill` needs to start an S3 Batch Operations job over the photos already in the source bucket (null when batch_operations is disabled)."
  value = var.batch_operations.enabled ? {
    function_name   = aws_lambda_function.this.function_name
    function_arn    = aws_lambda_function.this.arn
    role_arn        = aws_iam_role.batch_operations[0].arn
    source_bucket   = local.source_bucket
    source_prefix   = var.source_prefix
    report_bucket   = aws_s3_bucket.this["manifest"].bucket
    report_prefix   = local.batch_operations_report_prefix
    manifest_bucket = aws_s3_bucket.this["manifest"].bucket
    manifest_prefix = local.batch_operations_manifest_prefix
    account_id      = local.account_id
    region          = local.region
  } : null
}
