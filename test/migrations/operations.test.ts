/**
 * Operations a person writes by hand: a data migration over historical models, SQL per
 * database, an index built concurrently on PostgreSQL, sets of fields unique together.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { connect, fields as f, type Database } from '../../src/index.ts';
import {
  addField, addIndex, alterField, alterUniqueTogether, createModel, MigrationExecutor, MigrationGraph, ProjectState, runCode, runSql,
  type Migration, type Operation,
} from '../../src/migrations/index.ts';
import { integrityError, TEST_DATABASE_URL } from '../support/database.ts';

let db: Database;

/** Forgets what this file's app applied, once the migration table exists (any other failure is a failure). */
async function forgetMigrations(): Promise<void> {
  const tables = await db.kysely.introspection.getTables();
  if (tables.some((t) => t.name === 'trove_migrations')) await db.kysely.deleteFrom('trove_migrations').where('app', '=', 'handmade').execute();
}

before(async () => {
  db = await connect(TEST_DATABASE_URL);
  await db.dropTables([{ name: 'handmade_person', columns: [], foreignKeys: [], indexes: [] }]);
  await db.createTables();
  await forgetMigrations();
});
after(async () => {
  await db.dropTables([{ name: 'handmade_person', columns: [], foreignKeys: [], indexes: [] }]);
  await forgetMigrations();
  await db.close();
});

const migrations: Migration[] = [];
function add(name: string, ...operations: Operation[]) {
  const last = migrations.at(-1);
  migrations.push({ app: 'handmade', name, dependencies: last ? [['handmade', last.name]] : [], operations });
}
add('0001_initial', createModel('handmade.Person', { name: f.char({ maxLength: 50 }), team: f.integer({ null: true }) }));
add('0002_slug',
  addField('handmade.Person', 'slug', f.char({ maxLength: 60, null: true })),
  // The model as this migration knows it: it has a slug, whatever the code's Person has now.
  runCode(async function fillSlugs({ models }) {
    const Person = models.get('handmade.Person');
    for (const person of await Person.objects.all()) {
      person.slug = person.name.toLowerCase().replaceAll(' ', '-');
      await person.save();
    }
  }, async ({ models }) => {
    await models.get('handmade.Person').objects.all().update({ slug: null });
  }),
  alterField('handmade.Person', 'slug', f.char({ maxLength: 60 })),
);
add('0003_sql',
  runSql(
    { sqlite: "update handmade_person set team = length(name)", postgres: "update handmade_person set team = char_length(name)", mysql: "update handmade_person set team = char_length(name)" },
    'update handmade_person set team = null',
  ),
);
add('0004_indexes',
  addIndex('handmade.Person', ['team', 'name'], { concurrently: true }),
  alterUniqueTogether('handmade.Person', [['team', 'slug']]),
);

async function people() {
  return (await sql<{ name: string; slug: string | null; team: number | null }>`select name, slug, team from handmade_person order by id`.execute(db.kysely)).rows
    .map((r) => ({ ...r, team: r.team === null ? null : Number(r.team) }));
}

async function indexNames(): Promise<string[]> {
  const query = db.dialect === 'sqlite'
    ? sql<{ name: string }>`select name from sqlite_master where type = 'index' and tbl_name = 'handmade_person' and sql is not null`
    : db.dialect === 'postgres'
      ? sql<{ name: string }>`select indexname as name from pg_indexes where tablename = 'handmade_person' and indexname not like '%pkey'`
      : sql<{ name: string }>`select distinct index_name as name from information_schema.statistics where table_schema = database() and table_name = 'handmade_person' and index_name <> 'PRIMARY'`;
  return (await query.execute(db.kysely)).rows.map((r) => r.name).sort();
}

test('a data migration, SQL per database and indexes apply in order and undo in reverse', async () => {
  const executor = new MigrationExecutor(db, new MigrationGraph(migrations), ProjectState.empty());
  await executor.migrate([{ app: 'handmade', name: '0001' }]);
  await db.kysely.insertInto('handmade_person').values([{ name: 'Ann Lee' }, { name: 'Bob' }]).execute();
  await executor.migrate();
  assert.deepEqual(await people(), [{ name: 'Ann Lee', slug: 'ann-lee', team: 7 }, { name: 'Bob', slug: 'bob', team: 3 }]);
  assert.deepEqual(await indexNames(), ['handmade_person_team_name_idx', 'handmade_person_team_slug_uniq']);
  // Team and slug are unique together (run through Trove, whose IntegrityError is the same on every database).
  const duplicate = db.kysely.insertInto('handmade_person').values({ name: 'Other', slug: 'bob', team: 3 }).compile();
  await assert.rejects(db.execute(duplicate), integrityError(/handmade_person_team_slug_uniq|UNIQUE constraint failed: handmade_person\.team, handmade_person\.slug/));

  await executor.migrate([{ app: 'handmade', name: '0002' }]);
  assert.deepEqual(await indexNames(), []);
  assert.deepEqual(await people(), [{ name: 'Ann Lee', slug: 'ann-lee', team: null }, { name: 'Bob', slug: 'bob', team: null }]);
  await executor.migrate([{ app: 'handmade', name: '0001' }]);
  const columns = (await db.kysely.introspection.getTables()).find((t) => t.name === 'handmade_person')!.columns.map((c) => c.name).sort();
  assert.deepEqual(columns, ['id', 'name', 'team']);
});

test('a migration without a backward part cannot be undone, and says so before anything runs', async () => {
  const oneWay: Migration[] = [
    ...migrations,
    { app: 'handmade', name: '0005_one_way', dependencies: [['handmade', '0004_indexes']], operations: [runSql('update handmade_person set team = 1')] },
  ];
  const executor = new MigrationExecutor(db, new MigrationGraph(oneWay), ProjectState.empty());
  await executor.migrate();
  await assert.rejects(executor.migrate([{ app: 'handmade', name: '0003' }]), /handmade\.0005_one_way cannot be undone: operation 1 \(Raw SQL operation\) has no backward part\. Nothing was changed\./);
  assert.deepEqual(await indexNames(), ['handmade_person_team_name_idx', 'handmade_person_team_slug_uniq'], '0004 was not undone either');
  await executor.migrate([{ app: 'handmade', name: 'zero' }], { fake: true });
});

test('a migration of no operations (a merge) is recorded when applied and forgotten when undone, on every database', async () => {
  await db.dropTables([{ name: 'handmade_person', columns: [], foreignKeys: [], indexes: [] }]);
  await forgetMigrations();
  const merge: Migration[] = [...migrations, { app: 'handmade', name: '0005_merge', dependencies: [['handmade', '0004_indexes']], operations: [] }];
  const executor = new MigrationExecutor(db, new MigrationGraph(merge), ProjectState.empty());
  await executor.migrate();
  const names = async () => (await db.kysely.selectFrom('trove_migrations').select('name').where('app', '=', 'handmade').execute()).map((r) => r.name).sort();
  assert.ok((await names()).includes('0005_merge'));
  assert.deepEqual(await executor.plan(), [], 'nothing left to apply');
  await executor.migrate([{ app: 'handmade', name: '0004' }]);
  assert.ok(!(await names()).includes('0005_merge'));
  await executor.migrate([{ app: 'handmade', name: 'zero' }]);
});
