# The zips `make layer` builds at the repository root (the tests pass small fixtures instead).
variable "function_package" {
  description = "Function bundle zip; null for packages/organizer/dist/lambda/function.zip."
  type        = string
  default     = null
}

variable "layer_package" {
  description = "exiftool layer zip; null for layer-build/dist/exiftool-layer-arm64.zip."
  type        = string
  default     = null
}

locals {
  function_package = coalesce(var.function_package, "${path.root}/../../../packages/organizer/dist/lambda/function.zip")
  layer_package    = coalesce(var.layer_package, "${path.root}/../../../layer-build/dist/exiftool-layer-arm64.zip")
}
