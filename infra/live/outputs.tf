output "s3_bucket_source_name" {
  description = "Upload here."
  value       = module.photo_organizer.s3_bucket_source_name
}

output "s3_bucket_destination_name" {
  description = "Organized copies appear here."
  value       = module.photo_organizer.s3_bucket_destination_name
}

output "lambda_function_name" {
  description = "The organizer function."
  value       = module.photo_organizer.lambda_function_name
}

output "cloudwatch_log_group_name" {
  description = "Its logs."
  value       = module.photo_organizer.cloudwatch_log_group_name
}

output "sqs_queue_url" {
  description = "Events the function gave up on (inspect, fix, redrive)."
  value       = module.photo_organizer.sqs_queue_url
}

output "batch_operations_role_arn" {
  description = "Role for an S3 Batch Operations job over existing objects (null when disabled)."
  value       = module.photo_organizer.batch_operations_role_arn
}

output "iam_role_policy_document" {
  description = "The function's inline IAM policy (JSON), for review."
  value       = module.photo_organizer.iam_role_policy_document
}

output "backfill" {
  description = "What `photo-organizer backfill` needs: function, Batch Operations role, report bucket and prefix (null when batch_operations is disabled)."
  value       = module.photo_organizer.backfill
}

output "eventbridge_rule_arn" {
  description = "The EventBridge rule that triggers the function (null with the S3 notification trigger)."
  value       = module.photo_organizer.eventbridge_rule_arn
}

output "s3_bucket_names_created" {
  description = "The buckets this deployment created and manages (an existing bucket is never listed)."
  value       = module.photo_organizer.s3_bucket_names_created
}
