# Offline: mock_provider stands in for AWS; infra/test/*.test.ts attaches the schema-only provider.
mock_provider "aws" {
  source = "../../modules/photo-organizer/tests/mocks"
}

variables {
  source_bucket      = "example-uploads"
  destination_bucket = "example-photos"
  alarm_email        = "photos@example.com"
  function_package   = "../../modules/photo-organizer/tests/fixtures/function.zip"
  layer_package      = "../../modules/photo-organizer/tests/fixtures/layer.zip"
}

run "creates_both_buckets_with_an_s3_notification" {
  command = apply

  assert {
    condition     = module.photo_organizer.s3_bucket_names_created == tomap({ source = "example-uploads", destination = "example-photos", manifest = "example-photos-jobs" })
    error_message = "The example creates the two photo buckets and the Batch Operations bucket."
  }
  assert {
    condition     = length(module.photo_organizer.s3_bucket_notification_filters) == 70 && module.photo_organizer.eventbridge_rule_arn == null
    error_message = "New buckets use the S3 notification trigger."
  }
  assert {
    condition     = length(module.photo_organizer.cloudwatch_metric_alarm_arns) == 3 && module.photo_organizer.sns_topic_alarms_arn != null
    error_message = "Alarms are on, with the e-mail topic."
  }
  assert {
    condition     = output.backfill.report_prefix == "reports/" && output.backfill.report_bucket == "example-photos-jobs"
    error_message = "The backfill output names the report location."
  }
}
