resource "aws_s3_bucket" "this" {
  for_each = local.created_buckets

  bucket        = each.value
  force_destroy = var.force_destroy
  tags          = var.tags
}

resource "aws_s3_bucket_public_access_block" "this" {
  for_each = local.created_buckets

  bucket                  = aws_s3_bucket.this[each.key].id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "this" {
  for_each = local.created_buckets

  bucket = aws_s3_bucket.this[each.key].id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  for_each = local.created_buckets

  bucket = aws_s3_bucket.this[each.key].id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
    bucket_key_enabled = true
  }
}

# Versioning keeps an overwritten or deleted photo recoverable (a move deletes by creating a
# delete marker, never a version); noncurrent versions expire after
# noncurrent_version_expiration_days.
resource "aws_s3_bucket_versioning" "this" {
  for_each = var.versioning ? local.created_buckets : {}

  bucket = aws_s3_bucket.this[each.key].id

  versioning_configuration {
    status = "Enabled"
  }
}

# A multipart copy that fails after its abort also failed (or a function killed mid-copy) leaves
# parts that are billed but invisible: S3 removes them a day later.
resource "aws_s3_bucket_lifecycle_configuration" "this" {
  for_each = local.created_buckets

  bucket = aws_s3_bucket.this[each.key].id

  rule {
    id     = "abort-incomplete-multipart-uploads"
    status = "Enabled"

    filter {}

    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }
  }

  dynamic "rule" {
    for_each = var.versioning && var.noncurrent_version_expiration_days != null ? [var.noncurrent_version_expiration_days] : []
    content {
      id     = "expire-noncurrent-versions"
      status = "Enabled"

      filter {}

      noncurrent_version_expiration {
        noncurrent_days = rule.value
      }
    }
  }

  # Versioning must be on before a noncurrent-version rule means anything.
  depends_on = [aws_s3_bucket_versioning.this]
}

locals {
  # Deny every request that does not arrive over TLS, for the bucket and its objects.
  bucket_policies = {
    for key, arn in local.bucket_arns : key => jsonencode({
      Version = "2012-10-17"
      Statement = [{
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:*"
        Resource  = [arn, "${arn}/*"]
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      }]
    })
  }
}

resource "aws_s3_bucket_policy" "this" {
  for_each = local.created_buckets

  bucket = aws_s3_bucket.this[each.key].id
  policy = local.bucket_policies[each.key]

  # S3 refuses policies while the public access block is being changed.
  depends_on = [aws_s3_bucket_public_access_block.this]
}
