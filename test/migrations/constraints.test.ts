/** Constraints the database enforces, added and removed by migrations that makemigrations writes. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CASCADE, connect, fields as f, model, type Database } from '../../src/index.ts';
import { MigrationError } from '../../src/migrations/index.ts';
import type { ModelConstraint } from '../../src/orm/index.ts';
import { integrityError, TEST_DATABASE_URL } from '../support/database.ts';
import { MigrationScenario } from '../support/migrations.ts';

let db: Database;
let scenario: MigrationScenario;
before(async () => {
  db = await connect(TEST_DATABASE_URL);
  scenario = new MigrationScenario(db, 'rules');
  await scenario.cleanup();
  scenario = new MigrationScenario(db, 'rules');
});
after(async () => {
  await scenario.cleanup();
  await db.close();
});

function define(constraints: ModelConstraint[]) {
  scenario.define((registry) => {
    model('rules.Shelf', { name: f.char({ maxLength: 20 }) }, {}, registry);
    model('rules.Book', {
      title: f.char({ maxLength: 50 }),
      stars: f.integer(),
      shelf: f.foreignKey('rules.Shelf', { onDelete: CASCADE }),
    }, { softDelete: true, constraints }, registry);
  });
}

/** Inserts a book through Trove, so that a refusal is an IntegrityError on every database. */
const insertBook = (values: Record<string, unknown>) => db.execute(db.kysely.insertInto('rules_book').values({ shelf_id: 1, ...values }).compile());
const refusedByCheck = integrityError(/rules_book_stars_range/);
const refusedByUnique = integrityError(/rules_book_one_title_per_shelf|UNIQUE constraint failed: rules_book\.shelf_id, rules_book\.title/);

test('a check and a unique constraint are added, enforced (unique among live rows), and removed', async () => {
  define([]);
  await scenario.makemigrations();
  await scenario.migrate();
  await db.kysely.insertInto('rules_shelf').values({ name: 'A' }).execute();
  await insertBook({ title: 'Kept', stars: 3 });

  define([{ name: 'rules_book_stars_range', check: 'stars between 1 and 5' }, { name: 'rules_book_one_title_per_shelf', unique: ['shelf', 'title'] }]);
  const made = await scenario.makemigrations();
  assert.deepEqual(made?.operations.map((o) => o.describe()), ['Add constraint rules_book_stars_range on rules.Book', 'Add constraint rules_book_one_title_per_shelf on rules.Book']);
  await scenario.migrate();
  assert.deepEqual(await scenario.rows('rules_book').then((rows) => rows.map((r) => r.title)), ['Kept'], 'rows kept');
  await assert.rejects(insertBook({ title: 'Bad', stars: 9 }), refusedByCheck, 'stars outside 1..5');
  await assert.rejects(insertBook({ title: 'Kept', stars: 2 }), refusedByUnique, 'the same title on the same shelf');
  await insertBook({ title: 'Kept', stars: 2, deleted_at: db.dialect === 'postgres' ? new Date() : db.dialect === 'mysql' ? '2026-01-01 00:00:00' : '2026-01-01T00:00:00.000Z' });

  define([{ name: 'rules_book_one_title_per_shelf', unique: ['shelf', 'title'] }]);
  const removed = await scenario.makemigrations();
  assert.deepEqual(removed?.operations.map((o) => o.describe()), ['Remove constraint rules_book_stars_range from rules.Book']);
  await scenario.migrate();
  await insertBook({ title: 'Loud', stars: 11 });
  assert.equal((await scenario.rows('rules_book')).length, 3);

  // Undone, the check comes back: refused while a row breaks it, applied once none does.
  await assert.rejects(scenario.migrate('0002'), (error) => error instanceof MigrationError && /rules_book_stars_range/.test(error.message));
  await db.kysely.deleteFrom('rules_book').where('title', '=', 'Loud').execute();
  await scenario.migrate('0002');
  await assert.rejects(insertBook({ title: 'Louder', stars: 12 }), refusedByCheck, 'the check is back once the removal is undone');
});
