/**
 * A migration that fails part way: PostgreSQL and SQLite are left as they were (one transaction);
 * MySQL, which commits each DDL statement, records the operations that ran, names them, and
 * goes on from the failed one next time.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { CASCADE, connect, fields as f, model, type Database } from '../../src/index.ts';
import { MigrationError, MigrationRecorder } from '../../src/migrations/index.ts';
import { BACKEND, TEST_DATABASE_URL } from '../support/database.ts';
import { MigrationScenario } from '../support/migrations.ts';

let db: Database;
let scenario: MigrationScenario;

before(async () => {
  db = await connect(TEST_DATABASE_URL);
  scenario = new MigrationScenario(db, 'failing');
  await scenario.cleanup();
  await db.dropTables([{ name: 'failing_gate', columns: [], foreignKeys: [], indexes: [] }]);
  scenario = new MigrationScenario(db, 'failing');
  scenario.define((registry) => {
    model('failing.Author', { name: f.char({ maxLength: 50 }) }, {}, registry);
    model('failing.Book', { title: f.char({ maxLength: 50 }), author: f.foreignKey('failing.Author', { onDelete: CASCADE }) }, {}, registry);
  });
  await scenario.makemigrations();
  await scenario.migrate();
  await db.kysely.insertInto('failing_author').values({ name: 'Ann' }).execute();
  await db.kysely.insertInto('failing_book').values({ title: 'One', author_id: 1 }).execute();
});
after(async () => {
  await scenario.cleanup();
  await db.dropTables([{ name: 'failing_gate', columns: [], foreignKeys: [], indexes: [] }]);
  await db.close();
});

function writeMigration(name: string, dependency: string, operations: string[]) {
  writeFileSync(join(scenario.folder, `${name}.ts`), [
    "import { fields as f } from 'trove';",
    "import { addField, alterField, runSql, type Dependency, type Operation } from 'trove/migrations';",
    `export const dependencies: Dependency[] = [['failing', '${dependency}']];`,
    `export const operations: Operation[] = [\n  ${operations.join(',\n  ')},\n];`,
    '',
  ].join('\n'));
}

async function recorded(name: string) {
  return (await new MigrationRecorder(db).applied()).get(`failing.${name}`);
}

test('an operation that fails in the middle leaves one transaction undone, or names what ran and resumes', async () => {
  writeMigration('0002_gated', '0001_initial', [
    "addField('failing.Author', 'nickname', f.char({ maxLength: 20, null: true }))",
    // Fails until the gate table exists.
    "runSql('insert into failing_gate (id) values (1)', runSql.noop)",
    "addField('failing.Author', 'age', f.integer({ null: true }))",
  ]);
  const error = await scenario.migrate().then(() => undefined, (e: unknown) => e);
  assert.ok(error instanceof MigrationError, `a MigrationError, got ${error}`);
  if (BACKEND === 'mariadb') {
    assert.match(error.message, /stopped at operation 2 of 3 \(Raw SQL operation\)/);
    assert.match(error.message, /1\. Add field nickname to failing\.Author/);
    assert.equal((await recorded('0002_gated'))?.operationsDone, 1);
    assert.deepEqual(await scenario.columns('failing_author'), ['id', 'name', 'nickname']);
  } else {
    assert.equal(await recorded('0002_gated'), undefined);
    assert.deepEqual(await scenario.columns('failing_author'), ['id', 'name'], 'nothing of the migration is left');
  }
  await db.kysely.schema.createTable('failing_gate').addColumn('id', 'integer').execute();
  await scenario.migrate();
  assert.equal((await recorded('0002_gated'))?.operationsDone, undefined);
  assert.deepEqual(await scenario.columns('failing_author'), ['age', 'id', 'name', 'nickname']);
  assert.deepEqual((await db.kysely.selectFrom('failing_gate').selectAll().execute()).length, 1, 'the SQL ran once');
});

test('a migration that would leave rows pointing at nothing is refused whole', async () => {
  // SQLite checks its foreign keys before the commit (they are off while tables are rebuilt);
  // PostgreSQL checks its deferred ones at the commit; MySQL at once.
  writeMigration('0003_orphans', '0002_gated', [
    "alterField('failing.Book', 'title', f.char({ maxLength: 50, null: true }))",
    "runSql('delete from failing_author')",
  ]);
  const error = await scenario.migrate().then(() => undefined, (e: unknown) => e);
  assert.ok(error instanceof Error, 'refused');
  if (BACKEND === 'sqlite') assert.match(error.message, /failing\.0003_orphans would leave 1 row\(s\) pointing at rows that do not exist \(failing_book row 1 -> failing_author\)/);
  else assert.match(error.message, /foreign key/i);
  assert.equal((await db.kysely.selectFrom('failing_author').selectAll().execute()).length, 1, 'the author is still there');
  if (BACKEND !== 'mariadb') assert.equal(await recorded('0003_orphans'), undefined);
  // MySQL committed the first operation's DDL: recorded as stopped after it, to go on from the delete.
  else assert.equal((await recorded('0003_orphans'))?.operationsDone, 1);
});
