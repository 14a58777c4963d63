/**
 * fullClean() against a simple reference of what Django's model fields accept, on the database
 * under test: integers within the column's range on that database (Django's
 * `integer_field_ranges`, and no further than a JavaScript number holds exactly), dates that exist
 * in the calendar, each refusal with Django's message. The reference reads text with BigInt and
 * calendar arithmetic, never through a Date or a number. Values at the limits are saved and read
 * back: what fullClean() passes, the database stores.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { fields as f, model, ValidationError } from '../../src/index.ts';
import { BACKEND, withSeededDatabase } from '../support/database.ts';

class Sample extends model('vprop.Sample', {
  count: f.integer({ default: 0 }),
  big: f.bigInteger({ default: 0 }),
  day: f.date({ default: '2000-01-01' }),
}) {}

withSeededDatabase(async () => undefined);

type Name = 'count' | 'big' | 'day';

const EXACT = 2n ** 53n - 1n;
/** Django's ranges as this database's columns hold them; SQLite keeps 64 bits in any integer column. */
const RANGES: Record<'count' | 'big', readonly [bigint, bigint]> = {
  count: BACKEND === 'sqlite' ? [-EXACT, EXACT] : [-(2n ** 31n), 2n ** 31n - 1n],
  big: [-EXACT, EXACT],
};

const shown = (value: unknown) => `“${String(value)}”`;

/** Django's IntegerField: int() of a number or of digits with a sign and spaces, then the range validators. */
function integerReference(name: 'count' | 'big', value: unknown): string | undefined {
  let n: bigint;
  if (typeof value === 'number' && Number.isInteger(value)) n = BigInt(value);
  else if (typeof value === 'string' && /^\s*[-+]?\d+\s*$/.test(value)) n = BigInt(value.trim());
  // Django truncates a float (1.5 is 1); Trove refuses it, as a number that is not an integer is a mistake.
  else return `${shown(value)} value must be an integer.`;
  const [min, max] = RANGES[name];
  if (n < min) return `Ensure this value is greater than or equal to ${min}.`;
  if (n > max) return `Ensure this value is less than or equal to ${max}.`;
  return undefined;
}

function daysIn(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Django's DateField: `date_re` (YYYY-M-D, one or two digits), then a day that exists (years 1 to 9999). */
function dateReference(value: string): string | undefined {
  const match = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(value);
  if (match === null) return `${shown(value)} value has an invalid date format. It must be in YYYY-MM-DD format.`;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return `${shown(value)} value has the correct format (YYYY-MM-DD) but it is an invalid date.`;
  return undefined;
}

function reference(name: Name, value: unknown): string | undefined {
  if (value === '' || value === null) return 'This field cannot be blank.';
  return name === 'day' ? dateReference(value as string) : integerReference(name, value);
}

async function messagesOf(name: Name, value: unknown): Promise<string[]> {
  const sample = new Sample({});
  (sample as unknown as Record<string, unknown>)[name] = value;
  try {
    await sample.fullClean();
  } catch (error) {
    assert.ok(error instanceof ValidationError, String(error));
    return error.errors[name] ?? [];
  }
  return [];
}

const digits = (min: number, max: number) => fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: min, maxLength: max });
const bound = (b: bigint) => fc.bigInt({ min: b - 3n, max: b + 3n });
const integers = fc.oneof(
  fc.integer().map(Number),
  fc.double().filter(Number.isFinite),
  fc.bigInt({ min: -(2n ** 64n), max: 2n ** 64n }).map(Number),
  // Both sides of every limit, as text (exact) and as a number.
  fc.constantFrom(-(2n ** 31n), 2n ** 31n - 1n, -EXACT, EXACT).chain(bound).chain((n) => fc.constantFrom(String(n), Number(n))),
  fc.tuple(fc.constantFrom('', ' ', '+', '-', ' -'), digits(1, 25), fc.constantFrom('', ' ')).map((parts) => parts.join('')),
  fc.string({ maxLength: 6 }),
);
const dates = fc.oneof(
  fc.tuple(digits(4, 4), digits(1, 2), digits(1, 2)).map(([y, m, d]) => `${y}-${m}-${d}`),
  fc.tuple(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 })).map(([y, m, d]) => `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`),
  fc.constantFrom('2024-02-29', '2023-02-29', '1900-02-29', '2000-02-29', '0000-01-01', '9999-12-31', ' 2024-01-01', '2024-01-01T00:00', '2024/01/01'),
  fc.string({ maxLength: 12 }),
);

test(`fullClean() accepts and refuses integers and dates as Django does on ${BACKEND}, with its messages`, async () => {
  await fc.assert(fc.asyncProperty(fc.oneof(
    fc.tuple(fc.constantFrom<Name>('count', 'big'), integers),
    fc.tuple(fc.constant<Name>('day'), dates),
  ), async ([name, value]) => {
    const expected = reference(name, value);
    assert.deepEqual(await messagesOf(name, value), expected === undefined ? [] : [expected], `${name} = ${JSON.stringify(value)}`);
  }), { numRuns: 600 });
});

test('the examples of the issue: 2147483648 in an integer column, February 30th', async () => {
  if (BACKEND !== 'sqlite') assert.deepEqual(await messagesOf('count', 2 ** 31), ['Ensure this value is less than or equal to 2147483647.']);
  assert.deepEqual(await messagesOf('day', '2024-02-30'), ['“2024-02-30” value has the correct format (YYYY-MM-DD) but it is an invalid date.']);
  assert.deepEqual(await messagesOf('big', '9007199254740992'), ['Ensure this value is less than or equal to 9007199254740991.']);
});

test('the limits fullClean() passes are stored and read back as they were', async () => {
  const [countMin, countMax] = RANGES.count.map(Number) as [number, number];
  for (const [count, big, day] of [[countMin, -Number(EXACT), '0001-01-01'], [countMax, Number(EXACT), '9999-12-31'], [0, 0, '2024-2-29']] as const) {
    const sample = new Sample({ count, big, day });
    await sample.fullClean();
    await sample.save();
    const stored = await Sample.objects.get({ id: sample.id });
    assert.deepEqual([stored.count, stored.big, stored.day], [count, big, day === '2024-2-29' ? '2024-02-29' : day]);
  }
});
