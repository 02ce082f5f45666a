/** `s3://bucket/some/prefix` -> { bucket, prefix: 'some/prefix' }. */
export function parseS3Url(value: string, what: string): { bucket: string; prefix: string } {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(value);
  if (!match) throw new UsageError(`${what} must look like s3://bucket or s3://bucket/prefix; got "${value}"`);
  return { bucket: match[1]!, prefix: match[2]! };
}

/** A mistake in how the command was called: exit code 2 and a hint. */
export class UsageError extends Error {
  override readonly name: string = 'UsageError';
}
