import { KEY_TEMPLATE_PLACEHOLDERS, KEY_TEMPLATE_REQUIRED_ONE_OF } from '../core/key-template.js';
import { ruleSentence } from './rules.js';
import { type Setting, SETTING_LIST, type SettingRule } from './table.js';
import { TIME_ZONES } from './time-zones.js';

/**
 * The module's variable holding the organizer's settings (`organizer = { default_time_zone = ... }`).
 * @example
 * `var.${TERRAFORM_VARIABLE}.default_time_zone`; // 'var.organizer.default_time_zone'
 */
export const TERRAFORM_VARIABLE = 'organizer';

/** The settings Terraform sets through `var.organizer`, with their attribute names. */
function organizerAttributes(): (Setting & { readonly attribute: string })[] {
  return SETTING_LIST.flatMap((setting) =>
    setting.terraform && 'attribute' in setting.terraform ? [{ ...setting, attribute: setting.terraform.attribute }] : [],
  );
}

/**
 * The content of `infra/modules/photo-organizer/organizer-settings.tf.json`, derived from the
 * settings table: `variable "organizer"` (an object of optional attributes with the function's
 * defaults and one validation per attribute with the function's rules, messages naming
 * `organizer.<attribute>`) and `locals.organizer_environment` (attribute -> environment variable).
 * Terraform JSON syntax: https://developer.hashicorp.com/terraform/language/syntax/json
 *
 * @example
 * writeFileSync('organizer-settings.tf.json', `${JSON.stringify(terraformSettings(), null, 2)}\n`);
 */
export function terraformSettings(): Record<string, unknown> {
  const attributes = organizerAttributes();
  const type = `object({\n${attributes.map((setting) => `  ${setting.attribute} = optional(${terraformType(setting.rule)}, ${hclDefault(setting)})`).join('\n')}\n})`;
  const validation = attributes.flatMap((setting) => {
    const reference = `var.${TERRAFORM_VARIABLE}.${setting.attribute}`;
    const condition = terraformCondition(setting.rule, reference);
    if (!condition) return [];
    return [{ condition: `\${${condition}}`, error_message: `${TERRAFORM_VARIABLE}.${setting.attribute} ${ruleSentence(setting.rule)}.` }];
  });
  return {
    '//': 'Generated from packages/organizer/src/settings/table.ts by `pnpm --filter @photo-organizer/organizer generate:settings`; do not edit. A test fails when they differ.',
    variable: {
      [TERRAFORM_VARIABLE]: {
        description: [
          'How the function organizes files (passed to it as environment variables; the same rules as its cold-start check):',
          ...attributes.map((setting) => `- ${setting.attribute} (${setting.environment}): ${setting.description.replace(/`/g, '')}.`),
        ].join('\n'),
        type,
        default: {},
        nullable: false,
        validation,
      },
    },
    locals: {
      organizer_environment: Object.fromEntries(
        attributes.map((setting) => [setting.environment, `\${tostring(var.${TERRAFORM_VARIABLE}.${setting.attribute})}`]),
      ),
    },
  };
}

function terraformType(rule: SettingRule): string {
  if (rule.kind === 'boolean') return 'bool';
  if (rule.kind === 'integer') return 'number';
  return 'string';
}

function hclDefault(setting: Setting): string {
  const text = setting.default ?? '';
  if (setting.rule.kind === 'boolean' || setting.rule.kind === 'integer') return text;
  return JSON.stringify(text);
}

/** The rule as a Terraform expression over `reference`; undefined when the type says it all. */
function terraformCondition(rule: SettingRule, reference: string): string | undefined {
  const list = (values: readonly string[]) => `[${values.map((value) => JSON.stringify(value)).join(', ')}]`;
  switch (rule.kind) {
    case 'choice':
      return `contains(${list(rule.values)}, ${reference})`;
    case 'boolean':
      return undefined;
    case 'integer':
      return `${reference} >= ${rule.minimum} && ${reference} <= ${rule.maximum} && floor(${reference}) == ${reference}`;
    case 'time-zone':
      return `contains(${list(TIME_ZONES)}, ${reference})`;
    case 'key-template':
      return (
        `alltrue([for placeholder in regexall("\\\\{([^}]*)\\\\}", ${reference}) : contains(${list(KEY_TEMPLATE_PLACEHOLDERS)}, placeholder[0])])` +
        ` && anytrue([for name in ${list(KEY_TEMPLATE_REQUIRED_ONE_OF)} : strcontains(${reference}, "{\${name}}")])` +
        ` && !startswith(${reference}, "/")`
      );
    case 'prefix':
      return `!startswith(${reference}, "/")`;
    case 'bucket':
      return `can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", ${reference}))`;
    case 'http-url':
      return `can(regex("^https?://", ${reference}))`;
    case 'text':
      return `length(${reference}) > 0`;
  }
}
