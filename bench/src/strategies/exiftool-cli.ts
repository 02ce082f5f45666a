// The exiftool command line both old designs run: a fresh `exiftool -json -fast -` per object,
// with the same tag list and group names as our modes, so only the design differs.
import type { MetadataResult, TagValue } from '@photo-organizer/exiftool';
import { TAGS_TO_READ } from '@photo-organizer/organizer';
import { execa } from 'execa';
import type { StrategyContext } from './types.ts';

export function spawnExiftool(context: StrategyContext) {
  const tagArguments = [...TAGS_TO_READ, 'Error', 'Warning'].map((tag) => `-${tag}`);
  return execa(
    context.exiftool.perl,
    ['-I', context.exiftool.libDir, context.exiftool.script, '-fast', '-json', '-G1', '-a', ...tagArguments, '-'],
    // LC_ALL=C as in our modes: perl complains about a missing locale otherwise.
    { stdin: 'pipe', reject: false, env: { LC_ALL: 'C' }, timeout: 120_000 },
  );
}

/** `exiftool -json -G1` output for one file -> the organizer's MetadataResult. */
export function parseExiftoolJson(stdout: string, stderr: string): MetadataResult {
  let record: Record<string, TagValue> = {};
  try {
    const parsed = JSON.parse(stdout) as Record<string, TagValue>[];
    record = parsed[0] ?? {};
  } catch {
    return { tags: {}, warnings: [], error: stderr.trim() || 'no JSON from exiftool' };
  }
  const tags: Record<string, TagValue> = {};
  const warnings: string[] = [];
  let fileType: string | undefined;
  let error: string | undefined;
  for (const [key, value] of Object.entries(record)) {
    if (key === 'SourceFile') continue;
    if (key.endsWith(':Warning')) warnings.push(String(value));
    else if (key.endsWith(':Error')) error = String(value);
    else {
      if (key.endsWith(':FileType')) fileType = String(value);
      tags[key] = value;
    }
  }
  return { tags, warnings, ...(fileType ? { fileType } : {}), ...(error ? { error } : {}) };
}
