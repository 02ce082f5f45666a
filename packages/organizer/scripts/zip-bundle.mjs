// Writes dist/lambda/function.zip from dist/lambda/index.mjs with the reproducible zip writer the
// layer uses too (sorted entries, fixed timestamps and modes): an unchanged bundle keeps its hash, so
// Terraform does not redeploy it.
import { readFileSync, writeFileSync } from 'node:fs';
import { writeZip } from '@photo-organizer/reproducible-zip';

const zip = writeZip([{ name: 'index.mjs', data: readFileSync('dist/lambda/index.mjs'), mode: 0o644 }]);
writeFileSync('dist/lambda/function.zip', zip);
console.log(`dist/lambda/function.zip: ${zip.length.toLocaleString('en-US')} bytes`);
