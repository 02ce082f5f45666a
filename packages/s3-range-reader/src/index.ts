export { createRangeReader } from './range-reader.js';
export type { ByteRange, ChunksOptions, PrefetchOptions, RangeReader, ReadOptions } from './range-reader.js';
export type { ObjectFacts } from './object-facts.js';
export type { RangeReaderOptions } from './options.js';
export type { ReaderStats } from './stats.js';
export {
  AccessDeniedError,
  ObjectChangedError,
  ObjectNotFoundError,
  ObjectSupersededError,
  RangeNotSatisfiableError,
  RequestFailedError,
  S3RangeReaderError,
} from './errors.js';
export type { RequestFacts } from './errors.js';
export { s3ErrorCode, s3ErrorKind, statusOf } from './classify-error.js';
export type { S3ErrorKind } from './classify-error.js';
