# Two ways to invoke the function (trigger.type): the bucket's S3 event notification, or an
# EventBridge rule for S3's "Object Created" events (eventbridge.tf). Both invoke it
# asynchronously, so the retries and the failure queue of lambda.tf apply to both.
locals {
  eventbridge = var.trigger.type == "eventbridge"

  # The bucket's notification configuration is the module's only when it created the bucket, or
  # when the user allowed it to replace an existing bucket's (variables-trigger.tf explains).
  manage_notification = var.create_source_bucket || var.trigger.replace_existing_notifications

  # S3 suffix filters are case-sensitive: one rule per extension and case. Two rules may not
  # overlap (same prefix, one suffix ending with the other); variables-trigger.tf rejects such
  # lists and lower/upper case of the same extension never overlap.
  suffixes = var.trigger.filter_all_objects ? [""] : distinct(flatten([
    for extension in var.trigger.extensions : [".${lower(extension)}", ".${upper(extension)}"]
  ]))
}

resource "aws_lambda_permission" "this" {
  statement_id   = local.eventbridge ? "AllowInvokeFromEventBridgeRule" : "AllowInvokeFromSourceBucket"
  action         = "lambda:InvokeFunction"
  function_name  = aws_lambda_function.this.function_name
  principal      = local.eventbridge ? "events.amazonaws.com" : "s3.amazonaws.com"
  source_arn     = local.eventbridge ? local.eventbridge_rule_arn : local.source_bucket_arn
  source_account = local.eventbridge ? null : local.account_id
}

locals {
  # RESTORE_TIER (issue 21): a restored archive is organized when its restore completes.
  notification_events = var.organizer.restore_tier == "off" ? ["s3:ObjectCreated:*"] : ["s3:ObjectCreated:*", "s3:ObjectRestore:Completed"]
}

resource "aws_s3_bucket_notification" "this" {
  count = local.manage_notification ? 1 : 0

  # The created bucket's id (not the name) so that S3 configures it after creating the bucket.
  bucket = var.create_source_bucket ? aws_s3_bucket.this["source"].id : local.source_bucket

  # EventBridge delivery is a switch of this same configuration: true sends every event of the
  # bucket to the default event bus, where the rule picks the ones the function needs.
  eventbridge = local.eventbridge ? true : null

  dynamic "lambda_function" {
    for_each = local.eventbridge ? [] : local.suffixes
    content {
      lambda_function_arn = aws_lambda_function.this.arn
      events              = local.notification_events
      filter_prefix       = var.source_prefix == "" ? null : var.source_prefix
      filter_suffix       = lambda_function.value == "" ? null : lambda_function.value
    }
  }

  depends_on = [aws_lambda_permission.this]
}
