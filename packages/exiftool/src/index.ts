export { ExiftoolProcess } from './exiftool-process.js';
export { readMetadataFromStream } from './stream-mode.js';
export type { StreamOptions } from './stream-mode.js';
export { fileSource } from './file-source.js';
export type { FileSource, FileSourceOptions, FileSourceStats } from './file-source.js';
export { BASE_CHILD_ENVIRONMENT, DEFAULT_PRELOAD_MODULES, normalizeOptions } from './options.js';
export type { ExiftoolOptions, NormalizedOptions } from './options.js';
export { serverScriptPath } from './server-script.js';
export {
  ExiftoolAbortError,
  ExiftoolError,
  ExiftoolFailedError,
  ExiftoolMemoryLimitError,
  ExiftoolNotFoundError,
  ExiftoolOutputError,
  ExiftoolTimeoutError,
  SourceReadError,
} from './errors.js';
export type { MetadataResult, RandomAccessSource, RequestOptions, TagValue } from './types.js';
