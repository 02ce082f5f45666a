// Command line of the layer build: `node src/cli.ts build|update-lock|derive-modules`.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildLayerZip, LAYER_ARCHITECTURES, PACKAGE_ROOT } from './build-layer.ts';
import { deriveModules, MODULES_HEADER } from './derive-modules.ts';
import { resolveLock } from './update-lock.ts';

const command = process.argv[2];
const megabytes = (bytes: number): string => `${(bytes / 1_000_000).toFixed(1)} MB`;

if (command === 'build') {
  const outputDir = path.join(PACKAGE_ROOT, 'dist');
  for (const architecture of LAYER_ARCHITECTURES) {
    const layer = await buildLayerZip({ architecture, outputDir });
    process.stdout.write(
      `layer ${architecture}: ${layer.zipFile} (${megabytes(layer.zipBytes)} zipped, ${megabytes(layer.unzippedBytes)} unzipped, needs at most ${layer.highestGlibc})\n`,
    );
  }
} else if (command === 'update-lock') {
  const text = await resolveLock(path.join(PACKAGE_ROOT, 'cache', 'apt'));
  writeFileSync(path.join(PACKAGE_ROOT, 'debian-packages.lock'), text);
  process.stdout.write(text);
} else if (command === 'derive-modules') {
  const files = await deriveModules();
  writeFileSync(path.join(PACKAGE_ROOT, 'modules.txt'), MODULES_HEADER + files.join('\n') + '\n');
  process.stdout.write(`modules.txt: ${files.length} files\n`);
} else {
  process.stderr.write('usage: node src/cli.ts build|update-lock|derive-modules\n');
  process.exitCode = 2;
}
