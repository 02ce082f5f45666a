#!/usr/bin/env node
// A committed launcher, so pnpm can link the command before the first build. It checks the Node
// version before loading anything else: on an older Node the dependencies die with errors such as
// "TEXT_ENCODINGS.union is not a function" (Set methods arrived in Node 22), which say nothing
// about the real cause. Only syntax every Node since 14 parses is used above the import.
import { existsSync, readFileSync } from 'node:fs';

const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const minimum = manifest.engines.node.replace(/^>=\s*/, '');

/** -1, 0 or 1 as dotted version a is below, equal to or above b. */
function compareVersions(a, b) {
  const left = a.split('.').map(Number);
  const right = b.split('.').map(Number);
  for (let index = 0; index < 3; index += 1) {
    if ((left[index] || 0) !== (right[index] || 0)) return (left[index] || 0) < (right[index] || 0) ? -1 : 1;
  }
  return 0;
}

if (compareVersions(process.versions.node, minimum) < 0) {
  process.stderr.write(
    `photo-organizer needs Node ${minimum} or newer, and this is Node ${process.versions.node}: ` +
      'run ./photo-organizer at the top of the repository, which uses the Node that make installs into .tools/.\n',
  );
  process.exit(2);
}
const first = process.argv[2];
if (first === '--version' || first === '-V') {
  process.stdout.write(`photo-organizer ${manifest.version} (Node ${process.versions.node})\n`);
  process.exit(0);
}
const entry = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('photo-organizer is not built yet: run `make build` (or ./photo-organizer, which builds when needed).\n');
  process.exit(2);
}
await import(entry.href);
