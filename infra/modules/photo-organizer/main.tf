data "aws_partition" "current" {}
data "aws_caller_identity" "current" {}
data "aws_region" "current" {}

locals {
  partition  = data.aws_partition.current.partition
  account_id = data.aws_caller_identity.current.account_id
  region     = data.aws_region.current.region

  source_bucket      = var.buckets.source
  destination_bucket = coalesce(var.buckets.destination, var.buckets.source)
  same_bucket        = local.source_bucket == local.destination_bucket

  # Every bucket this module creates, keyed by role; each gets the same private, encrypted,
  # TLS-only treatment in s3.tf.
  buckets = merge(
    { source = local.source_bucket },
    local.same_bucket ? {} : { destination = local.destination_bucket },
    var.batch_operations.enabled ? { manifest = var.batch_operations.manifest_bucket } : {},
  )

  # ARNs are built from the names (known before apply) so that policies render at plan time.
  bucket_arns         = { for key, name in local.buckets : key => "arn:${local.partition}:s3:::${name}" }
  source_objects      = "arn:${local.partition}:s3:::${local.source_bucket}/${var.source_prefix}*"
  destination_objects = "arn:${local.partition}:s3:::${local.destination_bucket}/${var.destination_prefix}*"
}
