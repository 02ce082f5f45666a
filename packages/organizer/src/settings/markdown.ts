import { ruleSentence } from './rules.js';
import { type Setting, SETTING_LIST } from './table.js';

/**
 * The markers around the generated table in the top README.
 * @example
 * readme.includes(SETTINGS_TABLE_MARKERS.begin);
 */
export const SETTINGS_TABLE_MARKERS = {
  begin: '<!-- settings-table:begin (generated from packages/organizer/src/settings/table.ts; run `pnpm --filter @photo-organizer/organizer generate:settings`) -->',
  end: '<!-- settings-table:end -->',
} as const;

/**
 * The README's configuration table, one row per setting: environment variable, Terraform
 * attribute or input, CLI flag, default, rule and meaning.
 *
 * @example
 * settingsMarkdownTable().split('\n')[0]; // '| variable | Terraform | CLI | default | rule | meaning |'
 */
export function settingsMarkdownTable(): string {
  const rows = SETTING_LIST.map((setting) =>
    [
      `\`${setting.environment}\``,
      terraformCell(setting),
      setting.flag ? `\`${setting.flag}\`` : '',
      defaultCell(setting),
      ruleSentence(setting.rule).replace(/\|/g, '\\|'),
      setting.description.replace(/\|/g, '\\|'),
    ].join(' | '),
  );
  return ['| variable | Terraform | CLI | default | rule | meaning |', '|---|---|---|---|---|---|', ...rows.map((row) => `| ${row} |`)].join('\n');
}

function terraformCell(setting: Setting): string {
  if (!setting.terraform) return '';
  return 'attribute' in setting.terraform ? `\`organizer.${setting.terraform.attribute}\`` : setting.terraform.input.includes(' ') ? setting.terraform.input : `\`${setting.terraform.input}\``;
}

function defaultCell(setting: Setting): string {
  if (setting.required) return '(required)';
  if (setting.default === undefined) return '';
  return setting.default === '' ? '`""`' : `\`${setting.default}\``;
}

/**
 * `readme` with the text between the markers replaced by the current table.
 *
 * @throws Error when the markers are missing.
 * @example
 * await writeFile('README.md', withSettingsTable(await readFile('README.md', 'utf8')));
 */
export function withSettingsTable(readme: string): string {
  const begin = readme.indexOf(SETTINGS_TABLE_MARKERS.begin);
  const end = readme.indexOf(SETTINGS_TABLE_MARKERS.end);
  if (begin < 0 || end < begin) throw new Error('the README has no settings-table markers');
  return `${readme.slice(0, begin + SETTINGS_TABLE_MARKERS.begin.length)}\n${settingsMarkdownTable()}\n${readme.slice(end)}`;
}
