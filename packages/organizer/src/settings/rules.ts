import { z } from 'zod';
import { KEY_TEMPLATE_PLACEHOLDERS, KEY_TEMPLATE_REQUIRED_ONE_OF, keyTemplateProblems } from '../core/key-template.js';
import type { SettingRule } from './table.js';
import { isSupportedTimeZone } from './time-zones.js';

/** S3 bucket naming rules (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html), the common part. */
export const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * The sentence each rule's problems are phrased in, after the setting's name (`--time-zone must
 * be ...`, `DEFAULT_TIME_ZONE must be ...`, `organizer.default_time_zone must be ...`).
 *
 * @example
 * ruleSentence({ kind: 'choice', values: ['undated', 'upload-date'] }); // 'must be one of undated, upload-date'
 */
export function ruleSentence(rule: SettingRule): string {
  switch (rule.kind) {
    case 'choice':
      return `must be one of ${rule.values.join(', ')}`;
    case 'boolean':
      return 'must be one of true, false';
    case 'integer':
      return `must be a whole number of ${rule.unit} from ${rule.minimum} to ${rule.maximum}`;
    case 'time-zone':
      return 'must be an IANA time zone such as Europe/Berlin, or UTC';
    case 'key-template':
      return (
        `may only use the placeholders ${KEY_TEMPLATE_PLACEHOLDERS.map((name) => `{${name}}`).join(' ')}, ` +
        `must contain ${KEY_TEMPLATE_REQUIRED_ONE_OF.map((name) => `{${name}}`).join(' or ')} and must not start with "/"`
      );
    case 'prefix':
      return 'must not start with "/" (S3 keys have no leading slash)';
    case 'bucket':
      return 'must be a valid S3 bucket name (3-63 lower-case letters, digits, ".", "-")';
    case 'http-url':
      return 'must be an http(s) URL';
    case 'text':
      return 'must not be empty';
  }
}

/**
 * The zod schema of a rule: parses the text form (environment variable, flag) into the typed
 * value, or fails with issues whose messages follow the setting's name.
 *
 * @example
 * schemaFor({ kind: 'boolean' }).parse('true'); // true
 */
export function schemaFor(rule: SettingRule): z.ZodType<unknown, string> {
  const sentence = ruleSentence(rule);
  switch (rule.kind) {
    case 'choice':
      return z.enum(rule.values as [string, ...string[]], { error: sentence });
    case 'boolean':
      return z.enum(['true', 'false'], { error: sentence }).transform((value) => value === 'true');
    case 'integer':
      return z
        .string()
        .regex(/^[0-9]+$/, { error: sentence })
        .transform(Number)
        .pipe(z.number().int().min(rule.minimum, { error: sentence }).max(rule.maximum, { error: sentence }));
    case 'time-zone':
      return z.string().refine(isSupportedTimeZone, { error: sentence });
    case 'key-template':
      // The template's own problems are more precise than the sentence ("unknown placeholder {foo}").
      return z.string().superRefine((template, context) => {
        for (const message of keyTemplateProblems(template)) context.addIssue({ code: 'custom', message });
      });
    case 'prefix':
      return z
        .string()
        .refine((value) => !value.startsWith('/'), { error: sentence })
        .transform((value) => (value === '' || value.endsWith('/') ? value : `${value}/`));
    case 'bucket':
      return z.string().regex(BUCKET_NAME, { error: sentence });
    case 'http-url':
      return z.url({ protocol: /^https?$/, error: sentence });
    case 'text':
      return z.string().min(1, { error: sentence });
  }
}
