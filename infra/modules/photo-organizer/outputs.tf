output "s3_bucket_source_name" {
  description = "Name of the bucket that receives uploads."
  value       = aws_s3_bucket.this["source"].bucket
}

output "s3_bucket_source_arn" {
  description = "ARN of the bucket that receives uploads."
  value       = aws_s3_bucket.this["source"].arn
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
  description = "The (prefix, suffix) pairs that trigger the function."
  value       = [for suffix in local.suffixes : { prefix = var.source_prefix, suffix = suffix }]
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
  description = "ARNs of the error and failure-queue alarms (empty when alarms are disabled)."
  value       = concat(aws_cloudwatch_metric_alarm.errors[*].arn, aws_cloudwatch_metric_alarm.failures[*].arn)
}

output "batch_operations_role_arn" {
  description = "Role to give an S3 Batch Operations job that invokes the function (null when disabled)."
  value       = one(aws_iam_role.batch_operations[*].arn)
}

output "batch_operations_role_policy_document" {
  description = "The Batch Operations role's inline policy (JSON; null when disabled)."
  value       = local.batch_operations_policy
}

output "batch_operations_manifest_bucket_name" {
  description = "Bucket for Batch Operations manifests (manifests/) and reports (reports/); null when disabled."
  value       = var.batch_operations.enabled ? aws_s3_bucket.this["manifest"].bucket : null
}
