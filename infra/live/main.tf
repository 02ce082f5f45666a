# The configuration a user applies: `make layer` at the repository root, then
# `cd infra/live && terraform init && terraform apply`.
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

  name = var.name
  buckets = {
    source        = var.source_bucket
    destination   = var.destination_bucket
    versioning    = var.versioning
    force_destroy = var.force_destroy
  }
  source_prefix      = var.source_prefix
  destination_prefix = var.destination_prefix

  function_package = local.function_package
  layer_package    = local.layer_package
  function = {
    architecture       = var.architecture
    memory_size        = var.memory_size
    timeout            = var.timeout
    log_retention_days = var.log_retention_days
    log_level          = var.log_level
  }
  organizer        = var.organizer
  webhook_url      = var.webhook_url
  notification     = { filter_all_objects = var.filter_all_objects }
  alarms           = var.alarms
  batch_operations = var.batch_operations
}
