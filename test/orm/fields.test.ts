import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { model, fields as f, CASCADE, ValidationError, IntegrityError, type Database } from '../../src/index.ts';
import { setupDatabase } from '../support/database.ts';

class Everything extends model('tf.Everything', {
  char: f.char({ maxLength: 10 }),
  text: f.text({ default: '' }),
  email: f.email({ null: true }),
  slug: f.slug({ default: 'a-slug' }),
  integer: f.integer({ default: 0 }),
  big: f.bigInteger({ default: 0 }),
  float: f.float({ default: 0 }),
  money: f.decimal({ maxDigits: 6, decimalPlaces: 2, default: '0.00' }),
  flag: f.boolean({ default: false }),
  day: f.date({ null: true }),
  moment: f.dateTime({ null: true }),
  data: f.json<{ a?: number; list?: string[]; nested?: { ok: boolean } } | string | null>({ null: true }),
  token: f.uuid({ default: () => randomUUID() }),
  stamped: f.dateTime({ autoNowAdd: true }),
  touched: f.dateTime({ autoNow: true }),
  code: f.char({ maxLength: 5, unique: true, null: true }),
}) {}

class Keyed extends model('tf.Keyed', {
  key: f.uuid({ primaryKey: true, default: () => randomUUID() }),
  label: f.char({ maxLength: 20 }),
}) {}

class KeyedChild extends model('tf.KeyedChild', {
  parent: f.foreignKey(() => Keyed, { onDelete: CASCADE }),
}) {}

let db: Database;
before(async () => {
  db = await setupDatabase();
});
beforeEach(() => db.flush());
after(() => db.close());

describe('values survive a round trip through the database', () => {
  test('every field type', async () => {
    const moment = new Date('2023-01-02T03:04:05.678Z');
    const made = await Everything.objects.create({
      char: 'héllo', text: 'long text ✓', email: 'x@example.com', slug: 'my-slug_1', integer: -42, big: 2 ** 50,
      float: 1.25, money: 1234.5, flag: true, day: '2024-02-29', moment, data: { a: 1, list: ['x'], nested: { ok: true } }, code: 'AB',
    });
    const row = await Everything.objects.get({ id: made.id });
    assert.equal(row.char, 'héllo');
    assert.equal(row.text, 'long text ✓');
    assert.equal(row.email, 'x@example.com');
    assert.equal(row.slug, 'my-slug_1');
    assert.equal(row.integer, -42);
    assert.equal(row.big, 2 ** 50);
    assert.equal(row.float, 1.25);
    assert.equal(row.money, '1234.50');
    assert.equal(made.money, '1234.50');
    assert.equal(row.flag, true);
    assert.equal(row.day, '2024-02-29');
    assert.ok(row.moment instanceof Date);
    assert.equal(row.moment.toISOString(), moment.toISOString());
    assert.deepEqual(row.data, { a: 1, list: ['x'], nested: { ok: true } });
    assert.match(row.token, /^[0-9a-f-]{36}$/);
    assert.equal(row.token, made.token);
    assert.ok(row.stamped instanceof Date && Math.abs(row.stamped.getTime() - Date.now()) < 60_000);
  });

  test('defaults, nulls and a JSON string', async () => {
    const made = await Everything.objects.create({ char: 'a', data: 'just text' });
    const row = await Everything.objects.get({ id: made.id });
    assert.equal(row.text, '');
    assert.equal(row.integer, 0);
    assert.equal(row.flag, false);
    assert.equal(row.money, '0.00');
    assert.equal(row.email, null);
    assert.equal(row.day, null);
    assert.equal(row.moment, null);
    assert.equal(row.data, 'just text');
  });

  test('autoNow changes on every save, autoNowAdd only on insert', async () => {
    const made = await Everything.objects.create({ char: 'a' });
    const { stamped, touched } = made;
    await new Promise((r) => setTimeout(r, 5));
    made.char = 'b';
    await made.save();
    const row = await Everything.objects.get({ id: made.id });
    assert.equal(row.stamped.getTime(), stamped.getTime());
    assert.ok(row.touched.getTime() > touched.getTime());
  });

  test('a uuid primary key, and a foreign key to it', async () => {
    const parent = await Keyed.objects.create({ label: 'p' });
    assert.match(parent.key, /^[0-9a-f-]{36}$/);
    const child = await KeyedChild.objects.create({ parent });
    assert.equal(child.parentId, parent.key);
    assert.equal((await KeyedChild.objects.filter({ parent__label: 'p' }).count()), 1);
    assert.equal((await Keyed.objects.get({ pk: parent.key })).label, 'p');
  });
});

describe('bad values are refused with the field name, before SQL', () => {
  const cases: Array<[string, Record<string, unknown>, RegExp]> = [
    ['char too long', { char: 'x'.repeat(11) }, /tf\.Everything\.char' allows at most 10/],
    ['char not a string', { char: 5 }, /tf\.Everything\.char' expected a string/],
    ['bad email', { char: 'a', email: 'nope' }, /email' expected an email/],
    ['bad slug', { char: 'a', slug: 'a b' }, /slug' expected letters/],
    ['integer as float', { char: 'a', integer: 1.5 }, /integer' expected an integer/],
    ['float as string', { char: 'a', float: 'x' }, /float' expected a finite number/],
    ['decimal too wide', { char: 'a', money: '12345.67' }, /money' allows at most 6 digits/],
    ['boolean as number', { char: 'a', flag: 1 }, /flag' expected true or false/],
    ['bad date', { char: 'a', day: '2024-13-45' }, /day' expected a day that exists/],
    ['bad date shape', { char: 'a', day: '13/45/2024' }, /day' expected a 'YYYY-MM-DD'/],
    ['bad datetime', { char: 'a', moment: 'yesterday' }, /moment' expected a Date/],
    ['bad uuid', { char: 'a', token: 'xyz' }, /token' expected a UUID/],
    ['null in a non-null field', { char: null }, /char' cannot be null/],
    ['missing required field', {}, /char' cannot be null/],
  ];
  for (const [name, data, message] of cases) {
    test(name, async () => {
      await assert.rejects(Everything.objects.create(data as never), (e: unknown) => e instanceof ValidationError && message.test((e as Error).message));
      assert.equal(await Everything.objects.count(), 0);
    });
  }

  test('unique constraints raise IntegrityError on every database', async () => {
    await Everything.objects.create({ char: 'a', code: 'X' });
    await assert.rejects(Everything.objects.create({ char: 'b', code: 'X' }), IntegrityError);
    await Everything.objects.create({ char: 'c', code: null });
    await Everything.objects.create({ char: 'd', code: null });
    assert.equal(await Everything.objects.count(), 3);
  });
});
