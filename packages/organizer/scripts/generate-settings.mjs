// Writes what is derived from the settings table (src/settings/table.ts): the module's
// `variable "organizer"` + `locals.organizer_environment` (organizer-settings.tf.json) and the
// configuration table in the top README. Run through `pnpm --filter @photo-organizer/organizer
// generate:settings` (builds first: this imports dist/). test/settings-drift.test.ts fails when a
// committed file differs from what this would write.
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { terraformSettings, withSettingsTable } from '../dist/index.js';

const root = new URL('../../../', import.meta.url);
const terraformFile = fileURLToPath(new URL('infra/modules/photo-organizer/organizer-settings.tf.json', root));
const readmeFile = fileURLToPath(new URL('README.md', root));

await writeFile(terraformFile, `${JSON.stringify(terraformSettings(), null, 2)}\n`);
await writeFile(readmeFile, withSettingsTable(await readFile(readmeFile, 'utf8')));
console.log(`wrote ${terraformFile} and the settings table in ${readmeFile}`);
