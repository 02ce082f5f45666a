variable "trigger" {
  description = <<-EOT
    What invokes the function for a new object under `source_prefix`.

    `type = "s3-notification"` (default): the bucket's S3 event notification, one rule per extension
    in lower and upper case (`.jpg`, `.JPG`; S3 suffix filters are case-sensitive, so `.Jpg` is not
    matched unless `filter_all_objects = true`). S3 keeps ONE notification configuration per bucket
    and `aws_s3_bucket_notification` replaces ALL of it: on an existing bucket this type is refused
    unless `replace_existing_notifications = true`.

    `type = "eventbridge"`: an EventBridge rule for S3's `Object Created` events of the bucket,
    matching extensions case-insensitively; needs EventBridge delivery on the bucket. For a bucket
    the module creates it turns that on. For an existing bucket, turn it on yourself (S3 console:
    Properties > Event notifications > Amazon EventBridge > On; it keeps the other notifications), or
    set `replace_existing_notifications = true` to let the module do it, which REMOVES every other
    notification (Lambda, SQS, SNS) configured on that bucket.

    `extensions`: the file types that trigger, lower case without the dot; the default covers the
    photo and video types and the companion files (`xmp`, `aae`, `json`). `filter_all_objects =
    true` triggers on every object and lets the function decide by content (a HEAD and a small
    ranged read; other files are logged as skipped and left in place).
  EOT
  type = object({
    type                           = optional(string, "s3-notification")
    extensions                     = optional(list(string), ["jpg", "jpeg", "png", "tif", "tiff", "heic", "heif", "avif", "webp", "gif", "dng", "cr2", "cr3", "crw", "nef", "nrw", "arw", "orf", "raf", "rw2", "pef", "srw", "x3f", "iiq", "mp4", "mov", "m4v", "3gp", "avi", "mkv", "mts", "m2ts", "xmp", "aae", "json"])
    filter_all_objects             = optional(bool, false)
    replace_existing_notifications = optional(bool, false)
  })
  default  = {}
  nullable = false

  validation {
    condition     = contains(["s3-notification", "eventbridge"], var.trigger.type)
    error_message = "trigger.type must be \"s3-notification\" or \"eventbridge\"."
  }
  validation {
    condition     = var.create_source_bucket || var.trigger.type == "eventbridge" || var.trigger.replace_existing_notifications
    error_message = "source_bucket already exists (create_source_bucket = false) and trigger.type is \"s3-notification\": S3 keeps one notification configuration per bucket and the module's aws_s3_bucket_notification would REPLACE ALL OF IT, silently removing every notification the bucket already sends. Use trigger.type = \"eventbridge\" (recommended for an existing bucket), or set trigger.replace_existing_notifications = true if the module may own that bucket's notifications."
  }
  validation {
    condition     = alltrue([for extension in var.trigger.extensions : can(regex("^[a-z0-9]{1,10}$", extension))])
    error_message = "trigger.extensions must be lower-case extensions without the dot, for example \"jpg\"."
  }
  validation {
    # S3 rejects rules whose suffixes overlap (one ends with the other) under the same prefix;
    # with the leading dot and no dot inside an extension only duplicates can overlap.
    condition = length(distinct(var.trigger.extensions)) == length(var.trigger.extensions) && alltrue(flatten([
      for left in var.trigger.extensions : [
        for right in var.trigger.extensions : left == right || !endswith(".${left}", ".${right}")
      ]
    ]))
    error_message = "trigger.extensions must be distinct and no \".ext\" may end with another (S3 rejects overlapping suffix filters)."
  }
  validation {
    condition     = var.trigger.filter_all_objects || length(var.trigger.extensions) > 0
    error_message = "trigger.extensions must not be empty unless trigger.filter_all_objects is true."
  }
}
