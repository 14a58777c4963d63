/**
 * Properties of binding posted text to fields, against a simple reference:
 * - the text a form shows for a value, posted back, gives the same value (every field kind;
 *   text without the blanks at its ends, which Django's CharField strips);
 * - any text at all in one field gives that field an error or a value the database stores and
 *   gives back as cleaned: never an exception, never a 500 when saved.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CASCADE, SET_NULL, fields as f, model } from '../../../src/index.ts';
import { formValue, modelForm } from '../../../src/web/index.ts';
import { withSeededDatabase } from '../../support/database.ts';
import { stripped } from './django-reference.ts';

class Shelf extends model('props.Shelf', { name: f.char({ maxLength: 20 }) }) {}
class Label extends model('props.Label', { text: f.char({ maxLength: 20 }) }) {}
class Specimen extends model('props.Specimen', {
  name: f.char({ maxLength: 30 }),
  body: f.text({ blank: true, default: '' }),
  count: f.integer({ null: true, blank: true }),
  ratio: f.float({ null: true, blank: true }),
  price: f.decimal({ maxDigits: 8, decimalPlaces: 2, null: true, blank: true }),
  day: f.date({ null: true, blank: true }),
  at: f.dateTime({ null: true, blank: true }),
  flag: f.boolean({ default: false }),
  email: f.email({ blank: true, default: '' }),
  size: f.char({ maxLength: 1, choices: [['S', 'Small'], ['M', 'Medium'], ['L', 'Large']], default: 'M' }),
  data: f.json({ null: true, blank: true }),
  shelf: f.foreignKey(() => Shelf, { onDelete: SET_NULL, null: true, blank: true }),
  labels: f.manyToMany(() => Label, { blank: true }),
}) {}
void CASCADE;

const NAMES = ['name', 'body', 'count', 'ratio', 'price', 'day', 'at', 'flag', 'email', 'size', 'data', 'shelf', 'labels'] as const;
const SpecimenForm = modelForm(Specimen, { fields: NAMES });

const seeded = withSeededDatabase(async () => {
  const shelves = await Shelf.objects.bulkCreate([{ name: 'A' }, { name: 'B' }]);
  const labels = await Label.objects.bulkCreate([{ text: 'x' }, { text: 'y' }, { text: 'z' }]);
  return { shelves: shelves.map((s) => s.id), labels: labels.map((l) => l.id) };
});

const noNul = (s: string) => !s.includes('\u0000');
const second = fc.date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }).map((d) => new Date(Math.floor(d.getTime() / 1000) * 1000));

/** A valid value of every field, as a program would hold it. */
const values = () => fc.record({
  name: fc.string({ minLength: 1, maxLength: 30, unit: 'grapheme-composite' }).filter((s) => noNul(s) && s.length <= 30 && stripped(s) !== ''),
  body: fc.string({ maxLength: 200 }).filter(noNul),
  count: fc.option(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), { nil: null }),
  ratio: fc.option(fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => (Object.is(n, -0) ? 0 : n)), { nil: null }),
  price: fc.option(fc.integer({ min: -99_999_999, max: 99_999_999 }).map((cents) => `${cents < 0 ? '-' : ''}${Math.floor(Math.abs(cents) / 100)}.${String(Math.abs(cents) % 100).padStart(2, '0')}`), { nil: null }),
  day: fc.option(second.map((d) => d.toISOString().slice(0, 10)), { nil: null }),
  at: fc.option(second, { nil: null }),
  flag: fc.boolean(),
  email: fc.oneof(fc.constant(''), fc.emailAddress().filter((e) => e.length <= 254)),
  size: fc.constantFrom('S', 'M', 'L'),
  data: fc.option(fc.json().map((text) => JSON.parse(text) as unknown), { nil: null }),
  shelf: fc.option(fc.constantFrom(0, 1), { nil: null }),
  labels: fc.subarray([0, 1, 2]),
});

type Values = ReturnType<typeof values> extends fc.Arbitrary<infer V> ? V : never;

/** What a browser posts for the values: the text each input shows, a checkbox only when ticked. */
function posted(v: Values): [string, string][] {
  const { shelves, labels } = seeded();
  const pairs: [string, string][] = [];
  for (const name of NAMES) {
    const field = Specimen.meta.field(name)!;
    if (name === 'flag') v.flag && pairs.push(['flag', 'on']);
    else if (name === 'shelf') pairs.push(['shelf', v.shelf === null ? '' : String(shelves[v.shelf])]);
    else if (name === 'labels') for (const i of v.labels) pairs.push(['labels', String(labels[i])]);
    else pairs.push([name, formValue(field, v[name])]);
  }
  return pairs;
}

test('posting back the text a form shows for a value gives the value, for every kind of field', async () => {
  await fc.assert(fc.asyncProperty(values(), async (v) => {
    const form = new SpecimenForm({ data: new URLSearchParams(posted(v)) });
    assert.equal(await form.isValid(), true, JSON.stringify(form.errors));
    const { shelves, labels } = seeded();
    const cleaned = form.cleanedData;
    assert.deepEqual({ ...cleaned, at: cleaned.at?.getTime() ?? null, shelf: cleaned.shelf?.id ?? null, labels: cleaned.labels.map((l) => l.id) }, {
      ...v, name: stripped(v.name), body: stripped(v.body), at: v.at?.getTime() ?? null, shelf: v.shelf === null ? null : shelves[v.shelf], labels: v.labels.map((i) => labels[i]),
    });
  }), { numRuns: 150 });
});

/** Text of every kind: anything, numbers and dates near their edges, NULs, spaces. */
const anyText = fc.oneof(
  fc.string({ maxLength: 40, unit: 'binary' }),
  fc.constantFrom('', ' ', '\u0000', '0', '-0', '1e999', 'NaN', 'Infinity', '9'.repeat(40), '2147483648', '-2147483649', '1.005', '0000-01-01', '2024-02-30', '2023-02-29', '2024-02-29T24:00:00', '2024-02-30T10:00', '9999-12-31T23:59:59-01:00', '0001-01-01T00:00:00+01:00', '10000-01-01', '[1', '{}', 'null', 'S', 's', '1,2', 'a@b', '999999'),
  fc.integer().map(String),
  fc.double().map(String),
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
);

for (const name of NAMES) {
  test(`any text in ${name}: an error on ${name}, or a value that is saved and read back as cleaned`, async () => {
    await fc.assert(fc.asyncProperty(anyText, fc.boolean(), async (text, twice) => {
      const data = new URLSearchParams(posted({ name: 'ok', body: '', count: null, ratio: null, price: null, day: null, at: null, flag: false, email: '', size: 'M', data: null, shelf: null, labels: [] }).filter(([n]) => n !== name));
      data.append(name, text);
      if (twice) data.append(name, text);
      const form = new SpecimenForm({ data });
      if (!(await form.isValid())) {
        assert.deepEqual(Object.keys(form.errors), [name], JSON.stringify(form.errors));
        return;
      }
      const saved = await form.save();
      try {
        const stored = await Specimen.objects.get({ id: saved.id });
        const cleaned = (form.cleanedData as Record<string, unknown>)[name];
        const back = name === 'labels' ? (await stored.labels.all()).map((l) => l.id).sort() : name === 'shelf' ? stored.shelfId : (stored as unknown as Record<string, unknown>)[name];
        const expected = name === 'labels' ? (cleaned as { id: number }[]).map((l) => l.id).sort() : name === 'shelf' ? (cleaned as { id: number } | null)?.id ?? null : cleaned;
        // A float goes through the database's own double; the others come back exactly.
        if (name === 'ratio' && typeof back === 'number') assert.ok(Math.abs(back - (expected as number)) <= Math.abs(expected as number) * 1e-6, `${back} ${String(expected)}`);
        // JSON keeps no -0 on MariaDB: compared as JSON text.
        else if (name === 'data') assert.equal(JSON.stringify(back), JSON.stringify(expected));
        else assert.deepEqual(back instanceof Date ? back.getTime() : back, expected instanceof Date ? expected.getTime() : expected);
      } finally {
        await Specimen.objects.filter({ id: saved.id }).delete();
      }
    }), {
      numRuns: 60,
      // Found by this property on PostgreSQL: blanks alone in a key's input were sent as '' for a bigint (a 500).
      examples: [[' ', false], ['\t', true]],
    });
  });
}
