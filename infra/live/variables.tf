variable "region" {
  description = "AWS region to deploy to (the source bucket's region). null: the provider's usual sources decide (AWS_REGION, AWS_DEFAULT_REGION, the profile's region in ~/.aws/config)."
  type        = string
  default     = null

  validation {
    condition     = var.region == null || can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", coalesce(var.region, "-")))
    error_message = "region must be null or an AWS region name such as eu-west-1."
  }
}

variable "source_bucket" {
  description = "Bucket uploads arrive in (globally unique name). Created unless create_source_bucket = false."
  type        = string
}

variable "create_source_bucket" {
  description = "false: source_bucket already exists and is never changed; use trigger = { type = \"eventbridge\" } (see the module README)."
  type        = bool
  default     = true
}

variable "destination_bucket" {
  description = "Bucket for the organized copies; null for one bucket with source_prefix/destination_prefix."
  type        = string
  default     = null
}

variable "create_destination_bucket" {
  description = "false: destination_bucket already exists and is never changed."
  type        = bool
  default     = true
}

variable "versioning" {
  description = "S3 versioning on the buckets the module creates (recoverable photos; noncurrent versions expire after noncurrent_version_expiration_days)."
  type        = bool
  default     = true
}

variable "noncurrent_version_expiration_days" {
  description = "Days a noncurrent version is kept in the created buckets; null keeps them forever."
  type        = number
  default     = 30
}

variable "force_destroy" {
  description = "DANGER: true lets `terraform destroy` delete the created buckets with every photo and every version in them."
  type        = bool
  default     = false
}

variable "trigger" {
  description = "What invokes the function: { type = \"s3-notification\" | \"eventbridge\", extensions, filter_all_objects, replace_existing_notifications } (see the module README before using replace_existing_notifications)."
  type = object({
    type                           = optional(string)
    extensions                     = optional(list(string))
    filter_all_objects             = optional(bool)
    replace_existing_notifications = optional(bool)
  })
  default = {}
}

variable "alarms" {
  description = "CloudWatch alarms (on by default): { enabled, actions, email, period }; email subscribes an address (confirm the mail AWS sends)."
  type = object({
    enabled = optional(bool, true)
    actions = optional(list(string), [])
    email   = optional(string)
    period  = optional(number, 300)
  })
  default = {}
}

variable "webhook_url_parameter" {
  description = "SSM SecureString holding the webhook URL: { name, kms_key_arn (only for a customer-managed key) }."
  type = object({
    name        = string
    kms_key_arn = optional(string)
  })
  default = null
}

variable "reserved_concurrency" {
  description = "Concurrent executions reserved for (and capping) the function, so a bulk upload cannot take the account's whole concurrency; null: unreserved."
  type        = number
  default     = null
}

variable "permissions_boundary" {
  description = "IAM permissions boundary ARN for the roles the module creates, if your account requires one."
  type        = string
  default     = null
}

variable "kms_key_arns" {
  description = "Customer-managed KMS keys of SSE-KMS objects in the buckets (kms:Decrypt/GenerateDataKey through S3 only)."
  type        = list(string)
  default     = []
}

variable "name" {
  description = "Name of the function and prefix of the other resource names."
  type        = string
  default     = "photo-organizer"
}

variable "source_prefix" {
  description = "Prefix that triggers the function (\"incoming/\" is a good choice in one-bucket mode)."
  type        = string
  default     = ""
}

variable "destination_prefix" {
  description = "Prefix of the organized copies (\"photos/\" in one-bucket mode)."
  type        = string
  default     = ""
}

variable "architecture" {
  description = "Lambda architecture; `make layer` builds layers for both. arm64 is about 20% cheaper per GB-second."
  type        = string
  default     = "arm64"

  validation {
    condition     = contains(["arm64", "x86_64"], var.architecture)
    error_message = "architecture must be \"arm64\" or \"x86_64\"."
  }
}

variable "memory_size" {
  description = "Function memory in MB (also buys CPU)."
  type        = number
  default     = 1024

  validation {
    condition     = var.memory_size >= 256 && var.memory_size <= 10240
    error_message = "memory_size must be between 256 and 10240 MB."
  }
}

variable "timeout" {
  description = "Function timeout in seconds."
  type        = number
  default     = 300

  validation {
    condition     = var.timeout >= 10 && var.timeout <= 900
    error_message = "timeout must be between 10 and 900 seconds."
  }
}

variable "log_retention_days" {
  description = "Days CloudWatch keeps the function's logs."
  type        = number
  default     = 30
}

variable "log_level" {
  description = "Function log level: debug, info, warn or error."
  type        = string
  default     = "info"
}

variable "organizer" {
  description = "How files are organized: passed to the module's `organizer` variable, which declares the attributes, defaults and checks (generated from the organizer's settings table; see the module README)."
  type        = any
  default     = {}
}

variable "webhook_url" {
  description = "Optional https:// URL notified after each file."
  type        = string
  default     = null
  sensitive   = true
}

variable "batch_operations" {
  description = "Create the role and manifest bucket for an S3 Batch Operations job over existing objects: { enabled, manifest_bucket }."
  type = object({
    enabled         = optional(bool, false)
    manifest_bucket = optional(string)
  })
  default = {}
}

variable "function_package" {
  description = "Function bundle zip; null for packages/organizer/dist/lambda/function.zip built by `make layer`."
  type        = string
  default     = null
}

variable "layer_package" {
  description = "Layer zip; null for layer-build/dist/exiftool-layer-<architecture>.zip built by `make layer`."
  type        = string
  default     = null
}

variable "tags" {
  description = "Extra tags for every resource."
  type        = map(string)
  default     = {}
}
