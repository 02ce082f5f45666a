variable "name" {
  description = "Name of the function and prefix of every resource name (role, queue, log group, alarms)."
  type        = string
  default     = "photo-organizer"

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,48}$", var.name))
    error_message = "name must be 1-48 letters, digits, '-' or '_' (Lambda allows 64; suffixes need the rest)."
  }
}

variable "source_prefix" {
  description = "Only keys under this prefix trigger the function (\"\" for the whole source bucket). Required, non-empty, in one-bucket mode."
  type        = string
  default     = ""

  validation {
    condition     = var.source_prefix == "" || (endswith(var.source_prefix, "/") && !startswith(var.source_prefix, "/"))
    error_message = "source_prefix must be \"\" or end with '/' and not start with '/', for example \"incoming/\"."
  }
  validation {
    condition     = !(var.destination_bucket == null || var.destination_bucket == var.source_bucket) || var.source_prefix != ""
    error_message = "One-bucket mode (destination_bucket null or equal to source_bucket) needs a non-empty source_prefix, for example \"incoming/\"."
  }
  validation {
    condition     = !(var.destination_bucket == null || var.destination_bucket == var.source_bucket) || (!startswith(var.destination_prefix, var.source_prefix) && !startswith(var.source_prefix, var.destination_prefix))
    error_message = "In one-bucket mode source_prefix and destination_prefix must not contain each other, or the copies would trigger the function again."
  }
}

variable "destination_prefix" {
  description = "Prefix of the organized keys in the destination bucket (\"\" for the bucket root)."
  type        = string
  default     = ""

  validation {
    condition     = var.destination_prefix == "" || (endswith(var.destination_prefix, "/") && !startswith(var.destination_prefix, "/"))
    error_message = "destination_prefix must be \"\" or end with '/' and not start with '/', for example \"photos/\"."
  }
}

variable "function_package" {
  description = "Path of the function bundle zip built by `make layer` (packages/organizer/dist/lambda/function.zip; handler index.handler)."
  type        = string

  validation {
    condition     = endswith(var.function_package, ".zip")
    error_message = "function_package must be the path of a .zip file."
  }
}

variable "layer_package" {
  description = "Path of the exiftool + perl layer zip for `function.architecture`, built by `make layer` (layer-build/dist/exiftool-layer-<architecture>.zip)."
  type        = string

  validation {
    condition     = endswith(var.layer_package, ".zip")
    error_message = "layer_package must be the path of a .zip file."
  }
}

variable "function" {
  description = "Lambda settings. `memory_size` also buys CPU; `timeout` must cover the largest file's copy (multipart copies of big videos)."
  type = object({
    runtime                        = optional(string, "nodejs22.x")
    architecture                   = optional(string, "arm64")
    memory_size                    = optional(number, 1024)
    timeout                        = optional(number, 300)
    reserved_concurrent_executions = optional(number)
    log_retention_days             = optional(number, 30)
    log_level                      = optional(string, "info")
  })
  default = {}

  validation {
    condition     = can(regex("^nodejs(2[2-9]|[3-9][0-9])\\.x$", var.function.runtime))
    error_message = "function.runtime must be nodejs22.x or newer."
  }
  validation {
    condition     = contains(["arm64", "x86_64"], var.function.architecture)
    error_message = "function.architecture must be \"arm64\" or \"x86_64\"."
  }
  validation {
    condition     = var.function.memory_size >= 256 && var.function.memory_size <= 10240 && floor(var.function.memory_size) == var.function.memory_size
    error_message = "function.memory_size must be a whole number of MB between 256 (exiftool needs headroom) and 10240."
  }
  validation {
    condition     = var.function.timeout >= 10 && var.function.timeout <= 900 && floor(var.function.timeout) == var.function.timeout
    error_message = "function.timeout must be a whole number of seconds between 10 and 900."
  }
  validation {
    condition     = var.function.reserved_concurrent_executions == null ? true : var.function.reserved_concurrent_executions >= 1
    error_message = "function.reserved_concurrent_executions must be null (unreserved) or at least 1."
  }
  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.function.log_retention_days)
    error_message = "function.log_retention_days must be one of the values CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, ... 3653)."
  }
  validation {
    condition     = contains(["debug", "info", "warn", "error"], var.function.log_level)
    error_message = "function.log_level must be one of debug, info, warn, error."
  }
}

# variable "organizer" is generated from the organizer's settings table: organizer-settings.tf.json.

variable "webhook_url" {
  description = "Optional HTTPS URL the function posts a summary to after each file. Sensitive: it often carries a token."
  type        = string
  default     = null
  sensitive   = true

  validation {
    condition     = var.webhook_url == null ? true : startswith(var.webhook_url, "https://")
    error_message = "webhook_url must be null or an https:// URL."
  }
}

variable "failure" {
  description = "Asynchronous invocation: retries, how old an event may get, and how long the on-failure SQS queue keeps failed events."
  type = object({
    maximum_retry_attempts       = optional(number, 2)
    maximum_event_age_in_seconds = optional(number, 21600)
    message_retention_seconds    = optional(number, 1209600)
  })
  default = {}

  validation {
    condition     = contains([0, 1, 2], var.failure.maximum_retry_attempts)
    error_message = "failure.maximum_retry_attempts must be 0, 1 or 2."
  }
  validation {
    condition     = var.failure.maximum_event_age_in_seconds >= 60 && var.failure.maximum_event_age_in_seconds <= 21600
    error_message = "failure.maximum_event_age_in_seconds must be between 60 and 21600."
  }
  validation {
    condition     = var.failure.message_retention_seconds >= 60 && var.failure.message_retention_seconds <= 1209600
    error_message = "failure.message_retention_seconds must be between 60 and 1209600 (14 days)."
  }
}

variable "batch_operations" {
  description = "Optionally create the manifest/report bucket and the IAM role an S3 Batch Operations job needs to run the function over objects uploaded before deployment."
  type = object({
    enabled         = optional(bool, false)
    manifest_bucket = optional(string)
  })
  default = {}

  validation {
    condition     = !var.batch_operations.enabled || can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", coalesce(var.batch_operations.manifest_bucket, "-")))
    error_message = "batch_operations.manifest_bucket must be a valid S3 bucket name when batch_operations.enabled is true."
  }
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
