/**
 * Soft delete turned off while rows are in the trash: refused before anything changes, forwards
 * and when a migration that turned it on is undone; once the trash is empty, it goes through.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { connect, fields as f, model, type Database } from '../../src/index.ts';
import { BACKEND, TEST_DATABASE_URL } from '../support/database.ts';
import { MigrationScenario } from '../support/migrations.ts';

let db: Database;
before(async () => {
  db = await connect(TEST_DATABASE_URL);
});
after(() => db.close());

test('rows in the trash keep soft delete on until they are restored or purged', async () => {
  const scenario = new MigrationScenario(db, 'sdo');
  const define = (softDelete: boolean) => scenario.define((registry) => void model('sdo.Note', { text: f.char({ maxLength: 20 }) }, { softDelete }, registry));
  try {
    define(false);
    await scenario.makemigrations();
    await scenario.migrate();
    define(true);
    await scenario.makemigrations();
    await scenario.migrate();
    // A row in the trash, as a soft delete leaves it (the deletion record does not matter here).
    await db.kysely.insertInto('sdo_note').values([{ id: 1, text: 'kept' }, { id: 2, text: 'trashed', deleted_at: BACKEND === 'sqlite' ? new Date().toISOString() : new Date() }]).execute();

    await assert.rejects(scenario.migrate('0001'), /1 row is of sdo\.Note in the trash: turning soft delete off would bring it back\. Restore or purge it first/);
    assert.deepEqual((await scenario.columns('sdo_note')).filter((c) => c.startsWith('deleted')), ['deleted_at'], 'nothing changed');
    define(false);
    await scenario.makemigrations();
    await assert.rejects(scenario.migrate(), /in the trash/);
    assert.deepEqual((await scenario.rows('sdo_note')).map((r) => r.text), ['kept', 'trashed']);

    await db.kysely.deleteFrom('sdo_note').where('id', '=', 2).execute();
    await scenario.migrate();
    assert.deepEqual((await scenario.rows('sdo_note')).map((r) => r.text), ['kept']);
    await scenario.migrate('zero');
  } finally {
    await scenario.cleanup();
  }
});
