variable "alarms" {
  description = "CloudWatch alarms, on by default: function errors, function throttles, and any message in the failure queue. `actions` are ARNs notified on ALARM and OK (for example an SNS topic); `email` subscribes that address to a topic the module creates (AWS sends a confirmation mail first: click it, or nothing arrives)."
  type = object({
    enabled = optional(bool, true)
    actions = optional(list(string), [])
    email   = optional(string)
    period  = optional(number, 300)
  })
  default  = {}
  nullable = false

  validation {
    condition     = contains([60, 300, 900, 3600], var.alarms.period)
    error_message = "alarms.period must be 60, 300, 900 or 3600 seconds."
  }
  validation {
    condition     = var.alarms.email == null || can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", coalesce(var.alarms.email, "-")))
    error_message = "alarms.email must be null or an e-mail address."
  }
}

variable "webhook_url_parameter" {
  description = "Name of an SSM Parameter Store SecureString holding the webhook URL (for example `/photo-organizer/webhook-url`), instead of the plain `webhook_url`. The function reads it once at cold start (env `WEBHOOK_URL_PARAMETER`) and gets `ssm:GetParameter` on that parameter only. `kms_key_arn`: the customer-managed key the parameter is encrypted with, if not the default `aws/ssm` key (then `kms:Decrypt` through SSM, for that parameter only)."
  type = object({
    name        = string
    kms_key_arn = optional(string)
  })
  default = null

  validation {
    condition     = var.webhook_url_parameter == null ? true : can(regex("^/?[A-Za-z0-9_.\\-/]+$", var.webhook_url_parameter.name)) && length(var.webhook_url_parameter.name) <= 1011
    error_message = "webhook_url_parameter.name must be an SSM parameter name such as /photo-organizer/webhook-url."
  }
  validation {
    condition     = var.webhook_url_parameter == null ? true : var.webhook_url_parameter.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", coalesce(var.webhook_url_parameter.kms_key_arn, "-")))
    error_message = "webhook_url_parameter.kms_key_arn must be null or a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)."
  }
  validation {
    condition     = var.webhook_url_parameter == null || var.webhook_url == null
    error_message = "Set webhook_url_parameter or webhook_url, not both."
  }
}

variable "permissions_boundary" {
  description = "ARN of an IAM permissions boundary (managed policy) set on every role the module creates, when your account requires one."
  type        = string
  default     = null

  validation {
    condition     = var.permissions_boundary == null || can(regex("^arn:aws[a-z-]*:iam::([0-9]{12}|aws):policy/.+$", coalesce(var.permissions_boundary, "-")))
    error_message = "permissions_boundary must be null or an IAM policy ARN."
  }
}
