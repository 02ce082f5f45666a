locals {
  # S3 suffix filters are case-sensitive: one rule per extension and case. Two rules may not
  # overlap (same prefix, one suffix ending with the other); variables.tf rejects such lists and
  # lower/upper case of the same extension never overlap.
  suffixes = var.notification.filter_all_objects ? [""] : distinct(flatten([
    for extension in var.notification.extensions : [".${lower(extension)}", ".${upper(extension)}"]
  ]))
}

resource "aws_lambda_permission" "this" {
  statement_id   = "AllowInvokeFromSourceBucket"
  action         = "lambda:InvokeFunction"
  function_name  = aws_lambda_function.this.function_name
  principal      = "s3.amazonaws.com"
  source_arn     = aws_s3_bucket.this["source"].arn
  source_account = local.account_id
}

resource "aws_s3_bucket_notification" "this" {
  bucket = aws_s3_bucket.this["source"].id

  dynamic "lambda_function" {
    for_each = local.suffixes
    content {
      lambda_function_arn = aws_lambda_function.this.arn
      events              = ["s3:ObjectCreated:*"]
      filter_prefix       = var.source_prefix == "" ? null : var.source_prefix
      filter_suffix       = lambda_function.value == "" ? null : lambda_function.value
    }
  }

  lifecycle {
    precondition {
      condition     = !local.same_bucket || var.source_prefix != ""
      error_message = "One-bucket mode (buckets.destination null or equal to buckets.source) needs a non-empty source_prefix, for example \"incoming/\"."
    }
    precondition {
      condition     = !local.same_bucket || (!startswith(var.destination_prefix, var.source_prefix) && !startswith(var.source_prefix, var.destination_prefix))
      error_message = "In one-bucket mode source_prefix and destination_prefix must not contain each other, or the copies would trigger the function again."
    }
  }

  depends_on = [aws_lambda_permission.this]
}
