# S3 Batch Operations runs the function over objects that existed before the trigger did (the
# backfill of a bucket full of photos). The CLI's `backfill` creates the job; this gives it a role
# and a bucket for manifests (manifests/) and completion reports (reports/).
locals {
  batch_operations_manifest_prefix = "manifests/"
  batch_operations_report_prefix   = "reports/"
  batch_operations_bucket_arn      = var.batch_operations.enabled ? local.bucket_arns["manifest"] : null

  batch_operations_policy = var.batch_operations.enabled ? jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        # The unqualified function only ($LATEST), nothing else in the account.
        Sid      = "InvokeFunction"
        Effect   = "Allow"
        Action   = ["lambda:InvokeFunction"]
        Resource = aws_lambda_function.this.arn
      },
      {
        # The manifest generator lists the source bucket to build the job's object list.
        Sid       = "ListSourceForManifest"
        Effect    = "Allow"
        Action    = ["s3:ListBucket"]
        Resource  = local.source_bucket_arn
        Condition = local.in_this_account
      },
      {
        Sid       = "ReadManifests"
        Effect    = "Allow"
        Action    = ["s3:GetObject", "s3:GetObjectVersion"]
        Resource  = "${local.batch_operations_bucket_arn}/${local.batch_operations_manifest_prefix}*"
        Condition = local.in_this_account
      },
      {
        # Generated manifests (manifests/) and completion reports (reports/).
        Sid       = "WriteManifestsAndReports"
        Effect    = "Allow"
        Action    = ["s3:PutObject"]
        Resource  = ["${local.batch_operations_bucket_arn}/${local.batch_operations_manifest_prefix}*", "${local.batch_operations_bucket_arn}/${local.batch_operations_report_prefix}*"]
        Condition = local.in_this_account
      },
    ]
  }) : null
}

resource "aws_iam_role" "batch_operations" {
  count = var.batch_operations.enabled ? 1 : 0

  name                 = "${var.name}-batch-operations"
  permissions_boundary = var.permissions_boundary
  # Only Batch Operations jobs of this account may assume it (no confused deputy).
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "batchoperations.s3.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = {
        StringEquals = { "aws:SourceAccount" = local.account_id }
        ArnLike      = { "aws:SourceArn" = "arn:${local.partition}:s3:${local.region}:${local.account_id}:job/*" }
      }
    }]
  })
  tags = var.tags
}

resource "aws_iam_role_policy" "batch_operations" {
  count = var.batch_operations.enabled ? 1 : 0

  name   = "${var.name}-batch-operations"
  role   = aws_iam_role.batch_operations[0].id
  policy = local.batch_operations_policy
}
