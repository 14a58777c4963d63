/**
 * A field that keeps its name keeps its values when its column changes (Django's
 * test_rename_field_preserved_db_column and test_alter_field_add_db_column_noop): a rename and a
 * `dbColumn` naming the old column is no change at all, and setting `dbColumn` renames the column.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from 'kysely';
import { fields as f } from '../../../src/index.ts';
import { alterField, createModel, MigrationExecutor, MigrationGraph, ProjectState, renameField, type Migration } from '../../../src/migrations/index.ts';
import { withMigratedApp } from '../../support/migrations.ts';

const APP = 'dbcol';
const connection = withMigratedApp(APP, ['dbcol_item']);

async function columns(): Promise<string[]> {
  return (await connection().kysely.introspection.getTables()).find((t) => t.name === 'dbcol_item')!.columns.map((c) => c.name).sort();
}
async function values(column: string): Promise<unknown[]> {
  return (await sql<Record<string, unknown>>`select ${sql.ref(column)} as v from ${sql.table('dbcol_item')} order by id`.execute(connection().kysely)).rows.map((r) => (r.v === null ? null : typeof r.v === 'string' ? r.v : Number(r.v)));
}

const migrations: Migration[] = [
  { app: APP, name: '0001_initial', dependencies: [], operations: [createModel(`${APP}.Item`, { field: f.integer(), name: f.char({ maxLength: 10 }) })] },
  {
    app: APP, name: '0002_renamed_keeps_column', dependencies: [[APP, '0001_initial']], operations: [
      renameField(`${APP}.Item`, 'field', 'renamed'),
      alterField(`${APP}.Item`, 'renamed', f.integer({ dbColumn: 'field' })),
    ],
  },
  { app: APP, name: '0003_name_column', dependencies: [[APP, '0002_renamed_keeps_column']], operations: [alterField(`${APP}.Item`, 'name', f.char({ maxLength: 10, dbColumn: 'label' }))] },
];

test('a rename that keeps the column by dbColumn, and a dbColumn set on a field, keep every value both ways', async () => {
  const executor = new MigrationExecutor(connection(), new MigrationGraph(migrations), ProjectState.empty());
  await executor.migrate([{ app: APP, name: '0001' }]);
  await sql`insert into ${sql.table('dbcol_item')} (field, name) values (7, 'Ann'), (8, 'Bob')`.execute(connection().kysely);
  await executor.migrate([{ app: APP, name: '0002' }]);
  assert.deepEqual(await columns(), ['field', 'id', 'name']);
  assert.deepEqual(await values('field'), [7, 8]);
  await executor.migrate();
  assert.deepEqual(await columns(), ['field', 'id', 'label']);
  assert.deepEqual(await values('label'), ['Ann', 'Bob']);
  await executor.migrate([{ app: APP, name: '0001' }]);
  assert.deepEqual(await columns(), ['field', 'id', 'name']);
  assert.deepEqual(await values('field'), [7, 8]);
  assert.deepEqual(await values('name'), ['Ann', 'Bob']);
  await executor.migrate([{ app: APP, name: 'zero' }]);
});
