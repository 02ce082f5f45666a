#!/usr/bin/env node
// Prints the Inputs/Outputs tables of a Terraform directory's README (what terraform-docs does;
// terraform-docs is not available here). Usage: node infra/tools/readme-tables.mjs infra/modules/photo-organizer
import { parse } from '@cdktn/hcl2json';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';

const directory = process.argv[2] ?? '.';
const variables = {};
const outputs = {};
for (const file of (await readdir(directory)).filter((name) => name.endsWith('.tf') || name.endsWith('.tf.json')).sort()) {
  const text = await readFile(join(directory, file), 'utf8');
  // Generated files (organizer-settings.tf.json) are Terraform's JSON syntax: one block, not a list.
  const parsed = file.endsWith('.tf.json') ? jsonBlocks(JSON.parse(text)) : await parse(file, text);
  Object.assign(variables, parsed.variable);
  Object.assign(outputs, parsed.output);
}

function jsonBlocks(document) {
  const wrap = (blocks) => Object.fromEntries(Object.entries(blocks ?? {}).map(([name, block]) => [name, [block]]));
  return { variable: wrap(document.variable), output: wrap(document.output) };
}
const cell = (text) => String(text).replace(/\s+/g, ' ').replace(/\|/g, '\\|').trim();
const code = (value) => (value === '' ? '`""`' : `\`${cell(typeof value === 'string' ? value.replace(/^\$\{(.*)\}$/s, '$1') : JSON.stringify(value))}\``);
const lines = ['## Inputs', '', '| Name | Description | Type | Default |', '| --- | --- | --- | --- |'];
for (const [name, [variable]] of Object.entries(variables)) {
  const fallback = 'default' in variable ? code(variable.default === null ? 'null' : variable.default) : 'required';
  lines.push(`| \`${name}\` | ${cell(variable.description ?? '')}${variable.sensitive ? ' (sensitive)' : ''} | ${code(variable.type)} | ${fallback} |`);
}
lines.push('', '## Outputs', '', '| Name | Description |', '| --- | --- |');
for (const [name, [output]] of Object.entries(outputs)) lines.push(`| \`${name}\` | ${cell(output.description ?? '')} |`);
console.log(lines.join('\n'));
