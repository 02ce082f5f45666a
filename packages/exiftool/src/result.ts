import { ExiftoolOutputError } from './errors.js';
import type { MetadataResult, TagValue } from './types.js';

function preview(text: string): string {
  return text.slice(0, 500);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Parses the server's `J` payload for request `id`. */
export function parseServerResult(text: string, id: number): MetadataResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ExiftoolOutputError('exiftool server printed invalid JSON', preview(text), { cause: error });
  }
  if (!isRecord(parsed) || parsed.id !== id || !isRecord(parsed.tags) || !Array.isArray(parsed.warnings)) {
    throw new ExiftoolOutputError(`exiftool server answer for request ${id} has the wrong shape`, preview(text));
  }
  return {
    tags: parsed.tags as Record<string, TagValue>,
    warnings: parsed.warnings.map(String),
    ...(typeof parsed.fileType === 'string' ? { fileType: parsed.fileType } : {}),
    ...(typeof parsed.error === 'string' ? { error: parsed.error } : {}),
  };
}

/**
 * Parses `exiftool -json -G1 -a ... -` output. `System:` tags are dropped: read from a pipe they
 * describe the pipe (size 0, date = now), never the object.
 */
export function parseCliResult(stdout: string): MetadataResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout);
  } catch (error) {
    throw new ExiftoolOutputError('exiftool printed invalid JSON', preview(stdout), { cause: error });
  }
  const record = Array.isArray(parsed) && parsed.length === 1 ? parsed[0] : undefined;
  if (!isRecord(record)) throw new ExiftoolOutputError('exiftool JSON is not one object in an array', preview(stdout));
  const tags: Record<string, TagValue> = {};
  const warnings: string[] = [];
  let error: string | undefined;
  let fileType: string | undefined;
  for (const [key, value] of Object.entries(record)) {
    const name = key.slice(key.indexOf(':') + 1);
    if (key === 'SourceFile' || key.startsWith('System:')) continue;
    if (name === 'Warning') warnings.push(String(value));
    else if (name === 'Error') error = String(value);
    else {
      if (name === 'FileType' && typeof value === 'string') fileType ??= value;
      tags[key] = value as TagValue;
    }
  }
  return { tags, warnings, ...(fileType === undefined ? {} : { fileType }), ...(error === undefined ? {} : { error }) };
}
