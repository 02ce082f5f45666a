// Ours, stream mode: a fresh exiftool per object fed by the range reader's adaptive chunks until EPIPE.
import { createMetadataReader } from '@photo-organizer/organizer';
import type { StrategyFactory } from './types.ts';

export const streamAdaptive: StrategyFactory = (context) =>
  createMetadataReader({
    mode: 'stream',
    exiftool: { perlPath: context.exiftool.perl, exiftoolLibDir: context.exiftool.libDir, exiftoolScriptPath: context.exiftool.script },
  });
