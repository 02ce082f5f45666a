# The buckets: for each, create it (every safety setting) or use the one the user already has.

variable "source_bucket" {
  description = "Name of the bucket uploads arrive in. Created by the module unless `create_source_bucket = false` (then it must already exist, in this account and region)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.source_bucket)) && !strcontains(var.source_bucket, "..")
    error_message = "source_bucket must be a valid S3 bucket name (3-63 lower-case letters, digits, '.', '-')."
  }
}

variable "create_source_bucket" {
  description = <<-EOT
    true (default): the module creates `source_bucket` private, encrypted, versioned and TLS-only.
    false: `source_bucket` is a bucket you already have; the module never changes it (no policy,
    encryption, versioning, lifecycle, public access block or ownership change) and adds only the
    trigger, the Lambda permission and the function's IAM. With `trigger.type = "s3-notification"`
    it also needs `trigger.replace_existing_notifications = true` (read that input first).
  EOT
  type        = bool
  default     = true
  nullable    = false
}

variable "destination_bucket" {
  description = "Name of the bucket that receives the organized copies. null (or equal to `source_bucket`) for one bucket with `source_prefix` and `destination_prefix` (for example `incoming/` and `photos/`)."
  type        = string
  default     = null

  validation {
    condition     = var.destination_bucket == null || (can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", coalesce(var.destination_bucket, "-"))) && !strcontains(coalesce(var.destination_bucket, "-"), ".."))
    error_message = "destination_bucket must be null or a valid S3 bucket name (3-63 lower-case letters, digits, '.', '-')."
  }
}

variable "create_destination_bucket" {
  description = "true (default): the module creates `destination_bucket`. false: it already exists and is never changed by the module (only the function's IAM refers to it). Ignored in one-bucket mode, where `create_source_bucket` decides."
  type        = bool
  default     = true
  nullable    = false
}

variable "versioning" {
  description = "Turn on S3 versioning for the buckets this module creates (default on): an overwritten or deleted photo stays recoverable. Existing buckets are never changed."
  type        = bool
  default     = true
  nullable    = false
}

variable "noncurrent_version_expiration_days" {
  description = "Days S3 keeps a version after it stops being current (overwritten, or deleted behind a delete marker) in the buckets this module creates; null keeps every version forever (storage cost grows)."
  type        = number
  default     = 30

  validation {
    condition     = var.noncurrent_version_expiration_days == null ? true : var.noncurrent_version_expiration_days >= 1 && floor(var.noncurrent_version_expiration_days) == var.noncurrent_version_expiration_days
    error_message = "noncurrent_version_expiration_days must be null or a whole number of days, at least 1."
  }
}

variable "force_destroy" {
  description = "DANGER. true lets `terraform destroy` (or removing a bucket from the configuration) delete the buckets this module created TOGETHER WITH EVERY PHOTO AND EVERY VERSION OF EVERY PHOTO IN THEM, without asking. Leave false for any bucket holding photos you want to keep. Never applies to existing buckets (the module cannot delete those)."
  type        = bool
  default     = false
  nullable    = false
}

variable "kms_key_arns" {
  description = "ARNs of customer-managed KMS keys that encrypt objects in the source or destination bucket (SSE-KMS). The function gets exactly `kms:Decrypt` and `kms:GenerateDataKey` on these keys, and only through S3 (`kms:ViaService`). The keys' own policies must allow the account's IAM to grant this (the default key policy does). Empty: SSE-S3 and the AWS-managed `aws/s3` key need nothing here."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for arn in var.kms_key_arns : can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", arn))])
    error_message = "kms_key_arns must be key ARNs (arn:aws:kms:<region>:<account>:key/<id>); aliases cannot be used in IAM policies for key use."
  }
}
