import { UsageError } from './s3-url.js';

/**
 * Refuses, before any listing or copy, a destination that is the source bucket without a prefix:
 * the copies would land among the originals, and the organizer ignores its own destination, so
 * every object would be skipped and nothing organized.
 *
 * @throws {UsageError} naming `--to` and a destination that works.
 * @example
 * checkDestination({ bucket: 'photos', prefix: '' }, { bucket: 'photos', prefix: '' }); // throws
 * checkDestination({ bucket: 'photos', prefix: 'incoming/' }, { bucket: 'photos', prefix: 'organized/' }); // fine
 */
export function checkDestination(
  source: { readonly bucket: string; readonly prefix: string },
  destination: { readonly bucket: string; readonly prefix: string },
): void {
  if (source.bucket === destination.bucket && destination.prefix === '') {
    throw new UsageError(
      `--to s3://${destination.bucket} is the source bucket without a prefix, so the copies would mix with the originals: ` +
        `give the destination a prefix, e.g. --to s3://${destination.bucket}/organized/`,
    );
  }
}
