// Ours, the default: one warm exiftool seeking through a block cache of 64 KiB Range GETs.
import { createMetadataReader } from '@photo-organizer/organizer';
import type { StrategyFactory } from './types.ts';

export const randomAccess: StrategyFactory = (context) =>
  createMetadataReader({
    mode: 'random-access',
    exiftool: { perlPath: context.exiftool.perl, exiftoolLibDir: context.exiftool.libDir, exiftoolScriptPath: context.exiftool.script },
  });
