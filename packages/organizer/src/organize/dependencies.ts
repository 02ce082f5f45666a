import { S3Client } from '@aws-sdk/client-s3';
import type { Configuration } from '../settings/configuration.js';
import type { Logger } from '../lambda/logger.js';
import { createMetadataReader } from '../s3/metadata-reader.js';
import type { OrganizeDependencies } from './organize-object.js';

/**
 * What organizing needs, built from the configuration: the S3 client (AWS or an S3-compatible
 * endpoint) and the metadata reader (a warm exiftool in random-access mode). The handler builds
 * this once per container; the CLI once per run. Close `metadataReader` when done.
 */
export function createDependencies(configuration: Configuration, logger: Logger, client?: S3Client): OrganizeDependencies {
  return {
    configuration,
    logger,
    client:
      client ??
      new S3Client({
        ...(configuration.s3.region ? { region: configuration.s3.region } : {}),
        ...(configuration.s3.endpoint ? { endpoint: configuration.s3.endpoint } : {}),
        forcePathStyle: configuration.s3.forcePathStyle,
      }),
    metadataReader: createMetadataReader({
      mode: configuration.readMode,
      exiftool: {
        perlPath: configuration.exiftool.perlPath,
        exiftoolLibDir: configuration.exiftool.libDir,
        exiftoolScriptPath: configuration.exiftool.scriptPath,
        serverScriptPath: configuration.exiftool.serverScriptPath,
        timeoutMs: configuration.exiftool.timeoutMs,
      },
    }),
  };
}
