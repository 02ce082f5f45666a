data "aws_partition" "current" {}
data "aws_caller_identity" "current" {}
data "aws_region" "current" {}

locals {
  partition  = data.aws_partition.current.partition
  account_id = data.aws_caller_identity.current.account_id
  region     = data.aws_region.current.region

  source_bucket      = var.source_bucket
  destination_bucket = coalesce(var.destination_bucket, var.source_bucket)
  same_bucket        = local.source_bucket == local.destination_bucket

  # In one-bucket mode the source bucket's create_source_bucket decides for both roles.
  create_destination_bucket = local.same_bucket ? var.create_source_bucket : var.create_destination_bucket

  # Every bucket this module creates, keyed by role; each gets the same private, encrypted,
  # versioned, TLS-only treatment in s3.tf. Existing buckets are never in this map: the module
  # has no aws_s3_bucket* resource for them (see existing-buckets.tf).
  created_buckets = merge(
    var.create_source_bucket ? { source = local.source_bucket } : {},
    !local.same_bucket && var.create_destination_bucket ? { destination = local.destination_bucket } : {},
    var.batch_operations.enabled ? { manifest = var.batch_operations.manifest_bucket } : {},
  )
  existing_buckets = merge(
    var.create_source_bucket ? {} : { source = local.source_bucket },
    !local.same_bucket && !var.create_destination_bucket ? { destination = local.destination_bucket } : {},
  )

  # ARNs are built from the names (known before apply) so that policies render at plan time.
  bucket_arns            = { for key, name in local.created_buckets : key => "arn:${local.partition}:s3:::${name}" }
  source_bucket_arn      = "arn:${local.partition}:s3:::${local.source_bucket}"
  destination_bucket_arn = "arn:${local.partition}:s3:::${local.destination_bucket}"
  source_objects         = "${local.source_bucket_arn}/${var.source_prefix}*"
  destination_objects    = "${local.destination_bucket_arn}/${var.destination_prefix}*"
}
