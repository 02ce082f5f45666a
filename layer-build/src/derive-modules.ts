// Derives modules.txt: the perl core files exiftool and the server script load, measured, not guessed.
//
// Method (reproducible: `pnpm --filter @photo-organizer/layer-build run derive-modules`):
// 1. Build the FULL x86_64 layer (every file of Debian's perl) and run it as Lambda would, on
//    /opt in a private mount namespace with the host's perl hidden.
// 2. Preload a tracer (PERL5OPT=-MPhotoOrganizerTrace) whose END block appends %INC (every .pm/.pl
//    required or done, including those loaded inside eval) and DynaLoader's loaded .so files.
// 3. Workloads: (a) exiftool over test-fixtures/media and every corpus file with several option
//    sets (-ee, -n, -d date formatting, -stay_open, binary extraction); (b) the server script's
//    start-up; (c) `require` of every core module ExifTool names in its source (most sit inside
//    eval, so a file type absent from the corpus still finds its module).
// 4. Keep the paths under /opt/lib/perl5 that are not ExifTool's own (those ship whole).
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findCorpus } from '@photo-organizer/test-kit';
import { buildLayerTree, exiftoolSources, PACKAGE_ROOT } from './build-layer.ts';
import { LayerBuildError } from './errors.ts';
import { runInLayerNamespace } from './namespace.ts';

/** Core modules ExifTool (13.59) and its CLI `require` somewhere, found with grep over its source. */
export const NAMED_CORE_MODULES = [
  'B', 'Compress::Zlib', 'Cwd', 'Digest::MD5', 'Digest::SHA', 'Encode', 'Exporter', 'File::Basename', 'File::Glob',
  'FileHandle', 'IO::Compress::RawDeflate', 'IO::File', 'IO::Handle', 'IO::Select', 'IO::Uncompress::Bunzip2',
  'IO::Uncompress::Gunzip', 'IO::Uncompress::RawInflate', 'POSIX', 'Time::HiRes', 'Time::Local', 'Time::Piece',
] as const;

const TRACER = `package PhotoOrganizerTrace;
END {
    if (open(my $out, '>>', $ENV{PHOTO_ORGANIZER_TRACE})) {
        print $out "$_\\n" foreach grep { defined } values %INC;
        print $out "$_\\n" foreach @DynaLoader::dl_shared_objects;
        close $out;
    }
}
1;
`;

/** Option sets the CLI runs with over every file. */
const CLI_OPTION_SETS: readonly (readonly string[])[] = [
  ['-json', '-a', '-G1', '-s', '-u', '-ee', '-api', 'LargeFileSupport=1'],
  ['-json', '-n', '-fast'],
  ['-json', '-d', '%Y-%m-%dT%H:%M:%S%z', '-time:all'],
  ['-b', '-ThumbnailImage'],
];

function mediaFiles(): string[] {
  const files: string[] = [];
  const fixtures = path.resolve(PACKAGE_ROOT, '../test-fixtures/media');
  if (existsSync(fixtures)) files.push(...readdirSync(fixtures).map((name) => path.join(fixtures, name)));
  const corpus = findCorpus();
  if (!corpus) throw new LayerBuildError('derive-modules needs the real-media corpus (../shared/corpus or PHOTO_ORGANIZER_CORPUS)');
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(path.join(dir, entry.name));
      else files.push(path.join(dir, entry.name));
    }
  };
  walk(path.join(corpus, 'files'));
  return files.sort();
}

/** Runs the workloads on the full layer and returns the sorted modules.txt entries. */
export async function deriveModules(): Promise<string[]> {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'derive-modules-'));
  try {
    const treeDir = path.join(scratch, 'tree');
    await buildLayerTree({ architecture: 'x86_64', treeDir });
    writeFileSync(path.join(scratch, 'PhotoOrganizerTrace.pm'), TRACER);
    const trace = path.join(scratch, 'trace.txt');
    writeFileSync(trace, '');
    const env = { PERL5OPT: '-MPhotoOrganizerTrace', PERL5LIB: scratch, PHOTO_ORGANIZER_TRACE: trace };
    const run = async (command: string[], input?: string): Promise<void> => {
      const result = await runInLayerNamespace({ layerDir: treeDir, command, env, timeout: 600_000, ...(input === undefined ? {} : { input }) });
      if (result.exitCode !== 0 && result.exitCode !== 1) throw new LayerBuildError(`derive-modules: ${command.join(' ')} failed: ${result.stderr}`);
    };
    const files = mediaFiles();
    for (const options of CLI_OPTION_SETS) await run(['exiftool', ...options, ...files]);
    await run(['exiftool', '-stay_open', 'True', '-@', '-'], `-json\n${files[0]}\n-execute\n-stay_open\nFalse\n`);
    await run(['/bin/sh', '-c', 'exec /opt/bin/perl /opt/lib/photo-organizer/exiftool-server.pl 3<>/dev/null']);
    await run(['perl', '-e', 'BEGIN { @INC = ("/opt/lib/perl5") } foreach (@ARGV) { (my $file = "$_.pm") =~ s{::}{/}g; require $file }', ...NAMED_CORE_MODULES]);

    const exiftoolFiles = new Set(listRelative(exiftoolSources().libDir));
    const prefix = '/opt/lib/perl5/';
    const loaded = new Set(
      readFileSync(trace, 'utf8')
        .split('\n')
        .filter((line) => line.startsWith(prefix))
        .map((line) => line.slice(prefix.length))
        .filter((file) => !exiftoolFiles.has(file)),
    );
    // DynaLoader reads an optional .bs bootstrap file beside each .so: keep those that exist.
    for (const file of [...loaded].filter((name) => name.endsWith('.so'))) {
      const bootstrap = file.replace(/\.so$/, '.bs');
      if (existsSync(path.join(treeDir, 'lib/perl5', bootstrap))) loaded.add(bootstrap);
    }
    return [...loaded].sort();
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function listRelative(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? listRelative(path.join(dir, entry.name), `${prefix}${entry.name}/`) : [`${prefix}${entry.name}`],
  );
}

export const MODULES_HEADER = `# Perl core files (relative to lib/perl5) the trimmed layer keeps; everything else of Debian's
# perl is left out. Image::ExifTool ships whole. Generated by \`pnpm run derive-modules\`
# (method: src/derive-modules.ts); test/trimmed-output.test.ts proves nothing needed is missing.
`;
