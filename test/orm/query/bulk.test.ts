/** valuesList, distinct, inBulk and bulkUpdate, on every database. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { FieldError, QueryUsageError, model, fields as f } from '../../../src/index.ts';
import { captureQueries, withSeededDatabase } from '../../support/database.ts';

class Item extends model('bulk.Item', {
  name: f.char({ maxLength: 20 }),
  rank: f.integer(),
  price: f.decimal({ maxDigits: 8, decimalPlaces: 2, default: '0.00' }),
  seen: f.boolean({ default: false }),
  at: f.dateTime({ null: true }),
  code: f.char({ maxLength: 10, unique: true, null: true }),
}) {}

withSeededDatabase(async () => {
  for (const [name, rank, code] of [['apple', 2, 'A'], ['pear', 1, 'P'], ['plum', 2, null], ['fig', 3, 'F']] as const) {
    await Item.objects.create({ name, rank, code });
  }
});

test('valuesList gives lists, or single values with flat, typed by the fields', async () => {
  const pairs = await Item.objects.orderBy('id').valuesList('name', 'rank');
  const typedPairs: Array<[string, number]> = pairs;
  assert.deepEqual(typedPairs, [['apple', 2], ['pear', 1], ['plum', 2], ['fig', 3]]);
  const names: string[] = await Item.objects.filter({ rank: 2 }).orderBy('name').valuesList('name', { flat: true });
  assert.deepEqual(names, ['apple', 'plum']);
  // @ts-expect-error: no such field
  assert.throws(() => Item.objects.valuesList('nmae'), FieldError);
  assert.throws(() => (Item.objects.valuesList as (...a: unknown[]) => unknown)('name', 'rank', { flat: true }), QueryUsageError);
});

test('distinct leaves out repeated rows, and counts the distinct ones', async () => {
  const ranks = Item.objects.valuesList('rank', { flat: true }).distinct();
  assert.deepEqual(await ranks.orderBy('rank'), [1, 2, 3]);
  assert.equal(await ranks.count(), 3);
  assert.equal(await Item.objects.valuesList('rank', { flat: true }).count(), 4);
  assert.equal(await Item.objects.distinct().count(), 4, 'whole rows are all different');
  assert.equal(await Item.objects.filter({ rank: 9 }).valuesList('rank').distinct().exists(), false);
});

test('inBulk maps keys to instances, by the primary key or a unique field', async () => {
  const all = await Item.objects.inBulk();
  assert.equal(all.size, 4);
  const [apple, pear] = await Item.objects.orderBy('id').slice(0, 2);
  const some = await Item.objects.inBulk([apple!.id, pear!.id, 999]);
  assert.deepEqual([...some.keys()].sort(), [apple!.id, pear!.id].sort());
  assert.equal(some.get(apple!.id)!.name, 'apple');
  const byCode = await Item.objects.filter({ rank: 2 }).inBulk(['A', 'P', 'F'], { fieldName: 'code' });
  assert.deepEqual([...byCode.keys()], ['A'], 'the queryset still filters');
  assert.equal((await captureQueries(async () => assert.equal((await Item.objects.inBulk([])).size, 0))).length, 0, 'no keys, no query');
  await assert.rejects(Item.objects.inBulk([1], { fieldName: 'rank' }), /must be unique; bulk\.Item\.rank is not/);
});

const change = fc.record({
  rank: fc.integer({ min: -1000, max: 1000 }),
  price: fc.integer({ min: 0, max: 99_999 }).map((cents) => (cents / 100).toFixed(2)),
  seen: fc.boolean(),
  at: fc.option(fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2030, 0, 1) }).map((ms) => new Date(ms)), { nil: null }),
});

test('bulkUpdate writes the chosen fields of each instance, and nothing else, in batches', async () => {
  await fc.assert(fc.asyncProperty(fc.array(change, { minLength: 4, maxLength: 4 }), fc.integer({ min: 1, max: 5 }), async (changes, batchSize) => {
    const items = await Item.objects.orderBy('id');
    const before = items.map((i) => i.name);
    items.forEach((item, i) => {
      Object.assign(item, changes[i]);
      item.name = 'not saved';
    });
    const queries = await captureQueries(async () => {
      assert.equal(await Item.objects.bulkUpdate(items, ['rank', 'price', 'seen', 'at'], { batchSize }), 4);
    });
    assert.equal(queries.filter((q) => /^update/i.test(q.sql)).length, Math.ceil(4 / batchSize), 'one UPDATE per batch');
    const stored = await Item.objects.orderBy('id');
    assert.deepEqual(stored.map((s) => [s.name, s.rank, s.price, s.seen, s.at?.toISOString() ?? null]),
      changes.map((c, i) => [before[i], c.rank, c.price, c.seen, c.at?.toISOString() ?? null]));
  }), { numRuns: 25 });
});

test('bulkUpdate refuses what it cannot write, before any SQL', async () => {
  const [item] = await Item.objects.all().slice(0, 1);
  await assert.rejects(Item.objects.bulkUpdate([item!], []), QueryUsageError);
  // @ts-expect-error: no such field
  await assert.rejects(Item.objects.bulkUpdate([item!], ['nope']), FieldError);
  await assert.rejects(Item.objects.bulkUpdate([new Item({ name: 'x', rank: 1 })], ['rank']), /takes saved instances/);
  item!.rank = 'many' as never;
  await assert.rejects(Item.objects.bulkUpdate([item!], ['rank']), /bulk\.Item\.rank/);
});

test('raw() runs SQL of your own and gives instances, extra columns as properties', async () => {
  const rows = await Item.objects.raw("select id, name, rank, 'what?' as note, rank * 10 as score from bulk_item where rank = ? and name <> ? order by name", [2, 'x']);
  assert.deepEqual(rows.map((r) => [r.name, r.rank, (r as unknown as { note: string }).note, Number((r as unknown as { score: number }).score)]), [['apple', 2, 'what?', 20], ['plum', 2, 'what?', 20]]);
  assert.ok(rows[0] instanceof Item);
  assert.equal(rows[0]!.price, undefined, 'a column not selected is not made up');
  assert.throws(() => Item.objects.raw('select * from bulk_item where rank = ?', []), /1 '\?' placeholder but 0 parameters were given/);
  await assert.rejects(Item.objects.raw('select name from bulk_item').fetch(), /must select the primary key column 'id'/);
});

test('only() and defer() leave columns out; a left-out field is an error to read until loaded, and save() writes the rest', async () => {
  const queries = await captureQueries(async () => {
    const [light] = await Item.objects.filter({ name: 'apple' }).only('name');
    assert.equal(light!.name, 'apple');
    assert.throws(() => light!.rank, /Item\.rank was not loaded \(only\(\) or defer\(\)\): load it with await instance\.refreshFromDb\(\{ fields: \['rank'\] \}\)/);
    assert.deepEqual(Object.keys(light!.toJSON()).sort(), ['id', 'name']);
    light!.name = 'apricot';
    await light!.save();
    await light!.refreshFromDb({ fields: ['rank'] });
    assert.equal(light!.rank, 2);
  });
  assert.doesNotMatch(queries[0]!.sql, /rank|price|seen|code/, 'only the chosen columns are read');
  assert.match(queries[1]!.sql, /^update/i);
  assert.doesNotMatch(queries[1]!.sql, /rank|price|seen|code/, 'save() writes the loaded fields only');
  const [stored] = await Item.objects.filter({ name: 'apricot' });
  assert.deepEqual([stored!.rank, stored!.price, stored!.code], [2, '0.00', 'A'], 'the fields not loaded are as they were');
  const [heavy] = await Item.objects.defer('price', 'code').filter({ name: 'pear' });
  assert.equal(heavy!.rank, 1);
  assert.throws(() => heavy!.price, /not loaded/);
  heavy!.price = '9.99';
  assert.equal(heavy!.price, '9.99', 'setting a deferred field makes it a value');
  assert.throws(() => Item.objects.only('nope' as never), FieldError);
  assert.throws(() => Item.objects.defer('id'), QueryUsageError);
});

test('union() combines querysets of one model; ordered, sliced and counted as one', async () => {
  const low = Item.objects.filter({ rank__lte: 1 });
  const named = Item.objects.filter({ name__startswith: 'p' });
  const both = low.union(named);
  assert.deepEqual((await both.orderBy('name')).map((i) => i.name), ['pear', 'plum']);
  assert.equal(await both.count(), 2, 'pear is in both, once');
  assert.equal(await low.union(named, { all: true }).count(), 3);
  assert.deepEqual(await Item.objects.filter({ rank: 3 }).valuesList('name', { flat: true }).union(Item.objects.filter({ rank: 1 }).valuesList('name', { flat: true })).orderBy('-name'), ['pear', 'fig']);
  assert.deepEqual((await Item.objects.filter({ rank: 2 }).union(low).orderBy('-rank', 'name').slice(1, 3)).map((i) => i.name), ['plum', 'pear']);
  assert.throws(() => both.filter({ rank: 1 }), /Cannot filter a union/);
  assert.throws(() => low.union(Item.objects.all().slice(0, 1)), /not sliced/);
});
