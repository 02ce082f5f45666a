variable "name" {
  description = "Name of the function and prefix of every resource name (role, queue, log group, alarms)."
  type        = string
  default     = "photo-organizer"

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,48}$", var.name))
    error_message = "name must be 1-48 letters, digits, '-' or '_' (Lambda allows 64; suffixes need the rest)."
  }
}

variable "buckets" {
  description = <<-EOT
    The buckets. `source` receives uploads; `destination` receives the organized copies. Leave
    `destination` null (or equal to `source`) for one bucket with `source_prefix` and
    `destination_prefix` (for example `incoming/` and `photos/`). `versioning` turns on S3
    versioning for the buckets this module creates; `force_destroy` lets `terraform destroy`
    delete non-empty buckets.
  EOT
  type = object({
    source        = string
    destination   = optional(string)
    versioning    = optional(bool, false)
    force_destroy = optional(bool, false)
  })

  validation {
    condition = alltrue([
      for bucket in compact([var.buckets.source, var.buckets.destination]) :
      can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", bucket)) && !strcontains(bucket, "..")
    ])
    error_message = "buckets.source and buckets.destination must be valid S3 bucket names (3-63 lower-case letters, digits, '.', '-')."
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

variable "notification" {
  description = <<-EOT
    Which uploads trigger the function. S3 suffix filters are case-sensitive, so the module adds
    one rule per extension in lower and in upper case (`.jpg`, `.JPG`); mixed case (`.Jpg`) cannot
    be matched by S3. `filter_all_objects = true` drops the suffix filters: every object under
    `source_prefix` triggers the function, which matches extensions case-insensitively itself and
    returns early for the rest (one short invocation per non-media object).
  EOT
  type = object({
    extensions         = optional(list(string), ["jpg", "jpeg", "png", "tif", "tiff", "heic", "heif", "avif", "webp", "gif", "dng", "cr2", "cr3", "crw", "nef", "nrw", "arw", "orf", "raf", "rw2", "pef", "srw", "x3f", "iiq", "mp4", "mov", "m4v", "3gp", "avi", "mkv", "mts", "m2ts"])
    filter_all_objects = optional(bool, false)
  })
  default = {}

  validation {
    condition     = alltrue([for extension in var.notification.extensions : can(regex("^[a-z0-9]{1,10}$", extension))])
    error_message = "notification.extensions must be lower-case extensions without the dot, for example \"jpg\"."
  }
  validation {
    # S3 rejects rules whose suffixes overlap (one ends with the other) under the same prefix;
    # with the leading dot and no dot inside an extension only duplicates can overlap.
    condition = length(distinct(var.notification.extensions)) == length(var.notification.extensions) && alltrue(flatten([
      for left in var.notification.extensions : [
        for right in var.notification.extensions : left == right || !endswith(".${left}", ".${right}")
      ]
    ]))
    error_message = "notification.extensions must be distinct and no \".ext\" may end with another (S3 rejects overlapping suffix filters)."
  }
  validation {
    condition     = var.notification.filter_all_objects || length(var.notification.extensions) > 0
    error_message = "notification.extensions must not be empty unless filter_all_objects is true."
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

variable "alarms" {
  description = "Optional CloudWatch alarms on function errors and on messages waiting in the failure queue; `actions` are ARNs (for example an SNS topic) notified on ALARM."
  type = object({
    enabled = optional(bool, false)
    actions = optional(list(string), [])
    period  = optional(number, 300)
  })
  default = {}

  validation {
    condition     = contains([60, 300, 900, 3600], var.alarms.period)
    error_message = "alarms.period must be 60, 300, 900 or 3600 seconds."
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
