# Two new buckets: upload to the first, find the organized copies in the second. Both are
# created private, encrypted, versioned (noncurrent versions kept 30 days) and TLS-only.
variable "source_bucket" {
  description = "New bucket to create for uploads (globally unique)."
  type        = string
}

variable "destination_bucket" {
  description = "New bucket to create for the organized library (globally unique)."
  type        = string
}

variable "alarm_email" {
  description = "Address that receives the alarms (confirm the subscription mail AWS sends); null for none."
  type        = string
  default     = null
}

module "photo_organizer" {
  source = "../../modules/photo-organizer"

  source_bucket      = var.source_bucket
  destination_bucket = var.destination_bucket

  function_package = local.function_package
  layer_package    = local.layer_package
  # A bulk upload of thousands of photos must not take the account's whole concurrency.
  function = { reserved_concurrent_executions = 50 }

  alarms           = { email = var.alarm_email }
  batch_operations = { enabled = true, manifest_bucket = "${var.destination_bucket}-jobs" }
}

output "upload_here" {
  description = "Upload photos to this bucket."
  value       = module.photo_organizer.s3_bucket_source_name
}

output "library" {
  description = "Organized copies appear in this bucket."
  value       = module.photo_organizer.s3_bucket_destination_name
}

output "backfill" {
  description = "What `photo-organizer backfill` needs."
  value       = module.photo_organizer.backfill
}
