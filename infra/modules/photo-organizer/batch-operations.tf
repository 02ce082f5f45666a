# S3 Batch Operations runs the function over objects that existed before the notification did.
# The job itself is created by the user (it names a manifest); this gives it a role and a bucket.
locals {
  batch_operations_policy = var.batch_operations.enabled ? jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "InvokeFunction"
        Effect   = "Allow"
        Action   = ["lambda:InvokeFunction"]
        Resource = [aws_lambda_function.this.arn, "${aws_lambda_function.this.arn}:*"]
      },
      {
        Sid      = "ReadManifests"
        Effect   = "Allow"
        Action   = ["s3:GetObject", "s3:GetObjectVersion"]
        Resource = "${local.bucket_arns["manifest"]}/manifests/*"
      },
      {
        Sid      = "WriteReports"
        Effect   = "Allow"
        Action   = ["s3:PutObject"]
        Resource = "${local.bucket_arns["manifest"]}/reports/*"
      },
    ]
  }) : null
}

resource "aws_iam_role" "batch_operations" {
  count = var.batch_operations.enabled ? 1 : 0

  name = "${var.name}-batch-operations"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "batchoperations.s3.amazonaws.com" }
      Action    = "sts:AssumeRole"
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
