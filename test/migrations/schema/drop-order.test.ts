/**
 * Tables dropped together may point at each other: a model and the link table of its
 * many-to-many field, or two models with keys to each other. Deleting the model, and migrating
 * the app to zero, must work on every database (PostgreSQL and MariaDB refuse to drop a table
 * another one still points at), and forward again.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from 'kysely';
import { CASCADE, fields as f, SET_NULL } from '../../../src/index.ts';
import { addField, createModel, deleteModel, MigrationExecutor, MigrationGraph, ProjectState, type Migration } from '../../../src/migrations/index.ts';
import { withMigratedApp } from '../../support/migrations.ts';

const APP = 'droporder';
const TABLES = ['droporder_post_tags', 'droporder_post', 'droporder_tag', 'droporder_left', 'droporder_right'];
const connection = withMigratedApp(APP, TABLES);

async function tables(): Promise<string[]> {
  return (await connection().kysely.introspection.getTables()).map((t) => t.name).filter((name) => name.startsWith(`${APP}_`)).sort();
}

const migrations: Migration[] = [
  {
    app: APP, name: '0001_initial', dependencies: [], operations: [
      createModel(`${APP}.Tag`, { name: f.char({ maxLength: 20 }) }),
      createModel(`${APP}.Post`, { title: f.char({ maxLength: 20 }), tags: f.manyToMany(`${APP}.Tag`, { relatedName: 'posts' }) }),
      createModel(`${APP}.Left`, { name: f.char({ maxLength: 20 }) }),
      createModel(`${APP}.Right`, { left: f.foreignKey(`${APP}.Left`, { onDelete: CASCADE }) }),
      addField(`${APP}.Left`, 'right', f.foreignKey(`${APP}.Right`, { onDelete: SET_NULL, null: true })),
    ],
  },
  { app: APP, name: '0002_delete_post', dependencies: [[APP, '0001_initial']], operations: [deleteModel(`${APP}.Post`)] },
];

test('a model with a many-to-many is deleted, undone, and the app goes to zero and back, with keys between the dropped tables', async () => {
  const executor = new MigrationExecutor(connection(), new MigrationGraph(migrations), ProjectState.empty());
  await executor.migrate([{ app: APP, name: '0001' }]);
  assert.deepEqual(await tables(), ['droporder_left', 'droporder_post', 'droporder_post_tags', 'droporder_right', 'droporder_tag']);
  await sql`insert into ${sql.table('droporder_tag')} (id, name) values (1, 't')`.execute(connection().kysely);
  await sql`insert into ${sql.table('droporder_post')} (id, title) values (1, 'p')`.execute(connection().kysely);
  await sql`insert into ${sql.table('droporder_post_tags')} (post_id, tag_id) values (1, 1)`.execute(connection().kysely);
  await sql`insert into ${sql.table('droporder_left')} (id, name) values (1, 'l')`.execute(connection().kysely);
  await sql`insert into ${sql.table('droporder_right')} (id, left_id) values (1, 1)`.execute(connection().kysely);
  await sql`update ${sql.table('droporder_left')} set right_id = 1`.execute(connection().kysely);

  await executor.migrate();
  assert.deepEqual(await tables(), ['droporder_left', 'droporder_right', 'droporder_tag'], 'the post and its link table are gone');
  await executor.migrate([{ app: APP, name: '0001' }]);
  assert.deepEqual(await tables(), ['droporder_left', 'droporder_post', 'droporder_post_tags', 'droporder_right', 'droporder_tag'], 'undone: back, empty');
  await executor.migrate([{ app: APP, name: 'zero' }]);
  assert.deepEqual(await tables(), [], 'zero: every table, the two that point at each other too');
  await executor.migrate();
  assert.deepEqual(await tables(), ['droporder_left', 'droporder_right', 'droporder_tag']);
});
