import type { S3Client } from '@aws-sdk/client-s3';
import type { ExiftoolProcess } from '@photo-organizer/exiftool';
import type { Logger } from '../lambda/logger.js';
import { createS3Client } from '../s3/client.js';
import { createMetadataReader } from '../s3/metadata-reader.js';
import type { Configuration } from '../settings/configuration.js';
import { exiftoolOptions } from './exiftool-options.js';
import type { OrganizeDependencies } from './organize-object.js';

/**
 * What organizing needs, built from the configuration: the S3 client (AWS or an S3-compatible
 * endpoint) and the metadata reader (a warm exiftool in random-access mode; `exiftoolProcess` when
 * one was started already, as the Lambda entry does before loading the SDK). The handler builds
 * this once per container; the CLI once per run. Close `metadataReader` when done.
 *
 * @example
 * const dependencies = createDependencies(loadConfiguration(process.env), createLogger());
 * try { await organizeObject(reference, dependencies); } finally { await dependencies.metadataReader.close(); }
 */
export function createDependencies(configuration: Configuration, logger: Logger, client?: S3Client, exiftoolProcess?: ExiftoolProcess): OrganizeDependencies {
  return {
    configuration,
    logger,
    client: client ?? createS3Client(configuration.s3),
    metadataReader: createMetadataReader({ mode: configuration.readMode, exiftool: exiftoolOptions(configuration), process: exiftoolProcess }),
  };
}

export { exiftoolOptions } from './exiftool-options.js';

