/**
 * A model renamed in the same migration as other changes to its table keeps its rows (Django's
 * test_alter_db_table_with_model_change): renamed and given a new table, or renamed with its
 * table kept and a field added. SQLite gathers a migration's changes per table, and must follow
 * the table from one label to the other.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from 'kysely';
import { fields as f } from '../../../src/index.ts';
import { addField, alterModelTable, createModel, MigrationExecutor, MigrationGraph, ProjectState, renameModel, type Migration } from '../../../src/migrations/index.ts';
import { withMigratedApp } from '../../support/migrations.ts';

const APP = 'renmod';
const TABLES = ['renmod_one', 'renmod_two', 'renmod_kept'];
const connection = withMigratedApp(APP, TABLES);

const names = async (table: string) => (await sql<{ name: string }>`select name from ${sql.table(table)} order by id`.execute(connection().kysely)).rows.map((r) => r.name);
const tables = async () => (await connection().kysely.introspection.getTables()).map((t) => t.name).filter((n) => n.startsWith(`${APP}_`)).sort();

const migrations: Migration[] = [
  {
    app: APP, name: '0001_initial', dependencies: [], operations: [
      createModel(`${APP}.AuthorOne`, { name: f.char({ maxLength: 20 }) }, { table: 'renmod_one' }),
      createModel(`${APP}.Keeper`, { name: f.char({ maxLength: 20 }) }, { table: 'renmod_kept' }),
    ],
  },
  {
    app: APP, name: '0002_rename', dependencies: [[APP, '0001_initial']], operations: [
      renameModel(`${APP}.AuthorOne`, `${APP}.AuthorTwo`),
      alterModelTable(`${APP}.AuthorTwo`, 'renmod_two'),
      renameModel(`${APP}.Keeper`, `${APP}.Holder`),
      addField(`${APP}.Holder`, 'rank', f.integer({ null: true })),
    ],
  },
];

test('a model renamed and retabled, and one renamed with a field added, keep their rows both ways', async () => {
  const executor = new MigrationExecutor(connection(), new MigrationGraph(migrations), ProjectState.empty());
  await executor.migrate([{ app: APP, name: '0001' }]);
  await sql`insert into ${sql.table('renmod_one')} (name) values ('Ann'), ('Bob')`.execute(connection().kysely);
  await sql`insert into ${sql.table('renmod_kept')} (name) values ('Cy')`.execute(connection().kysely);
  await executor.migrate();
  assert.deepEqual(await tables(), ['renmod_kept', 'renmod_two']);
  assert.deepEqual(await names('renmod_two'), ['Ann', 'Bob']);
  assert.deepEqual(await names('renmod_kept'), ['Cy']);
  await executor.migrate([{ app: APP, name: '0001' }]);
  assert.deepEqual(await tables(), ['renmod_kept', 'renmod_one']);
  assert.deepEqual(await names('renmod_one'), ['Ann', 'Bob']);
  assert.deepEqual(await names('renmod_kept'), ['Cy']);
  await executor.migrate([{ app: APP, name: 'zero' }]);
});
