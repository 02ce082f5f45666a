// zod/mini: the same schemas as zod's classic API in a tree-shakable form, so the Lambda bundle
// carries only what these rules use (cold start).
import * as z from 'zod/mini';
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
 * The zod schema (zod/mini) of a rule: parses the text form (environment variable, flag) into the typed
 * value, or fails with issues whose messages follow the setting's name.
 *
 * @example
 * schemaFor({ kind: 'boolean' }).parse('true'); // true
 */
export function schemaFor(rule: SettingRule): z.ZodMiniType<unknown, string> {
  const sentence = ruleSentence(rule);
  switch (rule.kind) {
    case 'choice':
      return z.enum(rule.values as [string, ...string[]], { error: sentence });
    case 'boolean':
      return z.pipe(
        z.enum(['true', 'false'], { error: sentence }),
        z.transform((value: 'true' | 'false') => value === 'true'),
      );
    case 'integer':
      return z.pipe(
        z.string().check(z.regex(/^[0-9]+$/, { error: sentence })),
        z.pipe(
          z.transform((value: string) => Number(value)),
          z.number().check(z.refine((value: number) => Number.isSafeInteger(value) && value >= rule.minimum && value <= rule.maximum, { error: sentence })),
        ),
      );
    case 'time-zone':
      return z.string().check(z.refine(isSupportedTimeZone, { error: sentence }));
    case 'key-template':
      // The template's own problems are more precise than the sentence ("unknown placeholder {foo}").
      return z.string().check(
        z.superRefine((template: string, context) => {
          for (const message of keyTemplateProblems(template)) context.addIssue({ code: 'custom', message, input: template });
        }),
      );
    case 'prefix':
      return z.pipe(
        z.string().check(z.refine((value: string) => !value.startsWith('/'), { error: sentence })),
        z.transform((value: string) => (value === '' || value.endsWith('/') ? value : `${value}/`)),
      );
    case 'bucket':
      return z.string().check(z.regex(BUCKET_NAME, { error: sentence }));
    case 'http-url':
      return z.url({ protocol: /^https?$/, error: sentence });
    case 'text':
      return z.string().check(z.minLength(1, { error: sentence }));
  }
}
