// @backends: sqlite-only
/**
 * Properties of reading posted text as Django 5.2's form fields read it, against the reference
 * model in django-reference.ts (inputs whose reading is known by construction):
 * - text is stripped of Python's blanks, and blanks alone in a required field are "This field
 *   is required.";
 * - a many-to-many without `blank: true` left empty is "This field is required.";
 * - a whole number may have blanks, a sign, leading zeros, `_` between digits, any script's
 *   digits and a trailing `.0`; spoilt otherwise, it is "Enter a whole number.";
 * - a date in any of Django's DATE_INPUT_FORMATS, a date and time in ISO 8601 or any of its
 *   DATETIME_INPUT_FORMATS (or a date alone), with unpadded parts and blanks around.
 * The admin's forms bind through the same code (cleanOnto): see test/admin/changeform.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { fields as f, model } from '../../../src/index.ts';
import { modelForm } from '../../../src/web/index.ts';
import { withSeededDatabase } from '../../support/database.ts';
import { dateInput, dateTimeInput, impossibleDateInput, notWholeNumberInput, stripped, textInput, wholeNumberInput } from './django-reference.ts';

class Sticker extends model('djin.Sticker', { name: f.char({ maxLength: 20 }) }) {}
class Crate extends model('djin.Crate', {
  title: f.char({ maxLength: 40 }),
  note: f.text({ blank: true, default: '' }),
  count: f.integer({ null: true, blank: true }),
  day: f.date({ null: true, blank: true }),
  at: f.dateTime({ null: true, blank: true }),
  stickers: f.manyToMany(() => Sticker, { relatedName: 'crates' }),
  spares: f.manyToMany(() => Sticker, { relatedName: 'spareIn', blank: true }),
}) {}

const CrateForm = modelForm(Crate, { fields: ['title', 'note', 'count', 'day', 'at', 'stickers', 'spares'] });
const REQUIRED = 'This field is required.';

const seeded = withSeededDatabase(async () => (await Sticker.objects.bulkCreate([{ name: 'a' }, { name: 'b' }, { name: 'c' }])).map((s) => String(s.id)));

/** Posts `fields` (and what a valid crate needs besides) and returns the form's errors and cleaned values. */
async function post(fields: Record<string, string | string[]>): Promise<{ errors: Record<string, string[]>; cleaned: Record<string, unknown> }> {
  const data = new URLSearchParams({ title: 'ok' });
  if (!('stickers' in fields)) data.append('stickers', seeded()[0]!);
  for (const [name, value] of Object.entries(fields)) {
    data.delete(name);
    for (const v of typeof value === 'string' ? [value] : value) data.append(name, v);
  }
  const form = new CrateForm({ data });
  await form.isValid();
  return { errors: form.errors, cleaned: form.cleanedData as Record<string, unknown> };
}

test('text is stripped of Python\'s blanks; blanks alone in a required field are "This field is required."', async () => {
  await fc.assert(fc.asyncProperty(textInput, textInput, async (title, note) => {
    const { errors, cleaned } = await post({ title, note });
    const expected: Record<string, string[]> = stripped(title) === '' ? { title: [REQUIRED] } : {};
    assert.deepEqual(errors, expected);
    if (stripped(title) !== '') assert.equal(cleaned.title, stripped(title));
    assert.equal(cleaned.note, stripped(note));
  }), { numRuns: 150, examples: [['   ', ' x '], ['\x1c\x85', '\ufeff'], ['\u200b', '']] });
});

test('a many-to-many without blank: true is required; with it, it may be left empty', async () => {
  await fc.assert(fc.asyncProperty(fc.subarray([0, 1, 2]), fc.subarray([0, 1, 2]), async (chosen, spare) => {
    const keys = seeded();
    const { errors, cleaned } = await post({ stickers: chosen.map((i) => keys[i]!), spares: spare.map((i) => keys[i]!) });
    assert.deepEqual(errors, chosen.length === 0 ? { stickers: [REQUIRED] } : {});
    if (chosen.length > 0) assert.deepEqual((cleaned.spares as { id: number }[]).map((s) => String(s.id)), spare.map((i) => keys[i]));
  }), { numRuns: 40, examples: [[[], []], [[1], []]] });
});

test('a whole number is read as Django\'s IntegerField reads it (blanks, sign, zeros, _, any digits, a trailing .0); spoilt, "Enter a whole number."', async () => {
  await fc.assert(fc.asyncProperty(wholeNumberInput, notWholeNumberInput, async ([text, n], spoilt) => {
    const good = await post({ count: text });
    assert.deepEqual(good.errors, {}, JSON.stringify(text));
    assert.equal(good.cleaned.count, n);
    const bad = await post({ count: spoilt });
    assert.deepEqual(bad.errors, { count: ['Enter a whole number.'] }, JSON.stringify(spoilt));
  }), { numRuns: 200, examples: [[['1.0', 1], '1.5'], [['1.', 1], '1e3'], [[' 7 ', 7], '1,000'], [['1_000', 1000], '\x1c1'], [['\u0664\u0662', 42], '.0'], [['-0', 0], '1__0']] });
});

test('a date in any of Django\'s input formats is read as that day; a day that does not exist is "Enter a valid date."', async () => {
  await fc.assert(fc.asyncProperty(dateInput, impossibleDateInput, async ([text, day], impossible) => {
    const good = await post({ day: text });
    assert.deepEqual(good.errors, {}, JSON.stringify(text));
    assert.equal(good.cleaned.day, day, JSON.stringify(text));
    const bad = await post({ day: impossible });
    assert.deepEqual(bad.errors, { day: ['Enter a valid date.'] }, JSON.stringify(impossible));
  }), { numRuns: 200, examples: [[['2024-2-3', '2024-02-03'], '2024-2-30'], [['Feb 3 2024', '2024-02-03'], '2/30/2024'], [[' 3 february, 2024 ', '2024-02-03'], 'Apr 31 2024']] });
});

test('a date and time in ISO 8601 or any of Django\'s input formats is read as that moment (a wall time as UTC)', async () => {
  await fc.assert(fc.asyncProperty(dateTimeInput, async ([text, millis]) => {
    const { errors, cleaned } = await post({ at: text });
    assert.deepEqual(errors, {}, JSON.stringify(text));
    assert.equal((cleaned.at as Date).getTime(), millis, JSON.stringify(text));
  }), { numRuns: 300, examples: [[['2024-2-3 4:5', Date.UTC(2024, 1, 3, 4, 5)]], [['2024-2-3', Date.UTC(2024, 1, 3)]], [['2024-02-03T10:00+01', Date.UTC(2024, 1, 3, 9)]], [['2/3/24 1:2', Date.UTC(2024, 1, 3, 1, 2)]]] });
});
