variable "region" {
  description = "AWS region to deploy to."
  type        = string
  default     = "eu-west-1"

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.region))
    error_message = "region must be an AWS region name such as eu-west-1."
  }
}

variable "name" {
  description = "Name of the function and prefix of the other resource names."
  type        = string
  default     = "photo-organizer"
}

variable "source_bucket" {
  description = "Bucket to create for uploads (globally unique name)."
  type        = string
}

variable "destination_bucket" {
  description = "Bucket to create for the organized copies; null for one bucket with source_prefix/destination_prefix."
  type        = string
  default     = null
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

variable "versioning" {
  description = "Turn on S3 versioning (costs: every overwritten or deleted object is kept)."
  type        = bool
  default     = false
}

variable "force_destroy" {
  description = "Let `terraform destroy` delete non-empty buckets."
  type        = bool
  default     = false
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

variable "filter_all_objects" {
  description = "Trigger on every object under source_prefix and let the function filter extensions case-insensitively (catches .Jpg; one short invocation per other object)."
  type        = bool
  default     = false
}

variable "alarms" {
  description = "CloudWatch alarms on errors and on the failure queue: { enabled, actions, period }."
  type = object({
    enabled = optional(bool, false)
    actions = optional(list(string), [])
    period  = optional(number, 300)
  })
  default = {}
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
