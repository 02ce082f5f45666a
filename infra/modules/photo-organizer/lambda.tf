resource "aws_lambda_layer_version" "this" {
  layer_name               = "${var.name}-exiftool-${var.function.architecture}"
  description              = "perl + exiftool for ${var.function.architecture}, built by make layer"
  filename                 = var.layer_package
  source_code_hash         = filebase64sha256(var.layer_package)
  compatible_architectures = [var.function.architecture]
  compatible_runtimes      = [var.function.runtime]
}

resource "aws_cloudwatch_log_group" "this" {
  name              = "/aws/lambda/${var.name}"
  retention_in_days = var.function.log_retention_days
  tags              = var.tags
}

locals {
  environment = merge(
    # KEY_TEMPLATE, UNDATED, DEFAULT_TIME_ZONE, ...: generated from the settings table (organizer-settings.tf.json).
    local.organizer_environment,
    {
      DESTINATION_BUCKET     = local.destination_bucket
      DESTINATION_PREFIX     = var.destination_prefix
      SOURCE_PREFIX          = var.source_prefix
      LOG_LEVEL              = var.function.log_level
      EXIFTOOL_PERL          = "/opt/bin/perl"
      EXIFTOOL_LIB           = "/opt/lib/perl5"
      EXIFTOOL_SERVER_SCRIPT = "/opt/lib/photo-organizer/exiftool-server.pl"
    },
    var.webhook_url == null ? {} : { WEBHOOK_URL = var.webhook_url },
    # The parameter's name, never its value: the function reads it at cold start.
    var.webhook_url_parameter == null ? {} : { WEBHOOK_URL_PARAMETER = var.webhook_url_parameter.name },
  )
}

resource "aws_lambda_function" "this" {
  function_name                  = var.name
  description                    = "Copies uploads from ${local.source_bucket}/${var.source_prefix} to ${local.destination_bucket}/${var.destination_prefix} by capture date"
  role                           = aws_iam_role.this.arn
  runtime                        = var.function.runtime
  architectures                  = [var.function.architecture]
  handler                        = "index.handler"
  filename                       = var.function_package
  source_code_hash               = filebase64sha256(var.function_package)
  layers                         = [aws_lambda_layer_version.this.arn]
  memory_size                    = var.function.memory_size
  timeout                        = var.function.timeout
  reserved_concurrent_executions = var.function.reserved_concurrent_executions

  environment {
    variables = local.environment
  }

  # JSON: the function writes one JSON object per line (with the request id); Lambda's JSON format
  # makes its own START/REPORT records JSON too, so Logs Insights reads every line as fields.
  logging_config {
    log_format = "JSON"
    log_group  = aws_cloudwatch_log_group.this.name
  }

  tags = var.tags

  depends_on = [aws_iam_role_policy.this]
}

resource "aws_sqs_queue" "this" {
  name                      = "${var.name}-failures"
  message_retention_seconds = var.failure.message_retention_seconds
  sqs_managed_sse_enabled   = true
  tags                      = var.tags
}

# S3 invokes the function asynchronously: Lambda retries, then hands the event to the queue, so no
# upload is dropped without a trace.
resource "aws_lambda_function_event_invoke_config" "this" {
  function_name                = aws_lambda_function.this.function_name
  maximum_retry_attempts       = var.failure.maximum_retry_attempts
  maximum_event_age_in_seconds = var.failure.maximum_event_age_in_seconds

  destination_config {
    on_failure {
      destination = aws_sqs_queue.this.arn
    }
  }
}
