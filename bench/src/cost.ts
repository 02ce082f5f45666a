// Published prices used for "cost per million photos". Not fetched at run time: stated here with
// their date and source so a reader can re-check them.

/** When the prices below were taken, and from where. */
export const PRICES_AS_OF = 'November 2026';
export const PRICES_SOURCE =
  'aws.amazon.com/lambda/pricing and aws.amazon.com/s3/pricing (us-east-1) as quoted by 2024-2025 summaries of those pages; written down November 2026 and not re-verified on the AWS pages (no internet on the bench machine)';

/** Lambda arm64 duration, first 7.5 billion GB-s per month. */
export const LAMBDA_ARM64_USD_PER_GB_SECOND = 0.0000133334;
/** Lambda invocations. */
export const LAMBDA_USD_PER_MILLION_REQUESTS = 0.2;
/** S3 Standard GET, HEAD (and other "tier 2") requests. */
export const S3_GET_USD_PER_THOUSAND = 0.0004;
/** S3 Standard PUT, COPY, POST, LIST ("tier 1") requests. */
export const S3_PUT_COPY_USD_PER_THOUSAND = 0.005;
/** The function's memory (the infra module's default): GB-seconds = duration x this. */
export const LAMBDA_MEMORY_GB = 1024 / 1024;

export interface CostPerMillion {
  readonly lambdaDurationUsd: number;
  readonly lambdaRequestsUsd: number;
  readonly s3RequestsUsd: number;
  readonly totalUsd: number;
}

/**
 * Cost of organizing one million objects like the measured ones: measured mean duration at
 * 1024 MB, one invocation each, and the measured S3 requests per object. Data transfer S3 -> Lambda
 * in one region and server-side copies are free; storage is the same for every strategy and left out.
 */
export function costPerMillion(meanSeconds: number, getOrHeadPerObject: number, putOrCopyPerObject: number): CostPerMillion {
  const lambdaDurationUsd = 1e6 * meanSeconds * LAMBDA_MEMORY_GB * LAMBDA_ARM64_USD_PER_GB_SECOND;
  const lambdaRequestsUsd = LAMBDA_USD_PER_MILLION_REQUESTS;
  const s3RequestsUsd = 1e6 * ((getOrHeadPerObject * S3_GET_USD_PER_THOUSAND) / 1000 + (putOrCopyPerObject * S3_PUT_COPY_USD_PER_THOUSAND) / 1000);
  return { lambdaDurationUsd, lambdaRequestsUsd, s3RequestsUsd, totalUsd: lambdaDurationUsd + lambdaRequestsUsd + s3RequestsUsd };
}
