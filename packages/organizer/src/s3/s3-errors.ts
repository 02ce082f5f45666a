/** Facts about an AWS SDK error, whatever command raised it. */
interface SdkErrorShape {
  name?: string;
  Code?: string;
  $metadata?: { httpStatusCode?: number };
}

export function statusOf(error: unknown): number | undefined {
  return (error as SdkErrorShape | undefined)?.$metadata?.httpStatusCode;
}

export function isNotFound(error: unknown): boolean {
  const shape = error as SdkErrorShape | undefined;
  return statusOf(error) === 404 || shape?.name === 'NotFound' || shape?.name === 'NoSuchKey' || shape?.name === 'NoSuchVersion';
}

/** 412 (precondition failed) or 409 (a concurrent conditional write won): someone else wrote the key. */
export function isWriteConflict(error: unknown): boolean {
  const status = statusOf(error);
  return status === 412 || status === 409;
}
