/**
 * Every statement of a transaction runs on the transaction's connection: switches that hold per
 * connection (MySQL's foreign_key_checks) reach it, and nothing waits for a connection the
 * transaction itself holds (SQLite has one).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { atomic, connect, getDatabase, model, fields as f, CASCADE, restoreDeletion, Deletion } from '../../src/index.ts';
import { loadObjects } from '../../src/cli/fixtures.ts';
import { withSeededDatabase } from '../support/database.ts';

class Shelf extends model('cn.Shelf', { name: f.char({ maxLength: 20 }) }) {}
class Jar extends model('cn.Jar', {
  shelf: f.foreignKey(() => Shelf, { onDelete: CASCADE }),
  label: f.char({ maxLength: 20 }),
}, { softDelete: true }) {}

withSeededDatabase(async () => undefined);

test('loaddata takes forward references inside its transaction', async () => {
  const result = await loadObjects([
    { model: 'cn.jar', pk: 1, fields: { shelf: 7, label: 'jam' } },
    { model: 'cn.shelf', pk: 7, fields: { name: 'top' } },
  ]);
  assert.equal(result.total, 2);
  assert.equal((await Jar.objects.get({ id: 1 })).shelfId, 7);
});

test('flush() inside atomic() is part of the transaction', async () => {
  await Shelf.objects.create({ name: 'kept' });
  await assert.rejects(atomic(async () => {
    await getDatabase().flush();
    assert.equal(await Shelf.objects.count(), 0);
    throw new Error('undo');
  }), /undo/);
  assert.equal(await Shelf.objects.count(), 1);
});

test('an instance saves, deletes and restores on the database it came from', async () => {
  // A second database beside the one under test (the default).
  const other = await connect('sqlite::memory:', { setDefault: false });
  try {
    await other.createTables([Shelf.meta.tableSpec(), Jar.meta.tableSpec(), Deletion.meta.tableSpec()]);
    const shelf = await Shelf.objects.using(other).create({ name: 'elsewhere' });
    const jar = await Jar.objects.using(other).create({ shelf, label: 'pickles' });
    const loaded = await Jar.objects.using(other).get({ id: jar.id });
    loaded.label = 'renamed';
    await loaded.save();
    assert.equal((await Jar.objects.using(other).get({ id: jar.id })).label, 'renamed');
    assert.equal(await Jar.objects.count(), 0, 'nothing reached the default database');
    const { deletionId } = await loaded.delete();
    assert.equal(await Jar.objects.using(other).count(), 0);
    assert.equal(await Deletion.objects.using(other).filter({ id: deletionId! }).count(), 1);
    await restoreDeletion(deletionId!, other);
    assert.equal(await Jar.objects.using(other).count(), 1);
    const again = await Jar.objects.using(other).get({ id: jar.id });
    await again.delete();
    await again.restore();
    assert.equal(await Jar.objects.using(other).count(), 1);
    await (await Shelf.objects.using(other).get({ id: shelf.id })).delete();
    assert.equal(await Shelf.objects.using(other).count(), 0);
  } finally {
    await other.close();
  }
});
