/**
 * A reference model of how Django 5.2's form fields read posted text (English locale), for the
 * binding properties: it writes inputs whose reading is known by construction (a number, a day,
 * a moment rendered in one of the ways Django accepts, or spoilt in a way it refuses), so the
 * tests never ask the code under test what the answer is. Checked against Django itself when
 * written (CharField.strip, IntegerField.re_decimal and int(), DATE_INPUT_FORMATS,
 * DATETIME_INPUT_FORMATS, dateparse.datetime_re).
 */
import fc from 'fast-check';

/** Python's whitespace: every character whose `str.isspace()` is true, listed from Python itself. */
export const PYTHON_SPACES = [...'\t\n\v\f\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000'];
/** The blanks Python's `int()` skips: not the separators U+001C to U+001F. */
export const INT_SPACES = PYTHON_SPACES.filter((c) => !'\x1c\x1d\x1e\x1f'.includes(c));

/** Python's `str.strip()`, which Django's CharField applies to what was posted. */
export function stripped(text: string): string {
  const chars = [...text];
  while (chars.length > 0 && PYTHON_SPACES.includes(chars[0]!)) chars.shift();
  while (chars.length > 0 && PYTHON_SPACES.includes(chars.at(-1)!)) chars.pop();
  return chars.join('');
}

const blanks = (from: readonly string[], minLength = 0) => fc.array(fc.constantFrom(...from), { minLength, maxLength: 3 }).map((a) => a.join(''));

/** The zero of some scripts' digits; Python reads any decimal digit (ASCII, Arabic-Indic, Devanagari, full-width, mathematical bold). */
const ZEROS = [0x30, 0x660, 0x966, 0xff10, 0x1d7ce];
const inScript = (digits: string, zero: number) => [...digits].map((d) => (d === '_' ? d : String.fromCodePoint(zero + Number(d)))).join('');

/** Text for a field Django strips: letters and blanks, Python's and others (U+FEFF, U+200B are not blanks to Python). */
export const textInput = fc.array(fc.constantFrom('a', 'b', ' ', '\t', '\x1c', '\x85', '\u3000', '\ufeff', '\u200b'), { maxLength: 8 }).map((a) => a.join(''));

/** A whole number written as Django's IntegerField accepts it: [text, value]. */
export const wholeNumberInput: fc.Arbitrary<[string, number]> = fc
  .record({
    n: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
    plus: fc.boolean(),
    zeros: fc.nat({ max: 2 }),
    underscores: fc.array(fc.boolean(), { maxLength: 12 }),
    zero: fc.constantFrom(...ZEROS),
    decimal: fc.constantFrom('', '.', '.0', '.000'),
    before: blanks(INT_SPACES),
    // re_decimal takes any blank after a decimal point; int() only its own.
    after: blanks(PYTHON_SPACES),
    afterInt: blanks(INT_SPACES),
  })
  .map(({ n, plus, zeros, underscores, zero, decimal, before, after, afterInt }) => {
    const digits = '0'.repeat(zeros) + String(Math.abs(n));
    const grouped = [...digits].map((d, i) => (i > 0 && underscores[i] === true ? `_${d}` : d)).join('');
    const sign = n < 0 ? '-' : plus ? '+' : '';
    return [`${before}${sign}${inScript(grouped, zero)}${decimal}${decimal === '' ? afterInt : after}`, n + 0] as [string, number];
  });

/** A whole number spoilt in a way Django's IntegerField refuses ("Enter a whole number."). */
export const notWholeNumberInput: fc.Arbitrary<string> = fc
  .tuple(fc.integer({ min: 10, max: 99_999 }).map(String), fc.constantFrom('fraction', 'exponent', 'leading _', 'trailing _', 'double _', 'comma', 'separator blank', 'bom', 'two signs', 'no digits'))
  .map(([digits, spoil]) => {
    switch (spoil) {
      case 'fraction': return `${digits}.5`;
      case 'exponent': return `${digits}e3`;
      case 'leading _': return `_${digits}`;
      case 'trailing _': return `${digits}_.0`;
      case 'double _': return `${digits[0]}__${digits.slice(1)}`;
      case 'comma': return `${digits[0]},${digits.slice(1)}`;
      case 'separator blank': return `\x1c${digits}`;
      case 'bom': return `\ufeff${digits}`;
      case 'two signs': return `+-${digits}`;
      default: return '.0';
    }
  });

/** Django's DATE_INPUT_FORMATS and DATETIME_INPUT_FORMATS for the English locale (a DateTimeField tries both). */
export const DATE_FORMATS = ['%Y-%m-%d', '%m/%d/%Y', '%m/%d/%y', '%b %d %Y', '%b %d, %Y', '%d %b %Y', '%d %b, %Y', '%B %d %Y', '%B %d, %Y', '%d %B %Y', '%d %B, %Y'];
export const DATETIME_FORMATS = ['%Y-%m-%d %H:%M:%S', '%Y-%m-%d %H:%M:%S.%f', '%Y-%m-%d %H:%M', '%m/%d/%Y %H:%M:%S', '%m/%d/%Y %H:%M:%S.%f', '%m/%d/%Y %H:%M', '%m/%d/%y %H:%M:%S', '%m/%d/%y %H:%M:%S.%f', '%m/%d/%y %H:%M'];

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** How a rendering varies: padding of each number, the case of a month's name, the blanks a format's space stands for. */
interface Style {
  pad: boolean[];
  spacePadDay: boolean;
  upper: boolean[];
  gaps: string[];
  zero: number;
}

const style: fc.Arbitrary<Style> = fc.record({
  pad: fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }),
  spacePadDay: fc.boolean(),
  upper: fc.array(fc.boolean(), { minLength: 9, maxLength: 9 }),
  gaps: fc.array(blanks(PYTHON_SPACES, 1), { minLength: 4, maxLength: 4 }),
  zero: fc.constantFrom(0x30, 0x30, 0x660),
});

export interface Moment { year: number; month: number; day: number; hour: number; minute: number; second: number; micro: number }

/** `strptime`'s reading of `format`, run backwards: the text of a moment in that format. */
export function render(format: string, m: Moment, s: Style): string {
  const two = (n: number, i: number) => (s.pad[i] === true ? String(n).padStart(2, '0') : String(n));
  const cased = (name: string) => [...name].map((c, i) => (s.upper[i] === true ? c.toUpperCase() : c.toLowerCase())).join('');
  let gap = 0;
  return format.replace(/ /g, () => s.gaps[gap++ % s.gaps.length]!).replace(/%(.)/g, (_, d: string) => {
    switch (d) {
      // %Y and %y are Python's \d: any script's digits.
      case 'Y': return inScript(String(m.year).padStart(4, '0'), s.zero);
      case 'y': return inScript(String(m.year % 100).padStart(2, '0'), s.zero);
      case 'm': return two(m.month, 0);
      case 'd': return m.day < 10 && s.spacePadDay ? ` ${m.day}` : two(m.day, 1);
      case 'b': return cased(MONTHS[m.month - 1]!.slice(0, 3));
      case 'B': return cased(MONTHS[m.month - 1]!);
      case 'H': return two(m.hour, 2);
      case 'M': return two(m.minute, 3);
      case 'S': return two(m.second, 4);
      default: return String(m.micro).padStart(6, '0').replace(/0+$/, '') || '0';
    }
  });
}

const daysIn = (year: number, month: number) => (month === 2 ? (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31);

/** A moment of a day that exists, years 1969 to 2068 when the format has a two-digit year. */
const moment = (shortYear: boolean): fc.Arbitrary<Moment> =>
  fc.record({ year: shortYear ? fc.integer({ min: 1969, max: 2068 }) : fc.integer({ min: 2, max: 9998 }), month: fc.integer({ min: 1, max: 12 }), day: fc.integer({ min: 1, max: 31 }), hour: fc.integer({ min: 0, max: 23 }), minute: fc.integer({ min: 0, max: 59 }), second: fc.integer({ min: 0, max: 59 }), micro: fc.integer({ min: 0, max: 999_999 }) })
    .map((m) => ({ ...m, day: Math.min(m.day, daysIn(m.year, m.month)) }));

export const isoDay = (m: Moment) => `${String(m.year).padStart(4, '0')}-${String(m.month).padStart(2, '0')}-${String(m.day).padStart(2, '0')}`;

/** Milliseconds since 1970 of a wall time taken as UTC (JavaScript keeps milliseconds: the rest is cut). */
export function utcMillis(m: Moment, withTime: boolean): number {
  const date = new Date(Date.UTC(2000, 0, 1, withTime ? m.hour : 0, withTime ? m.minute : 0, withTime ? m.second : 0, withTime ? Math.floor(m.micro / 1000) : 0));
  date.setUTCFullYear(m.year, m.month - 1, m.day);
  return date.getTime();
}

const withBlanksAround = <T>(arb: fc.Arbitrary<[string, T]>) => fc.tuple(arb, blanks(PYTHON_SPACES), blanks(PYTHON_SPACES)).map(([[text, value], a, b]) => [`${a}${text}${b}`, value] as [string, T]);

/** A day in one of Django's date formats: [text, 'YYYY-MM-DD']. */
export const dateInput: fc.Arbitrary<[string, string]> = withBlanksAround(
  fc.constantFrom(...DATE_FORMATS).chain((format) => fc.tuple(moment(format.includes('%y')), style).map(([m, s]) => [render(format, m, s), isoDay(m)] as [string, string])),
);

/** A day that does not exist (February 30th, April 31st), shaped as one of Django's formats: "Enter a valid date." */
export const impossibleDateInput: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom(...DATE_FORMATS), moment(true), style, fc.constantFrom(2, 4, 6, 9, 11))
  .map(([format, m, s, month]) => render(format, { ...m, month, day: month === 2 ? 30 : 31 }, s));

/** A time zone as parse_datetime() reads it, with its minutes east of UTC. */
const zone: fc.Arbitrary<[string, number]> = fc.oneof(
  fc.constant(['', 0] as [string, number]),
  fc.constant(['Z', 0] as [string, number]),
  fc.tuple(fc.constantFrom('+', '-'), fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }), fc.constantFrom('', ':', 'none')).map(([sign, h, m, sep]) => {
    const text = `${sign}${String(h).padStart(2, '0')}${sep === 'none' ? '' : `${sep}${String(m).padStart(2, '0')}`}`;
    return [text, (sign === '-' ? -1 : 1) * (h * 60 + (sep === 'none' ? 0 : m))] as [string, number];
  }),
);

/** ISO 8601 as Django's parse_datetime() takes it: parts not padded, T or a space, seconds and a fraction optional, a zone. */
const isoDateTime: fc.Arbitrary<[string, number]> = fc
  .tuple(moment(false), style, fc.constantFrom('T', ' '), fc.constantFrom('minute', 'second', 'fraction'), fc.constantFrom('.', ','), blanks(PYTHON_SPACES), zone)
  .map(([m, style, t, precision, comma, gap, [zoneText, offset]]) => {
    // parse_datetime() takes one or two digits for each part, not a day padded with a blank.
    const s = { ...style, spacePadDay: false };
    const shown = { ...m, second: precision === 'minute' ? 0 : m.second, micro: precision === 'fraction' ? m.micro : 0 };
    const seconds = precision === 'minute' ? '' : `:${render('%S', shown, s)}${precision === 'fraction' ? `${comma}${String(shown.micro).padStart(6, '0')}` : ''}`;
    const text = `${render('%Y-%m-%d', shown, { ...s, zero: 0x30 })}${t}${render('%H:%M', shown, s)}${seconds}${zoneText === '' ? '' : gap}${zoneText}`;
    return [text, utcMillis(shown, true) - offset * 60_000] as [string, number];
  });

/** A moment in one of Django's date-and-time formats (a wall time, as UTC), or a day alone (midnight). */
const formattedDateTime: fc.Arbitrary<[string, number]> = fc.constantFrom(...DATETIME_FORMATS, ...DATE_FORMATS).chain((format) =>
  fc.tuple(moment(format.includes('%y')), style).map(([m, s]) => {
    const shown = { ...m, second: format.includes('%S') ? m.second : 0, micro: format.includes('%f') ? m.micro : 0 };
    return [render(format, shown, s), utcMillis(shown, format.includes('%H'))] as [string, number];
  }),
);

/** A date and time as Django's DateTimeField accepts it: [text, milliseconds since 1970]. */
export const dateTimeInput: fc.Arbitrary<[string, number]> = withBlanksAround(fc.oneof(isoDateTime, formattedDateTime));
