import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { FieldError, ValidationError, model, fields as f } from '../../../src/index.ts';
import { captureQueries, withSeededDatabase } from '../../support/database.ts';

class Event extends model('dates.Event', {
  at: f.dateTime({ null: true }),
  on: f.date({ null: true }),
}) {}

withSeededDatabase(async () => undefined);

const DAY = 86_400_000;
// Around year ends, month ends and leap days, where an off-by-one shows.
const instants = fc.oneof(
  fc.integer({ min: Date.UTC(2023, 11, 25), max: Date.UTC(2025, 2, 5) }),
  fc.constantFrom(Date.UTC(2024, 0, 1), Date.UTC(2024, 0, 1) - 1, Date.UTC(2024, 1, 29, 23, 59, 59, 999), Date.UTC(2025, 0, 1)),
);
const rows = fc.array(fc.option(instants, { nil: null }), { minLength: 1, maxLength: 12 });

type Part = 'year' | 'month' | 'day' | 'date';
type Op = 'exact' | 'gt' | 'gte' | 'lt' | 'lte' | 'in' | 'range';

/** The reference: the part of each instant read in UTC with plain JavaScript. */
function partOf(ms: number, part: Part): number {
  const d = new Date(ms);
  return part === 'year' ? d.getUTCFullYear() : part === 'month' ? d.getUTCMonth() + 1 : part === 'day' ? d.getUTCDate() : Math.floor(ms / DAY) * DAY;
}
function holds(value: number, op: Op, arg: number | number[]): boolean {
  switch (op) {
    case 'exact': return value === arg;
    case 'gt': return value > (arg as number);
    case 'gte': return value >= (arg as number);
    case 'lt': return value < (arg as number);
    case 'lte': return value <= (arg as number);
    case 'in': return (arg as number[]).includes(value);
    case 'range': return value >= (arg as number[])[0]! && value <= (arg as number[])[1]!;
  }
}

const argsFor = (part: Part) => {
  const one = part === 'year' ? fc.integer({ min: 2022, max: 2026 }) : part === 'month' ? fc.integer({ min: 1, max: 12 }) : part === 'day' ? fc.integer({ min: 1, max: 31 }) : instants.map((ms) => Math.floor(ms / DAY) * DAY);
  return fc.oneof(
    fc.tuple(fc.constantFrom<Op>('exact', 'gt', 'gte', 'lt', 'lte'), one),
    fc.tuple(fc.constant<Op>('in'), fc.array(one, { maxLength: 3 })),
    fc.tuple(fc.constant<Op>('range'), fc.tuple(one, one)),
  );
};
const queries = fc.constantFrom<Part>('year', 'month', 'day', 'date').chain((part) => fc.tuple(fc.constant(part), argsFor(part), fc.boolean()));

test('year, month, day and date lookups agree with the same parts read in JavaScript', async () => {
  await fc.assert(
    fc.asyncProperty(rows, fc.array(queries, { minLength: 1, maxLength: 6 }), async (instantsOfRows, cases) => {
      await Event.objects.all().delete();
      const created = [];
      for (const ms of instantsOfRows) {
        created.push(await Event.objects.create({ at: ms === null ? null : new Date(ms), on: ms === null ? null : new Date(ms).toISOString().slice(0, 10) }));
      }
      for (const [part, [op, arg], negate] of cases) {
        const asValue = (n: number) => (part === 'date' ? new Date(n).toISOString().slice(0, 10) : n);
        const value = Array.isArray(arg) ? arg.map(asValue) : asValue(arg);
        const key = op === 'exact' ? `${part}` : `${part}__${op}`;
        const fieldsToTry = part === 'date' ? ['at'] : ['at', 'on'];
        for (const field of fieldsToTry) {
          const filter = { [`${field}__${key}`]: value } as never;
          const qs = negate ? Event.objects.exclude(filter) : Event.objects.filter(filter);
          const got = (await qs).map((e) => e.id).sort((a, b) => a - b);
          // Django's exclude keeps rows where the date is null; filter never matches them.
          const expected = created
            .filter((_, i) => {
              const ms = instantsOfRows[i]!;
              if (ms === null) return negate;
              return holds(partOf(ms, part), op, arg) !== negate;
            })
            .map((e) => e.id)
            .sort((a, b) => a - b);
          assert.deepEqual(got, expected, `${negate ? 'exclude' : 'filter'} ${field}__${key} ${JSON.stringify(value)}`);
        }
      }
    }),
    { numRuns: Number(process.env.FUZZ_RUNS ?? 60) },
  );
});

test('a year is a range on the column, so its index serves it', async () => {
  const [query] = await captureQueries(() => Event.objects.filter({ at__year: 2026 }).count());
  assert.doesNotMatch(query!.sql, /strftime|extract|year\(/i);
  assert.equal(query!.params.length, 2);
});

test('bad parts and values fail before any SQL', async () => {
  const sent = await captureQueries(async () => {
    assert.throws(() => Event.objects.filter({ at__month: 13 }), ValidationError);
    assert.throws(() => Event.objects.filter({ at__year: 'soon' } as never), ValidationError);
    assert.throws(() => Event.objects.filter({ at__date: '2026-02-30x' }), ValidationError);
    assert.throws(() => Event.objects.filter({ on__date: '2026-01-01' } as never), FieldError);
    assert.throws(() => Event.objects.filter({ at__year__icontains: '20' } as never), FieldError);
  });
  assert.equal(sent.length, 0);
  // Query strings give numbers as text.
  assert.equal(await Event.objects.filter({ at__year: '2026' as never }).count(), 0);
});
