/**
 * Current IANA names of zones that the ICU data in Node lists under an older name
 * (`Intl.supportedValuesOf('timeZone')` has `Asia/Calcutta`, not `Asia/Kolkata`). Users type the
 * current name; both are accepted (Intl resolves either).
 * Source: IANA tzdata `backward` file, https://github.com/eggert/tz/blob/main/backward
 */
const CURRENT_NAMES_OF_RENAMED_ZONES = [
  'Africa/Asmara',
  'America/Argentina/Buenos_Aires',
  'America/Argentina/Catamarca',
  'America/Argentina/Cordoba',
  'America/Argentina/Jujuy',
  'America/Argentina/Mendoza',
  'America/Atikokan',
  'America/Indiana/Indianapolis',
  'America/Kentucky/Louisville',
  'America/Nuuk',
  'Asia/Ho_Chi_Minh',
  'Asia/Kathmandu',
  'Asia/Kolkata',
  'Asia/Yangon',
  'Atlantic/Faroe',
  'Europe/Kyiv',
  'Pacific/Chuuk',
  'Pacific/Kanton',
  'Pacific/Pohnpei',
];

function resolves(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/**
 * Every accepted value of `DEFAULT_TIME_ZONE`, sorted: the zones this Node's ICU knows
 * (`Intl.supportedValuesOf('timeZone')`, https://tc39.es/ecma402/#sec-intl.supportedvaluesof),
 * `UTC`, and the current names of renamed zones. Offsets (`+02:00`) and `US/Pacific`-style links
 * are not accepted. The Terraform validation carries the same list (generated).
 * @example
 * TIME_ZONES.includes('Asia/Kolkata'); // true
 */
export const TIME_ZONES: readonly string[] = Object.freeze(
  [...new Set(['UTC', ...Intl.supportedValuesOf('timeZone'), ...CURRENT_NAMES_OF_RENAMED_ZONES.filter(resolves)])].sort(),
);

const accepted = new Set(TIME_ZONES);

/**
 * Whether `timeZone` is one of {@link TIME_ZONES}.
 *
 * @example
 * isSupportedTimeZone('Europe/Paris');  // true
 * isSupportedTimeZone('Europe/Parris'); // false
 */
export function isSupportedTimeZone(timeZone: string): boolean {
  return accepted.has(timeZone);
}
