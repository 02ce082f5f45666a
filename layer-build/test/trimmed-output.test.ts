// (4) A module missing from the trimmed layer degrades exiftool's output silently (most are
// loaded inside eval), so the trimmed layer must print exactly what the full one prints: same
// perl, same ExifTool, every Debian perl file present, on the fixtures and every corpus format.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CORPUS_MISSING, findCorpus, readCorpusTable } from '@photo-organizer/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildLayerTree } from '../src/build-layer.ts';
import { canUseNamespaces, runInLayerNamespace } from '../src/namespace.ts';
import { REPO_ROOT, unzipLayer } from './layer-fixtures.ts';

const namespaces = await canUseNamespaces();
if (!namespaces) console.warn('cannot create a mount namespace (needs root / CAP_SYS_ADMIN): trimmed-output check skipped');
const corpus = findCorpus();
if (!corpus) console.warn(CORPUS_MISSING);

// Everything exiftool can say about a file, embedded streams included; System tags (file access
// times) describe the disk, not the file, and change between runs.
const ARGUMENTS = ['-q', '-json', '-a', '-G1', '-s', '-u', '-ee', '-api', 'LargeFileSupport=1', '--System:all'];

/** All fixtures plus, from the corpus, the first file of each format and every hard case kind. */
function sampleFiles(corpusDir: string): string[] {
  const media = path.join(REPO_ROOT, 'test-fixtures/media');
  const files = readdirSync(media).map((name) => path.join(media, name));
  const seen = new Set<string>();
  for (const row of readCorpusTable(corpusDir, 'manifest.tsv')) {
    const format = row['format'] ?? '';
    if (seen.has(format)) continue;
    seen.add(format);
    files.push(path.join(corpusDir, row['path'] ?? ''));
  }
  for (const row of readCorpusTable(corpusDir, 'hard_cases.tsv')) {
    const tags = row['tags'] ?? '';
    if (tags && !seen.has(tags)) {
      seen.add(tags);
      files.push(path.join(corpusDir, row['path'] ?? ''));
    }
  }
  return [...new Set(files)].sort();
}

describe.skipIf(!namespaces || !corpus)('trimmed layer output equals the full layer output', () => {
  let trimmed = '';
  let full = '';
  beforeAll(async () => {
    trimmed = await unzipLayer('x86_64');
    full = mkdtempSync(path.join(os.tmpdir(), 'layer-full-'));
    await buildLayerTree({ architecture: 'x86_64', treeDir: full });
  });
  afterAll(() => {
    rmSync(trimmed, { recursive: true, force: true });
    rmSync(full, { recursive: true, force: true });
  });

  it('prints the same JSON for every sampled file', async () => {
    // Prepare
    const files = sampleFiles(corpus ?? '');
    const run = (layerDir: string): ReturnType<typeof runInLayerNamespace> =>
      runInLayerNamespace({ layerDir, command: ['exiftool', ...ARGUMENTS, ...files], timeout: 150_000 });
    // Act
    const [fromTrimmed, fromFull] = [await run(trimmed), await run(full)];
    // Assess
    expect(files.length).toBeGreaterThan(40);
    expect(fromTrimmed.stderr).toBe(fromFull.stderr);
    const parsed = JSON.parse(fromTrimmed.stdout) as unknown[];
    expect(parsed).toHaveLength(files.length);
    expect(parsed).toEqual(JSON.parse(fromFull.stdout));
  });
});
