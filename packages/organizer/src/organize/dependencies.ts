import type { S3Client } from '@aws-sdk/client-s3';
import type { ExiftoolOptions } from '@photo-organizer/exiftool';
import { TAGS_TO_READ } from '../core/plan.js';
import type { Logger } from '../lambda/logger.js';
import { createS3Client } from '../s3/client.js';
import { createMetadataReader } from '../s3/metadata-reader.js';
import type { Configuration } from '../settings/configuration.js';
import type { OrganizeDependencies } from './organize-object.js';

/**
 * What organizing needs, built from the configuration: the S3 client (AWS or an S3-compatible
 * endpoint) and the metadata reader (a warm exiftool in random-access mode). The handler builds
 * this once per container; the CLI once per run. Close `metadataReader` when done.
 *
 * @example
 * const dependencies = createDependencies(loadConfiguration(process.env), createLogger());
 * try { await organizeObject(reference, dependencies); } finally { await dependencies.metadataReader.close(); }
 */
export function createDependencies(configuration: Configuration, logger: Logger, client?: S3Client): OrganizeDependencies {
  return {
    configuration,
    logger,
    client: client ?? createS3Client(configuration.s3),
    metadataReader: createMetadataReader({ mode: configuration.readMode, exiftool: exiftoolOptions(configuration) }),
  };
}

/**
 * exiftool's options from the configuration, asking for the tags the core's plan reads.
 *
 * @example
 * new ExiftoolProcess(exiftoolOptions(configuration));
 */
export function exiftoolOptions(configuration: Configuration): ExiftoolOptions {
  return {
    perlPath: configuration.exiftool.perlPath,
    exiftoolLibDir: configuration.exiftool.libDir,
    exiftoolScriptPath: configuration.exiftool.scriptPath,
    serverScriptPath: configuration.exiftool.serverScriptPath,
    timeoutMs: configuration.exiftool.timeoutMs,
    tags: TAGS_TO_READ,
  };
}
