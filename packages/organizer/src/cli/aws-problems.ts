import { s3ErrorKind } from '@photo-organizer/s3-range-reader';

/**
 * A problem with how this machine reaches AWS (no region, no or rejected credentials, access
 * denied, a bucket or function that is not there, an endpoint that does not answer): nothing the
 * CLI can retry, so it stops with one line that says what to fix (exit code 2). The SDK's error
 * is kept as `cause` for `--debug`.
 */
export class AwsSetupError extends Error {
  override readonly name = 'AwsSetupError';
  constructor(message: string, options: { readonly cause: unknown }) {
    super(message, options);
  }
}

/** What the failing request was for, so the message can name it and the permission it needs. */
export interface AwsRequestContext {
  /** e.g. `listing s3://my-uploads/2024/`, `reading s3://my-uploads/a.jpg`, `invoking my-function`. */
  readonly doing: string;
  /** The IAM permission the request needs, e.g. `s3:ListBucket on my-uploads`. */
  readonly needs: string;
  /** The endpoint in use when not AWS's (`--endpoint`). */
  readonly endpoint?: string;
}

// Error names from the AWS SDK for JavaScript v3 and the service APIs:
// https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html#ErrorCodeList
// https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html#API_Invoke_Errors
const REJECTED_CREDENTIALS = new Set([
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidToken',
  'TokenRefreshRequired',
  'UnrecognizedClientException',
  'InvalidSignatureException',
]);
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * One line that says what is wrong with the AWS set-up and how to fix it, or `undefined` when
 * `error` is not such a problem (a transient fault, a bug: those are reported as they are).
 *
 * @example
 * awsSetupProblem(new Error('Region is missing'), { doing: 'listing s3://a/', needs: 's3:ListBucket on a' });
 * // 'no AWS region is set: set AWS_REGION (for example AWS_REGION=eu-west-1) or a region in your AWS profile (~/.aws/config)'
 */
export function awsSetupProblem(error: unknown, context: AwsRequestContext): string | undefined {
  const raw = (error ?? {}) as { name?: string; message?: string; code?: string; cause?: unknown };
  const name = raw.name ?? '';
  const message = raw.message ?? '';
  if (message === 'Region is missing' || name === 'RegionMissingError') {
    return 'no AWS region is set: set AWS_REGION (for example AWS_REGION=eu-west-1) or a region in your AWS profile (~/.aws/config)';
  }
  if (name === 'CredentialsProviderError' || /Could not load credentials/i.test(message)) {
    return 'no AWS credentials found: run `aws configure` (or `aws sso login`), or set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY';
  }
  if (REJECTED_CREDENTIALS.has(name)) {
    return `AWS rejected the credentials while ${context.doing} (${name}): check AWS_PROFILE or the access keys in use, and refresh them if they expired (\`aws sso login\`)`;
  }
  if (name === 'AccessDeniedException' || s3ErrorKind(error) === 'access-denied') {
    return `access denied while ${context.doing}${name ? ` (${name})` : ''}: the credentials in use need ${context.needs}`;
  }
  if (name === 'NoSuchBucket') {
    return `the bucket does not exist while ${context.doing} (NoSuchBucket): check the s3:// address, the account and AWS_REGION`;
  }
  if (name === 'ResourceNotFoundException') {
    return `not found while ${context.doing} (ResourceNotFoundException): check --function and AWS_REGION`;
  }
  const code = raw.code ?? (raw.cause as { code?: string } | undefined)?.code;
  if (code && UNREACHABLE.has(code)) {
    return `cannot reach ${context.endpoint ?? 'AWS'} while ${context.doing} (${code}): check ${context.endpoint ? '--endpoint and that the server is running' : 'the network connection and AWS_REGION'}`;
  }
  return undefined;
}

/** Rethrows `error` as an {@link AwsSetupError} when it is one, unchanged otherwise. */
export function rethrowAwsSetupProblem(error: unknown, context: AwsRequestContext): never {
  const problem = awsSetupProblem(error, context);
  throw problem ? new AwsSetupError(problem, { cause: error }) : error;
}
