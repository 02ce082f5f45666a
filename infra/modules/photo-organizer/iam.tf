locals {
  # Exactly what the function does: read the source, write (and HEAD) the destination, delete the
  # source in move mode, write its own log group, send failed events to the failure queue. The explicit deny
  # keeps a same-bucket deployment loop-proof even if another policy is attached to the role.
  function_policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat(
      [
        {
          # Versioned sources are read and copied by VersionId; tags travel with the copy.
          Sid      = "ReadSource"
          Effect   = "Allow"
          Action   = ["s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectTagging", "s3:GetObjectVersionTagging"]
          Resource = local.source_objects
        },
        {
          # HeadObject on a missing key answers 404 only with s3:ListBucket (403 otherwise); the
          # function HEADs the source and the candidate target keys. A prefix condition cannot be
          # used: HeadObject requests carry no s3:prefix.
          Sid      = "TellMissingKeysApart"
          Effect   = "Allow"
          Action   = ["s3:ListBucket"]
          Resource = distinct([local.bucket_arns["source"], "arn:${local.partition}:s3:::${local.destination_bucket}"])
        },
        {
          # GetObject on the destination is what HeadObject needs (name collisions, verify-before-delete).
          Sid      = "WriteDestination"
          Effect   = "Allow"
          Action   = ["s3:GetObject", "s3:PutObject", "s3:PutObjectTagging", "s3:AbortMultipartUpload"]
          Resource = local.destination_objects
        },
      ],
      var.organizer.move ? [
        {
          Sid      = "DeleteSourceAfterMove"
          Effect   = "Allow"
          Action   = ["s3:DeleteObject", "s3:DeleteObjectVersion"]
          Resource = local.source_objects
        },
      ] : [],
      [
        {
          Sid      = "NeverWriteSource"
          Effect   = "Deny"
          Action   = ["s3:PutObject"]
          Resource = local.source_objects
        },
        {
          Sid      = "WriteOwnLogs"
          Effect   = "Allow"
          Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
          Resource = "${aws_cloudwatch_log_group.this.arn}:*"
        },
        {
          Sid      = "SendFailedEvents"
          Effect   = "Allow"
          Action   = ["sqs:SendMessage"]
          Resource = aws_sqs_queue.this.arn
        },
      ],
    )
  })
}

resource "aws_iam_role" "this" {
  name = var.name
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "lambda.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
  tags = var.tags
}

resource "aws_iam_role_policy" "this" {
  name   = var.name
  role   = aws_iam_role.this.id
  policy = local.function_policy
}
