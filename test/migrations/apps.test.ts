/**
 * Migrations of apps that point at each other's models: each migration depends on those it
 * needs, so any order of `migrate app` on a new database works (Django's
 * test_rename_model_reverse_relation_dependencies and test_circular_fk_dependency).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CASCADE, connect, fields as f, model, SET_NULL, type Database } from '../../src/index.ts';
import type { Questioner } from '../../src/migrations/index.ts';
import { TEST_DATABASE_URL } from '../support/database.ts';
import { MigrationScenario } from '../support/migrations.ts';

let db: Database;
before(async () => {
  db = await connect(TEST_DATABASE_URL);
});
after(() => db.close());

const renames: Questioner = { askRename: async () => true, askFill: async () => null };

test('a rename runs after the migrations of other apps that point at the model', async () => {
  const scenario = new MigrationScenario(db, 'xshop', 'xlib');
  try {
    scenario.define((registry) => {
      model('xshop.Author', { name: f.char({ maxLength: 20 }) }, {}, registry);
      model('xlib.Book', { author: f.foreignKey('xshop.Author', { onDelete: CASCADE }) }, {}, registry);
    });
    await scenario.makeAll();
    scenario.define((registry) => {
      model('xshop.Writer', { name: f.char({ maxLength: 20 }) }, {}, registry);
      model('xlib.Book', { author: f.foreignKey('xshop.Writer', { onDelete: CASCADE }) }, {}, registry);
    });
    const [rename, ...more] = await scenario.makeAll({ questioner: renames });
    assert.equal(more.length, 0, 'the key in xlib follows the rename: xlib has nothing to write');
    assert.deepEqual(rename!.operations.map((o) => o.describe()), ['Rename model xshop.Author to xshop.Writer']);
    assert.deepEqual([...rename!.dependencies].sort(), [['xlib', '0001_initial'], ['xshop', '0001_initial']]);

    // A new database, one app at a time: xshop's rename brings xlib's first migration before it.
    await scenario.migrate(undefined, 'xshop');
    await scenario.migrate(undefined, 'xlib');
    assert.deepEqual(await scenario.tables(), ['xlib_book', 'xshop_writer']);
    await db.kysely.insertInto('xshop_writer').values({ id: 1, name: 'Ann' }).execute();
    await db.kysely.insertInto('xlib_book').values({ id: 1, author_id: 1 }).execute();
    await scenario.migrate('zero', 'xshop');
    assert.deepEqual(await scenario.tables(), [], 'xlib needs xshop: going to zero takes it back too');
  } finally {
    await scenario.cleanup();
  }
});

test('new models of two apps pointing at each other: one is created first, its key added in a second migration', async () => {
  const scenario = new MigrationScenario(db, 'xa', 'xb');
  try {
    scenario.define((registry) => {
      model('xa.Left', { right: f.foreignKey('xb.Right', { onDelete: SET_NULL, null: true }) }, {}, registry);
      model('xb.Right', { left: f.foreignKey('xa.Left', { onDelete: CASCADE }) }, {}, registry);
    });
    const made = await scenario.makeAll();
    const summary = made.map((m) => `${m.app} ${m.name} [${m.dependencies.map((d) => d.join('.')).sort().join(', ')}]: ${m.operations.map((o) => o.describe()).join('; ')}`);
    assert.deepEqual(summary, [
      'xa 0001_initial []: Create model xa.Left',
      'xb 0001_initial [xa.0001_initial]: Create model xb.Right',
      'xa 0002_left_right [xa.0001_initial, xb.0001_initial]: Add field right to xa.Left',
    ]);
    assert.deepEqual(await scenario.makeAll(), [], 'nothing is left to write');

    // Either app first on a new database, then back to zero and forward again.
    for (const [first, second] of [['xa', 'xb'], ['xb', 'xa']] as const) {
      await scenario.migrate(undefined, first);
      await scenario.migrate(undefined, second);
      assert.deepEqual(await scenario.tables(), ['xa_left', 'xb_right']);
      await db.kysely.insertInto('xa_left').values({ id: 1, right_id: null }).execute();
      await db.kysely.insertInto('xb_right').values({ id: 1, left_id: 1 }).execute();
      await db.kysely.updateTable('xa_left').set({ right_id: 1 }).execute();
      await scenario.migrate('zero', 'xa');
      assert.deepEqual(await scenario.tables(), []);
    }
  } finally {
    await scenario.cleanup();
  }
});
