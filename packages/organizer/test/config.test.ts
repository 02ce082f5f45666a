import { describe, expect, it } from 'vitest';
import { exiftoolOptions } from '../src/organize/exiftool-options.js';
import { ConfigurationError, LAYER_PATHS, loadConfiguration } from '../src/settings/configuration.js';

describe('loadConfiguration', () => {
  it('applies defaults: layer paths, random access, 5 GiB multipart threshold, UTC', () => {
    const configuration = loadConfiguration({ DESTINATION_BUCKET: 'my-photos', DESTINATION_PREFIX: 'photos' });
    expect(configuration).toMatchObject({
      destinationBucket: 'my-photos',
      destinationPrefix: 'photos/',
      keyTemplate: '{yyyy}-{mm}-{dd}/{name}',
      defaultTimeZone: 'UTC',
      readMode: 'random-access',
      move: false,
      multipartThresholdBytes: 5 * 1024 ** 3,
      exiftool: { perlPath: LAYER_PATHS.perlPath, libDir: LAYER_PATHS.libDir },
    });
    expect(Object.isFrozen(configuration.exiftool)).toBe(true);
  });

  it('reports every problem at once', () => {
    let error: unknown;
    try {
      loadConfiguration({ KEY_TEMPLATE: '{yyyy}/{month}', DEFAULT_TIME_ZONE: 'Mars/Olympus', MOVE: 'yes', MULTIPART_THRESHOLD_BYTES: '-1', WEBHOOK_URL: 'ftp://x' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigurationError);
    const problems = (error as ConfigurationError).problems;
    expect(problems).toHaveLength(7);
    expect(problems.join('\n')).toMatch(/DESTINATION_BUCKET is required/);
    expect(problems.join('\n')).toMatch(/unknown placeholder \{month\}/);
    expect(problems.join('\n')).toMatch(/must contain \{name\}/);
    expect(problems.join('\n')).toMatch(/Mars\/Olympus/);
    expect(problems.join('\n')).toMatch(/MOVE must be one of true, false; got "yes"/);
    expect(problems.join('\n')).toMatch(/MULTIPART_THRESHOLD_BYTES/);
    expect(problems.join('\n')).toMatch(/WEBHOOK_URL/);
  });

  it("bounds exiftool's memory at 60% of the function's (at least 128 MiB), or EXIFTOOL_MEMORY_LIMIT_BYTES", () => {
    const MiB = 1024 * 1024;
    const limit = (environment: Record<string, string>) => loadConfiguration({ DESTINATION_BUCKET: 'my-photos', ...environment }).exiftool.memoryLimitBytes;
    expect(limit({ AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1024' })).toBe(Math.floor(1024 * MiB * 0.6));
    expect(limit({ AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '128' })).toBe(128 * MiB);
    expect(limit({ AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1024', EXIFTOOL_MEMORY_LIMIT_BYTES: String(300 * MiB) })).toBe(300 * MiB);
    // Outside Lambda nothing sets it: the exiftool package's own default applies.
    expect(limit({})).toBeUndefined();
    expect(exiftoolOptions(loadConfiguration({ DESTINATION_BUCKET: 'my-photos' }))).not.toHaveProperty('memoryLimitBytes');
    expect(exiftoolOptions(loadConfiguration({ DESTINATION_BUCKET: 'my-photos', AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '2048' })).memoryLimitBytes).toBe(Math.floor(2048 * MiB * 0.6));
    expect(() => loadConfiguration({ DESTINATION_BUCKET: 'my-photos', EXIFTOOL_MEMORY_LIMIT_BYTES: '1000' })).toThrow(/EXIFTOOL_MEMORY_LIMIT_BYTES must be a whole number of bytes/);
  });
});
