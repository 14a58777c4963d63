/**
 * An operation of several statements that fails after the first ones ran. PostgreSQL and
 * SQLite must leave nothing changed; MariaDB must say where it stopped and go on from there once
 * the cause is fixed.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CASCADE, connect, fields as f, model, type Database } from '../../src/index.ts';
import { MigrationRecorder } from '../../src/migrations/index.ts';
import { BACKEND, TEST_DATABASE_URL } from '../support/database.ts';
import { MigrationScenario } from '../support/migrations.ts';
import { shapesOf } from '../support/schema.ts';

let db: Database;
before(async () => { db = await connect(TEST_DATABASE_URL); });
after(() => db.close());

test('a unique field added to rows that all get the same fill: fails; fix the rows, migrate again', async () => {
  const run = new MigrationScenario(db, 'rsa');
  try {
    run.define((r) => void model('rsa.Item', { name: f.char({ maxLength: 20 }) }, {}, r));
    await run.makemigrations();
    await run.migrate();
    await db.kysely.insertInto('rsa_item').values([{ id: 1, name: 'a' }, { id: 2, name: 'b' }]).execute();
    const before = await shapesOf(db, ['rsa_item']);
    run.define((r) => void model('rsa.Item', { name: f.char({ maxLength: 20 }), code: f.char({ maxLength: 5, unique: true }) }, {}, r));
    await run.makeAll({ questioner: { askRename: async () => false, askFill: async () => 'x' } });
    const error = await run.migrate().then(() => undefined, (e: Error) => e);
    assert.ok(error, 'the duplicate fill is refused');
    const after = await shapesOf(db, ['rsa_item']);
    const applied = (await new MigrationRecorder(db).applied()).get('rsa.0002_item_code');
    assert.equal(applied, undefined, 'nothing of 0002 is recorded as done');
    if (JSON.stringify(after) !== JSON.stringify(before)) {
      // MariaDB: the column is there with 'x' in every row. The user fixes the rows and runs migrate again.
      await db.kysely.updateTable('rsa_item').set({ code: 'b' } as never).where('id', '=', 2).execute();
      const again = await run.migrate().then(() => undefined, (e: Error) => e);
      assert.equal(again?.message, undefined, 'migrate goes on from where it stopped');
      assert.ok((await shapesOf(db, ['rsa_item'])).rsa_item!.indexes.includes('unique (code)'), 'the unique index is there in the end');
    } else {
      assert.notEqual(BACKEND, 'mariadb', 'MariaDB commits each statement: the column stays');
    }
  } finally {
    await run.cleanup();
  }
});

test('a char key made an integer while a code does not convert: fails; nothing half done (or resumable)', async () => {
  const run = new MigrationScenario(db, 'rsb');
  try {
    const v = (pk: any) => (r: any) => {
      model('rsb.Pony', { code: pk, name: f.char({ maxLength: 20 }) }, {}, r);
      model('rsb.Rider', { pony: f.foreignKey('rsb.Pony', { onDelete: CASCADE }) }, {}, r);
    };
    run.define(v(f.char({ maxLength: 5, primaryKey: true })));
    await run.makemigrations();
    await run.migrate();
    await db.kysely.insertInto('rsb_pony').values([{ code: '12', name: 'A' }, { code: 'ab', name: 'B' }]).execute();
    await db.kysely.insertInto('rsb_rider').values([{ id: 1, pony_id: 'ab' }]).execute();
    const before = await shapesOf(db, ['rsb_pony', 'rsb_rider']);
    run.define(v(f.integer({ primaryKey: true })));
    await run.makemigrations();
    const error = await run.migrate().then(() => undefined, (e: Error) => e);
    assert.ok(error, "'ab' is not an integer");
    const after = await shapesOf(db, ['rsb_pony', 'rsb_rider']);
    // PostgreSQL and SQLite changed nothing; MariaDB dropped the key first, and running again skips that.
    if (!['mariadb'].includes(BACKEND)) assert.deepEqual(after, before, 'nothing half done');
    // The user fixes the data and runs migrate again.
    await db.kysely.deleteFrom('rsb_rider').execute();
    await db.kysely.updateTable('rsb_pony').set({ code: '13' } as never).where('code', '=', 'ab').execute();
    const again = await run.migrate().then(() => undefined, (e: Error) => e);
    assert.equal(again?.message, undefined, 'migrate goes on once the data is fixed');
    assert.ok((await shapesOf(db, ['rsb_rider'])).rsb_rider!.foreignKeys.includes('pony_id -> rsb_pony.code'), 'the key is back');
  } finally {
    await run.cleanup();
  }
});
