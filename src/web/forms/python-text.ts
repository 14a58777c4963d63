/**
 * The rules of Python's text handling that Django's form fields inherit, so that an input
 * Django accepts is accepted here too: what `str.strip()` takes off (Python's whitespace, not
 * JavaScript's: the separators U+001C to U+001F and U+0085 are whitespace there, U+FEFF is
 * not), and what `int()` reads as a whole number (any decimal digit, `_` between digits).
 */

/** Python's whitespace (`str.isspace()`), as a regular-expression class body. */
export const PYTHON_SPACE = '\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';

const LEADING_SPACE = new RegExp(`^[${PYTHON_SPACE}]+`);
const TRAILING_SPACE = new RegExp(`[${PYTHON_SPACE}]+$`);

/** Python's `text.strip()`. */
export function pythonStrip(text: string): string {
  return text.replace(LEADING_SPACE, '').replace(TRAILING_SPACE, '');
}

const DECIMAL_DIGIT = /^\p{Nd}$/u;

/**
 * The value of a decimal digit of any script (`٣` is 3), as Python's `int()` reads it. Unicode
 * puts each script's digits in runs of ten from its zero, some runs back to back (the
 * mathematical digits): the offset from the start of the whole run, modulo ten.
 */
export function digitValue(digit: string): number {
  const code = digit.codePointAt(0)!;
  let start = code;
  while (DECIMAL_DIGIT.test(String.fromCodePoint(start - 1))) start--;
  return (code - start) % 10;
}

/** Digits of any script as ASCII ones. */
export function asciiDigits(digits: string): string {
  return [...digits].map((d) => String(digitValue(d))).join('');
}

/**
 * Blanks `int()` skips: Python's whitespace less the ASCII separators U+001C to U+001F, which
 * it passes on as they are to a parser that knows only ASCII blanks.
 */
const INT_SPACE = PYTHON_SPACE.replace('\\x1c-\\x1f', '');

/** What Python's `int(text)` accepts: blanks around, a sign, digits with single `_` between. */
const PYTHON_INT = new RegExp(`^[${INT_SPACE}]*([-+]?)(\\p{Nd}(?:_?\\p{Nd})*)[${INT_SPACE}]*$`, 'u');

/** Django's IntegerField: a trailing `.`, `.0`, `.00`… goes (`re_decimal`), then Python's `int()`. */
const TRAILING_DECIMAL = new RegExp(`\\.0*[${PYTHON_SPACE}]*$`);

/**
 * A whole number as Django's IntegerField reads it (`' 7 '`, `'1.0'`, `'1_000'`, `'٤٢'`), or
 * undefined. '-0' is 0: no integer column keeps a sign on zero. A number past 2^53 comes back
 * rounded: the model's range check (fullClean) refuses it.
 */
export function parseWholeNumber(text: string): number | undefined {
  const match = PYTHON_INT.exec(text.replace(TRAILING_DECIMAL, ''));
  if (match === null) return undefined;
  return Number(`${match[1]}${asciiDigits(match[2]!.replaceAll('_', ''))}`) + 0;
}
