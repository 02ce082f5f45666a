# The organizer's settings in Terraform: variable "organizer" and local.organizer_environment are
# generated from the function's settings table (../organizer-settings.tf.json), so Terraform
# refuses at plan what the function would refuse at cold start. Offline, as
# photo-organizer.tftest.hcl (mock_provider; schema from infra/tools/schema-provider.mjs).
# infra/test/terraform.test.ts also checks that the messages name organizer.<attribute>.

mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  source_bucket      = "example-uploads"
  destination_bucket = "example-photos"
  function_package   = "tests/fixtures/function.zip"
  layer_package      = "tests/fixtures/layer.zip"
}

run "settings_reach_the_function_environment" {
  command = apply

  variables {
    organizer = { default_time_zone = "Asia/Kolkata", key_template = "{yyyy}/{stem}{ext}", exiftool_timeout_ms = 30000 }
  }

  assert {
    condition = alltrue([
      aws_lambda_function.this.environment[0].variables["DEFAULT_TIME_ZONE"] == "Asia/Kolkata",
      aws_lambda_function.this.environment[0].variables["KEY_TEMPLATE"] == "{yyyy}/{stem}{ext}",
      aws_lambda_function.this.environment[0].variables["EXIFTOOL_TIMEOUT_MS"] == "30000",
      aws_lambda_function.this.environment[0].variables["MULTIPART_THRESHOLD_BYTES"] == "5368709120",
      aws_lambda_function.this.environment[0].variables["UNDATED"] == "undated",
      aws_lambda_function.this.environment[0].variables["MOVE"] == "false",
    ])
    error_message = "Every organizer attribute (given or defaulted) must reach its environment variable."
  }
  assert {
    condition     = aws_lambda_function.this.logging_config[0].log_format == "JSON"
    error_message = "The function logs JSON lines; Lambda's log format must be JSON to keep them as fields."
  }
}

run "rejects_a_misspelt_time_zone" {
  command = plan

  variables {
    organizer = { default_time_zone = "Europe/Parris" }
  }

  expect_failures = [var.organizer]
}

run "rejects_an_offset_instead_of_a_zone" {
  command = plan

  variables {
    organizer = { default_time_zone = "+02:00" }
  }

  expect_failures = [var.organizer]
}

run "rejects_an_unknown_template_placeholder" {
  command = plan

  variables {
    organizer = { key_template = "{yyyy}/{foo}/{name}" }
  }

  expect_failures = [var.organizer]
}

run "rejects_a_template_without_the_file_name" {
  command = plan

  variables {
    organizer = { key_template = "{yyyy}/{mm}" }
  }

  expect_failures = [var.organizer]
}

run "rejects_a_multipart_threshold_above_5_gib" {
  command = plan

  variables {
    organizer = { multipart_threshold_bytes = 6000000000 }
  }

  expect_failures = [var.organizer]
}
