locals {
  # s3:ResourceAccount pins every S3 statement to buckets of this account: a bucket of the same
  # name elsewhere (deleted and re-created by someone else) is never read or written.
  in_this_account = { StringEquals = { "s3:ResourceAccount" = local.account_id } }

  webhook_parameter_arn = var.webhook_url_parameter == null ? null : "arn:${local.partition}:ssm:${local.region}:${local.account_id}:parameter/${trimprefix(var.webhook_url_parameter.name, "/")}"

  # Exactly what the function does: read the source, write (and HEAD) the destination, resume its
  # own multipart copies, delete the source in move mode only conditionally, write its own log
  # group, send failed events to the failure queue. The explicit denies keep a same-bucket
  # deployment loop-proof and photos unlosable even if another policy is attached to the role.
  function_policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat(
      [
        {
          # Versioned sources are read and copied by VersionId; tags travel with the copy.
          # HeadObject/GetObject with checksum mode need nothing more than s3:GetObject(Version).
          Sid       = "ReadSource"
          Effect    = "Allow"
          Action    = ["s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectTagging", "s3:GetObjectVersionTagging"]
          Resource  = local.source_objects
          Condition = local.in_this_account
        },
        {
          # HeadObject on a missing key answers 404 only with s3:ListBucket (403 otherwise); the
          # function HEADs the source and the candidate target keys and lists a folder to find the
          # next free name. A prefix condition cannot be used: HeadObject requests carry no s3:prefix.
          Sid       = "TellMissingKeysApart"
          Effect    = "Allow"
          Action    = ["s3:ListBucket"]
          Resource  = distinct([local.source_bucket_arn, local.destination_bucket_arn])
          Condition = local.in_this_account
        },
        {
          # GetObject on the destination is what HeadObject needs (name collisions,
          # verify-before-delete, a conditional sidecar write with If-Match). PutObject covers
          # CopyObject, UploadPartCopy, Create/CompleteMultipartUpload and the sidecar written with
          # If-None-Match/If-Match; ListMultipartUploadParts and AbortMultipartUpload let a copy cut
          # off mid-way resume or clean up its own upload.
          # GetObjectVersion and the tagging reads: a copy filed before its Google Takeout JSON is
          # copied again from the library copy (by VersionId on a versioned bucket), with its tags.
          Sid       = "WriteDestination"
          Effect    = "Allow"
          Action    = ["s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectTagging", "s3:GetObjectVersionTagging", "s3:PutObject", "s3:PutObjectTagging", "s3:ListMultipartUploadParts", "s3:AbortMultipartUpload"]
          Resource  = local.destination_objects
          Condition = local.in_this_account
        },
        {
          # Issue 18, both modes: once the copy under a Takeout JSON's date is verified, the copy
          # this organizer filed before the JSON came (and its sidecar) is removed, only with
          # If-Match of its ETag and only when its metadata names the same source version
          # (organize/stale-copies.ts). On a versioned destination that is a delete marker.
          Sid      = "RemoveOwnStaleCopiesIfUnchanged"
          Effect   = "Allow"
          Action   = ["s3:DeleteObject"]
          Resource = local.destination_objects
          Condition = merge(local.in_this_account, {
            Null = { "s3:if-match" = "false" }
          })
        },
        {
          # ListMultipartUploads (find the in-progress upload of a resumed copy) is a bucket action.
          Sid       = "FindUnfinishedCopies"
          Effect    = "Allow"
          Action    = ["s3:ListBucketMultipartUploads"]
          Resource  = local.destination_bucket_arn
          Condition = local.in_this_account
        },
      ],
      var.organizer.move ? [
        {
          # Only a conditional delete (If-Match: the ETag just copied): a photo re-uploaded under
          # the same key in the meantime is kept (412). The policy form is AWS's "Enforce
          # conditional deletes" page:
          # https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-delete-enforce.html
          # On a versioned source this creates a delete marker (recoverable); deleting a version
          # (s3:DeleteObjectVersion) is never allowed.
          Sid      = "DeleteSourceAfterMoveIfUnchanged"
          Effect   = "Allow"
          Action   = ["s3:DeleteObject"]
          Resource = local.source_objects
          Condition = merge(local.in_this_account, {
            Null = { "s3:if-match" = "false" }
          })
        },
      ] : [],
      var.organizer.move ? [
        {
          # Issue 21: S3's answers then show a legal hold or retention: the source is kept (the photo
          # organized) instead of hidden behind a delete marker; read-only.
          Sid       = "SeeObjectLockOnSource"
          Effect    = "Allow"
          Action    = ["s3:GetObjectLegalHold", "s3:GetObjectRetention"]
          Resource  = local.source_objects
          Condition = local.in_this_account
        },
      ] : [],
      var.organizer.restore_tier == "off" ? [] : [
        {
          # RESTORE_TIER (issue 21): ask S3 to restore an archived source; nothing else.
          Sid       = "RestoreArchivedSources"
          Effect    = "Allow"
          Action    = ["s3:RestoreObject"]
          Resource  = local.source_objects
          Condition = local.in_this_account
        },
      ],
      length(var.kms_key_arns) == 0 ? [] : [
        {
          # SSE-KMS objects: Decrypt to read (and to complete a multipart copy), GenerateDataKey
          # to write; only when S3 asks on the function's behalf.
          Sid       = "UseBucketKeysThroughS3"
          Effect    = "Allow"
          Action    = ["kms:Decrypt", "kms:GenerateDataKey"]
          Resource  = var.kms_key_arns
          Condition = { StringEquals = { "kms:ViaService" = "s3.${local.region}.amazonaws.com" } }
        },
      ],
      var.webhook_url_parameter == null ? [] : [
        {
          Sid      = "ReadWebhookUrl"
          Effect   = "Allow"
          Action   = ["ssm:GetParameter"]
          Resource = local.webhook_parameter_arn
        },
      ],
      try(var.webhook_url_parameter.kms_key_arn, null) == null ? [] : [
        {
          # Parameter Store decrypts a SecureString with the parameter's ARN as encryption context.
          Sid      = "DecryptWebhookUrl"
          Effect   = "Allow"
          Action   = ["kms:Decrypt"]
          Resource = var.webhook_url_parameter.kms_key_arn
          Condition = {
            StringEquals = {
              "kms:ViaService"                      = "ssm.${local.region}.amazonaws.com"
              "kms:EncryptionContext:PARAMETER_ARN" = local.webhook_parameter_arn
            }
          }
        },
      ],
      [
        {
          Sid      = "NeverWriteSource"
          Effect   = "Deny"
          Action   = ["s3:PutObject"]
          Resource = local.source_objects
        },
        {
          # Nothing may ever remove a version for good, nor delete without If-Match.
          Sid      = "NeverDeleteVersions"
          Effect   = "Deny"
          Action   = ["s3:DeleteObjectVersion"]
          Resource = "*"
        },
        {
          Sid       = "NeverDeleteUnconditionally"
          Effect    = "Deny"
          Action    = ["s3:DeleteObject"]
          Resource  = "*"
          Condition = { Null = { "s3:if-match" = "true" } }
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
  name                 = var.name
  permissions_boundary = var.permissions_boundary
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
