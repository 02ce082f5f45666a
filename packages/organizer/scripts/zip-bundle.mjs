// Writes dist/lambda/function.zip from dist/lambda/index.mjs with the layer's reproducible zip
// writer (sorted entries, fixed timestamps and modes): an unchanged bundle keeps its hash, so
// Terraform does not redeploy it.
import { readFileSync, writeFileSync } from 'node:fs';
// The layer's package exports its writer (TypeScript, run through Node's type stripping).
import { writeZip } from '@photo-organizer/layer-build/zip-writer';

const zip = writeZip([{ name: 'index.mjs', data: readFileSync('dist/lambda/index.mjs'), mode: 0o644 }]);
writeFileSync('dist/lambda/function.zip', zip);
console.log(`dist/lambda/function.zip: ${zip.length.toLocaleString('en-US')} bytes`);
