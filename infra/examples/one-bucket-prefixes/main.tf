# One new bucket: upload under incoming/, the library grows under photos/. In move mode a photo
# leaves incoming/ once its copy is verified (a conditional delete; versioning keeps it
# recoverable for noncurrent_version_expiration_days).
variable "bucket" {
  description = "New bucket to create (globally unique)."
  type        = string
}

module "photo_organizer" {
  source = "../../modules/photo-organizer"

  source_bucket      = var.bucket
  source_prefix      = "incoming/"
  destination_prefix = "photos/"

  function_package = local.function_package
  layer_package    = local.layer_package
  function         = { reserved_concurrent_executions = 20 }

  organizer = { move = true }
}

output "upload_here" {
  description = "Upload photos under this prefix."
  value       = "s3://${module.photo_organizer.s3_bucket_source_name}/incoming/"
}

output "library" {
  description = "Organized copies appear under this prefix."
  value       = "s3://${module.photo_organizer.s3_bucket_destination_name}/photos/"
}
