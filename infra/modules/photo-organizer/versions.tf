terraform {
  # 1.9 for validation blocks that read other variables; 1.7 for mock_provider in the tests.
  required_version = ">= 1.9"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 6.0, < 7.0"
    }
  }
}
