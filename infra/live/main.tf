# The configuration a user applies: `make layer` at the repository root, then
# `cd infra/live && terraform init && terraform apply`.
# Region and credentials: var.region if set, else the provider's usual sources (AWS_REGION,
# AWS_PROFILE, ~/.aws/config and credentials, SSO, instance roles).
provider "aws" {
  region = var.region

  default_tags {
    tags = merge({ Project = "photo-organizer" }, var.tags)
  }
}

locals {
  repository_root  = "${path.root}/../.."
  function_package = coalesce(var.function_package, "${local.repository_root}/packages/organizer/dist/lambda/function.zip")
  layer_package    = coalesce(var.layer_package, "${local.repository_root}/layer-build/dist/exiftool-layer-${var.architecture}.zip")
}

module "photo_organizer" {
  source = "../modules/photo-organizer"

  name                               = var.name
  source_bucket                      = var.source_bucket
  create_source_bucket               = var.create_source_bucket
  destination_bucket                 = var.destination_bucket
  create_destination_bucket          = var.create_destination_bucket
  versioning                         = var.versioning
  noncurrent_version_expiration_days = var.noncurrent_version_expiration_days
  force_destroy                      = var.force_destroy
  kms_key_arns                       = var.kms_key_arns
  source_prefix                      = var.source_prefix
  destination_prefix                 = var.destination_prefix

  function_package = local.function_package
  layer_package    = local.layer_package
  function = {
    architecture                   = var.architecture
    memory_size                    = var.memory_size
    timeout                        = var.timeout
    reserved_concurrent_executions = var.reserved_concurrency
    log_retention_days             = var.log_retention_days
    log_level                      = var.log_level
  }
  permissions_boundary  = var.permissions_boundary
  organizer             = var.organizer
  webhook_url           = var.webhook_url
  webhook_url_parameter = var.webhook_url_parameter
  # Fields left unset (null) take the module's defaults.
  trigger          = var.trigger
  alarms           = var.alarms
  batch_operations = var.batch_operations
}
