// A small EventBridge event-pattern matcher, written from the documented semantics, to test the
// pattern the module renders without AWS. It is OUR READING of
// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html and
// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html,
// covering only the operators the module uses; EventBridge itself (`aws events test-event-pattern`)
// is the authority, and only a real account can run it:
// - every field named in the pattern must be present in the event and match (AND across fields);
// - a leaf is an array of alternatives (OR): an exact value, {"prefix": "s"}, {"suffix": "s"},
//   {"prefix"|"suffix": {"equals-ignore-case": "s"}} or {"equals-ignore-case": "s"};
// - an array value in the event matches when any of its elements does.

type Pattern = { readonly [field: string]: Pattern | readonly unknown[] };

/** Thrown for a pattern construct this matcher does not implement (so a test cannot pass by ignoring it). */
export class UnsupportedPatternError extends Error {
  override readonly name = 'UnsupportedPatternError';
}

const fold = (value: string) => value.toLowerCase();

function matchesCondition(condition: unknown, value: unknown): boolean {
  if (condition === null || typeof condition !== 'object') return condition === value;
  const entries = Object.entries(condition as Record<string, unknown>);
  if (entries.length !== 1) throw new UnsupportedPatternError(`condition with ${entries.length} operators: ${JSON.stringify(condition)}`);
  const [operator, operand] = entries[0]!;
  if (typeof value !== 'string') return false;
  if (operator === 'equals-ignore-case' && typeof operand === 'string') return fold(value) === fold(operand);
  if (operator === 'prefix' || operator === 'suffix') {
    const test = (text: string, affix: string) => (operator === 'prefix' ? text.startsWith(affix) : text.endsWith(affix));
    if (typeof operand === 'string') return test(value, operand);
    if (operand && typeof operand === 'object' && typeof (operand as Record<string, unknown>)['equals-ignore-case'] === 'string') {
      return test(fold(value), fold((operand as Record<string, string>)['equals-ignore-case']!));
    }
  }
  throw new UnsupportedPatternError(`operator ${operator} with ${JSON.stringify(operand)}`);
}

/** Does `event` match `pattern` (both parsed JSON)? */
export function matchesPattern(pattern: Pattern, event: unknown): boolean {
  if (event === null || typeof event !== 'object') return false;
  return Object.entries(pattern).every(([field, expected]) => {
    if (field.startsWith('$')) throw new UnsupportedPatternError(`${field} is not implemented`);
    const value = (event as Record<string, unknown>)[field];
    if (value === undefined) return false;
    if (Array.isArray(expected)) {
      const values = Array.isArray(value) ? value : [value];
      return expected.some((condition) => values.some((candidate) => matchesCondition(condition, candidate)));
    }
    return matchesPattern(expected as Pattern, value);
  });
}
