# The bucket you already have (years of photos, maybe other notifications on it) stays exactly as
# it is: the module reads it, never changes it, and listens to its events through EventBridge.
# Before `terraform apply`, turn on EventBridge delivery for that bucket, which keeps its other
# notifications (S3 console: the bucket > Properties > Event notifications > Amazon EventBridge >
# Edit > On). The organized library goes to a new bucket.
variable "photo_bucket" {
  description = "The bucket you already have, where photos arrive (same account and region as this deployment)."
  type        = string
}

variable "library_bucket" {
  description = "New bucket to create for the organized library (globally unique)."
  type        = string
}

variable "kms_key_arns" {
  description = "Customer-managed KMS keys your bucket's objects are encrypted with (SSE-KMS); empty for SSE-S3."
  type        = list(string)
  default     = []
}

module "photo_organizer" {
  source = "../../modules/photo-organizer"

  source_bucket        = var.photo_bucket
  create_source_bucket = false
  destination_bucket   = var.library_bucket
  kms_key_arns         = var.kms_key_arns

  trigger = { type = "eventbridge" }

  function_package = local.function_package
  layer_package    = local.layer_package
  function         = { reserved_concurrent_executions = 50 }

  # The photos already in the bucket are organized by a backfill (S3 Batch Operations).
  batch_operations = { enabled = true, manifest_bucket = "${var.library_bucket}-jobs" }
}

output "library" {
  description = "Organized copies appear in this bucket."
  value       = module.photo_organizer.s3_bucket_destination_name
}

output "backfill" {
  description = "What `photo-organizer backfill` needs to organize the photos already in the bucket."
  value       = module.photo_organizer.backfill
}
