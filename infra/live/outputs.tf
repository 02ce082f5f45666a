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
