/**
 * Dates and times typed into a form, read as Django 5.2 reads them by default (English locale):
 * a date in any of DATE_INPUT_FORMATS (`2024-2-3`, `2/3/2024`, `2/3/24`, `Feb 3 2024`,
 * `3 February, 2024`, …), a date and time as ISO 8601 (`2024-2-3T4:05`, a zone optional, which
 * is `parse_datetime()`'s pattern) or in any of DATETIME_INPUT_FORMATS then DATE_INPUT_FORMATS
 * (midnight). Each format is matched the way Python's `strptime` matches it: the same pattern
 * per directive, blanks in a format standing for any run of blanks, month names in any case.
 * Not read: the extra shapes Python 3.11's `datetime.fromisoformat()` lets through Django
 * (`20240203T101010`, week dates, any character for the T, an hour alone).
 */
import { isCalendarDate, parseCalendarDate } from '../../orm/index.ts';
import { asciiDigits, PYTHON_SPACE, pythonStrip } from './python-text.ts';

/** Django's DATE_INPUT_FORMATS for the English locale, tried in order. */
export const DATE_INPUT_FORMATS = ['%Y-%m-%d', '%m/%d/%Y', '%m/%d/%y', '%b %d %Y', '%b %d, %Y', '%d %b %Y', '%d %b, %Y', '%B %d %Y', '%B %d, %Y', '%d %B %Y', '%d %B, %Y'] as const;

/** Django's DATETIME_INPUT_FORMATS for the English locale; a DateTimeField tries the date formats after them. */
export const DATETIME_INPUT_FORMATS = [
  '%Y-%m-%d %H:%M:%S', '%Y-%m-%d %H:%M:%S.%f', '%Y-%m-%d %H:%M', '%m/%d/%Y %H:%M:%S', '%m/%d/%Y %H:%M:%S.%f', '%m/%d/%Y %H:%M',
  '%m/%d/%y %H:%M:%S', '%m/%d/%y %H:%M:%S.%f', '%m/%d/%y %H:%M',
] as const;

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const MONTH_ABBREVIATIONS = MONTHS.map((m) => m.slice(0, 3));

/** Python's `\d` in a text pattern is any decimal digit, not only ASCII. */
const D = '\\p{Nd}';

/** Python's `_strptime` patterns for the directives Django's formats use. */
const DIRECTIVES: Record<string, string> = {
  d: `(?<d>3[0-1]|[1-2]${D}|0[1-9]|[1-9]| [1-9])`,
  f: '(?<f>[0-9]{1,6})',
  H: `(?<H>2[0-3]|[0-1]${D}|${D})`,
  m: '(?<m>1[0-2]|0[1-9]|[1-9])',
  M: `(?<M>[0-5]${D}|${D})`,
  S: `(?<S>6[0-1]|[0-5]${D}|${D})`,
  y: `(?<y>${D}${D})`,
  Y: `(?<Y>${D}${D}${D}${D})`,
  B: `(?<B>${[...MONTHS].sort((a, b) => b.length - a.length).join('|')})`,
  b: `(?<b>${MONTH_ABBREVIATIONS.join('|')})`,
};

/** A day and a time of day, as read; microseconds as six digits. */
interface Moment {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  microsecond: string;
  /** Minutes east of UTC; undefined for a wall time (taken as UTC, as the form showed it). */
  offset?: number;
}

const compiled = new Map<string, RegExp>();

/** A strptime format as Python compiles it: blanks match any run of blanks, case is ignored. */
function formatPattern(format: string): RegExp {
  let pattern = compiled.get(format);
  if (pattern === undefined) {
    const source = format
      .replace(/[\\.^$*+?(){}[\]|]/g, '\\$&')
      .replace(/\s+/g, `[${PYTHON_SPACE}]+`)
      .replace(/%(.)/g, (_, directive: string) => DIRECTIVES[directive]!);
    // Sticky, not anchored at the end: Python takes the first match and refuses what it leaves over.
    pattern = new RegExp(source, 'iuy');
    compiled.set(format, pattern);
  }
  return pattern;
}

const number = (digits: string | undefined): number => (digits === undefined ? 0 : Number(asciiDigits(digits.trim())));

/** The moment `text` holds in `format`, or undefined (Python's `strptime` raising ValueError). */
function strptime(text: string, format: string): Moment | undefined {
  const pattern = formatPattern(format);
  pattern.lastIndex = 0;
  const match = pattern.exec(text);
  if (match === null || match[0].length !== text.length) return undefined;
  const g = match.groups!;
  // Python looks a name up in lower case: `SEP` is September, `ſep` (a long s) is nothing.
  const named = g.B ?? g.b;
  const month = named === undefined ? number(g.m) : (g.B !== undefined ? MONTHS : MONTH_ABBREVIATIONS).indexOf(named.toLowerCase()) + 1;
  if (month === 0) return undefined;
  // Python's rule for two-digit years: 69 to 99 are 1969 to 1999, 00 to 68 are 2000 to 2068.
  const short = g.y === undefined ? undefined : number(g.y);
  const year = short === undefined ? number(g.Y) : short + (short <= 68 ? 2000 : 1900);
  return { year, month, day: number(g.d), hour: number(g.H), minute: number(g.M), second: number(g.S), microsecond: (g.f ?? '').padEnd(6, '0') };
}

/** The day as 'YYYY-MM-DD' when it exists (years 1 to 9999), else undefined. */
function calendarDay({ year, month, day }: Moment): string | undefined {
  if (year < 1 || year > 9999) return undefined;
  return parseCalendarDate(`${String(year).padStart(4, '0')}-${month}-${day}`)?.date;
}

/** The first of `formats` that reads `text`, as a moment whose day exists. */
function firstFormat(text: string, formats: readonly string[]): Moment | undefined {
  for (const format of formats) {
    const moment = strptime(text, format);
    if (moment !== undefined && calendarDay(moment) !== undefined && moment.second <= 59) return moment;
  }
  return undefined;
}

/** A date typed into a form as 'YYYY-MM-DD', or undefined: Django's DateField.to_python. */
export function parseDateInput(text: string): string | undefined {
  const stripped = pythonStrip(text);
  // The shape a date input posts, the common case, without trying every format.
  if (isCalendarDate(stripped)) return stripped;
  const moment = firstFormat(stripped, DATE_INPUT_FORMATS);
  return moment === undefined ? undefined : calendarDay(moment);
}

/** Django's `datetime_re` (dateparse), with Python's `\d` and `\s`. */
const ISO_DATETIME = new RegExp(
  `^(${D}{4})-(${D}{1,2})-(${D}{1,2})[T ](${D}{1,2}):(${D}{1,2})(?::(${D}{1,2})(?:[.,](${D}{1,6})${D}{0,6})?)?[${PYTHON_SPACE}]*(Z|[+-]${D}{2}(?::?${D}{2})?)?$`,
  'u',
);

/**
 * `parse_datetime()`'s pattern: undefined when the text is not of its shape, null when it is
 * but names no moment (February 30th, 10:60, a zone a day or more off), which Django refuses
 * without trying its formats.
 */
function isoMoment(text: string): Moment | null | undefined {
  const match = ISO_DATETIME.exec(text);
  if (match === null) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(number) as [number, number, number, number, number, number];
  const moment: Moment = { year, month, day, hour, minute, second, microsecond: (match[7] ?? '').padEnd(6, '0') };
  const zone = match[8];
  if (zone !== undefined) {
    const minutes = 60 * number(zone.slice(1, 3)) + (zone.length > 3 ? number(zone.slice(-2)) : 0);
    moment.offset = zone === 'Z' ? 0 : zone.startsWith('-') ? -minutes : minutes;
  }
  const valid = calendarDay(moment) !== undefined && hour <= 23 && minute <= 59 && second <= 59 && Math.abs(moment.offset ?? 0) < 24 * 60;
  return valid ? moment : null;
}

/**
 * A date and time typed into a form, or undefined: Django's DateTimeField.to_python. A wall
 * time is taken as UTC; the result must fall in years 1 to 9999, which every database keeps.
 */
export function parseDateTimeInput(text: string): Date | undefined {
  const stripped = pythonStrip(text);
  const iso = isoMoment(stripped);
  const moment = iso === undefined ? firstFormat(stripped, [...DATETIME_INPUT_FORMATS, ...DATE_INPUT_FORMATS]) : iso;
  if (moment === undefined || moment === null) return undefined;
  const pad = (n: number) => String(n).padStart(2, '0');
  // JavaScript keeps milliseconds: the rest of the microseconds is cut, as before.
  const wall = Date.parse(`${calendarDay(moment)}T${pad(moment.hour)}:${pad(moment.minute)}:${pad(moment.second)}.${moment.microsecond.slice(0, 3)}Z`);
  const date = new Date(wall - (moment.offset ?? 0) * 60_000);
  const year = date.getUTCFullYear();
  return year >= 1 && year <= 9999 ? date : undefined;
}
