# The AWS provider's mocked values for every `terraform test` in infra/ (the module's tests, the
# examples' and infra/live's): one place, read through `mock_provider "aws" { source = ... }`
# (Terraform docs, "Tests - Mocks": mock data files, .tfmock.hcl). The provider's schema comes from
# infra/tools/schema-provider.mjs; only values the module reads back need a default here.

mock_data "aws_partition" {
  defaults = { partition = "aws" }
}
mock_data "aws_caller_identity" {
  defaults = { account_id = "123456789012" }
}
mock_data "aws_region" {
  defaults = { region = "eu-west-1" }
}
mock_data "aws_s3_bucket" {
  defaults = { bucket_region = "eu-west-1" }
}
mock_resource "aws_cloudwatch_log_group" {
  defaults = { arn = "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/photo-organizer" }
}
mock_resource "aws_sqs_queue" {
  defaults = {
    arn = "arn:aws:sqs:eu-west-1:123456789012:photo-organizer-failures"
    url = "https://sqs.eu-west-1.amazonaws.com/123456789012/photo-organizer-failures"
  }
}
mock_resource "aws_lambda_function" {
  defaults = { arn = "arn:aws:lambda:eu-west-1:123456789012:function:photo-organizer" }
}
mock_resource "aws_sns_topic" {
  defaults = { arn = "arn:aws:sns:eu-west-1:123456789012:photo-organizer-alarms" }
}
