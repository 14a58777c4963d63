/**
 * `__in` with a long list (the 12,000 rows an admin user ticked) works on every database: SQLite
 * caps a statement at 32,766 values and PostgreSQL at 65,535, and a delete's statements repeat
 * the list once per model they reach. Past LONG_LIST values the list goes as one parameter there
 * (a JSON array, an array); the answers are the same as a short list's.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CASCADE, fields as f, model } from '../../../src/index.ts';
import { LONG_LIST } from '../../../src/orm/query/conditions.ts';
import { BACKEND, captureQueries, withSeededDatabase } from '../../support/database.ts';

class Crate extends model('lists.Crate', { code: f.char({ maxLength: 20 }) }, { softDelete: true }) {}
class Bottle extends model('lists.Bottle', { crate: f.foreignKey(() => Crate, { onDelete: CASCADE }), note: f.char({ maxLength: 20, default: '' }) }, { softDelete: true }) {}
class Label extends model('lists.Label', { code: f.char({ maxLength: 40, primaryKey: true }), text: f.char({ maxLength: 20, default: '' }) }) {}

const ROWS = 40_000;

withSeededDatabase(async () => {
  await Crate.objects.bulkCreate(Array.from({ length: ROWS }, (_, i) => ({ code: `c${i}` })), { batchSize: 2000 });
  const crates = (await Crate.objects.orderBy('id').values('id')) as { id: number }[];
  await Bottle.objects.bulkCreate(crates.slice(0, 2000).map(({ id }) => ({ crateId: id })), { batchSize: 1000 });
  return crates.map((c) => c.id);
});

test('a list of 40,000 keys filters, counts and reads as a short one does', async () => {
  const ids = ((await Crate.objects.values('id')) as { id: number }[]).map((r) => r.id);
  assert.equal(ids.length, ROWS);
  const evens = ids.filter((id) => id % 2 === 0);
  assert.ok(evens.length > LONG_LIST);
  assert.equal(await Crate.objects.filter({ id__in: evens }).count(), evens.length);
  assert.equal(await Crate.objects.exclude({ id__in: evens }).count(), ROWS - evens.length);
  // Keys that name no row, and a value of the wrong type in a long list, as with a short one.
  assert.equal(await Crate.objects.filter({ id__in: [...evens.slice(0, 5000), 10_000_000] }).count(), 5000);
  assert.throws(() => Crate.objects.filter({ id__in: [...evens.slice(0, 5000), 'x'] } as never), /expected an integer/);
});

test('a soft delete and a hard delete of 40,000 ticked keys, one operation each, every model the cascade reaches', async () => {
  const ids = ((await Crate.objects.values('id')) as { id: number }[]).map((r) => r.id);
  const plan = await Crate.objects.filter({ id__in: ids }).planDelete();
  assert.deepEqual(plan.byModel, { 'lists.Crate': ROWS, 'lists.Bottle': 2000 });
  const soft = await Crate.objects.filter({ id__in: ids }).delete();
  assert.deepEqual(soft.byModel, { 'lists.Crate': ROWS, 'lists.Bottle': 2000 });
  assert.equal(await Crate.objects.count(), 0);
  assert.equal(await Crate.deletedObjects.filter({ deletionId: soft.deletionId }).count(), ROWS);
  const hard = await Crate.allObjects.filter({ id__in: ids }).hardDelete();
  assert.equal(hard.byModel['lists.Crate'], ROWS);
  assert.equal(await Crate.allObjects.count(), 0);
});

test('text keys with quotes, commas, braces and backslashes in a long list', async () => {
  const codes = Array.from({ length: 3000 }, (_, i) => `k${i}${['"', ',', '{', '}', '\\', "'", ' ', 'é', ''][i % 9]}`);
  await Label.objects.bulkCreate(codes.map((code) => ({ code })), { batchSize: 500 });
  const chosen = codes.filter((_, i) => i % 3 !== 0);
  assert.equal(await Label.objects.filter({ code__in: chosen }).count(), chosen.length);
  const found = ((await Label.objects.filter({ code__in: chosen }).values('code')) as { code: string }[]).map((r) => r.code).sort();
  assert.deepEqual(found, [...chosen].sort());
  assert.equal(await Label.objects.filter({ code__in: chosen }).update({ text: 'x' }), chosen.length);
  assert.equal(await Label.objects.filter({ text: 'x' }).count(), chosen.length);
});

test(`the one-parameter form where the database caps parameters (${BACKEND})`, async () => {
  const ids = ((await Crate.objects.values('id').slice(0, LONG_LIST + 1)) as { id: number }[]).map((r) => r.id);
  const [one] = await captureQueries(() => Crate.objects.filter({ id__in: ids.slice(0, 1) }).count());
  const [query] = await captureQueries(() => Crate.objects.filter({ id__in: ids }).count());
  if (BACKEND === 'mariadb') assert.equal(query!.params.length, one!.params.length * (LONG_LIST + 1), 'mysql2 writes the values into the SQL: no cap');
  else assert.equal(query!.params.length, one!.params.length, 'the list as one parameter');
  const [short] = await captureQueries(() => Crate.objects.filter({ id__in: ids.slice(0, LONG_LIST) }).count());
  assert.equal(short!.params.length, one!.params.length * LONG_LIST, 'short lists as before: a parameter a value, wherever the list appears');
});
