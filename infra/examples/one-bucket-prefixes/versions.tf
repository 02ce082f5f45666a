terraform {
  required_version = ">= 1.9, < 2.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 6.0"
    }
  }
}

# Region and credentials come from the provider's usual sources: AWS_REGION / AWS_PROFILE,
# ~/.aws/config and credentials, SSO, or an instance role. Nothing is hard-coded here.
provider "aws" {}
