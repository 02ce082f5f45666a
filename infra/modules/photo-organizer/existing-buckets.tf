# A bucket the user already has is only read here: the module never manages its policy,
# encryption, versioning, lifecycle, public access block, ownership or (unless
# trigger.replace_existing_notifications) its notification configuration. Reading it checks at
# plan time that it exists, and that the source bucket sits in the region the function is
# deployed to: S3 notifications and S3's EventBridge events reach only a function in the bucket's
# own region. (An existing destination may be elsewhere: copies cross regions, at transfer cost.)
data "aws_s3_bucket" "existing" {
  for_each = local.existing_buckets

  bucket = each.value

  lifecycle {
    postcondition {
      condition     = each.key != "source" || self.bucket_region == local.region
      error_message = "${each.key}_bucket \"${each.value}\" is in ${self.bucket_region}, but the provider deploys to ${local.region}: deploy the module in the bucket's region (S3 delivers its events only within a region)."
    }
  }
}
