/** A char field made shorter (or a widening undone) with values that do not fit: refused, never cut. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { connect, fields as f, model, type Database } from '../../../src/index.ts';
import { TEST_DATABASE_URL } from '../../support/database.ts';
import { MigrationScenario } from '../../support/migrations.ts';

let db: Database;
before(async () => { db = await connect(TEST_DATABASE_URL); });
after(() => db.close());

test('char(20) -> char(5) with "Annabelle": refused (PostgreSQL without USING, MariaDB strict) or kept, never cut', async () => {
  const run = new MigrationScenario(db, 'tr');
  try {
    run.define((r) => void model('tr.Person', { name: f.char({ maxLength: 20 }) }, {}, r));
    await run.makemigrations();
    await run.migrate();
    await db.kysely.insertInto('tr_person').values({ id: 1, name: 'Annabelle' }).execute();
    run.define((r) => void model('tr.Person', { name: f.char({ maxLength: 5 }) }, {}, r));
    await run.makemigrations();
    let failed = false;
    await run.migrate().catch(() => (failed = true));
    const rows = await run.rows('tr_person');
    assert.ok(failed || rows[0]!.name === 'Annabelle', `the migration went through and the value is now ${JSON.stringify(rows[0]!.name)}`);
  } finally {
    await run.cleanup();
  }
});

test('char(5) -> char(20), a long value saved, then migrate back: refused or kept, never cut', async () => {
  const run = new MigrationScenario(db, 'ts');
  try {
    run.define((r) => void model('ts.Person', { name: f.char({ maxLength: 5 }) }, {}, r));
    await run.makemigrations();
    await run.migrate();
    run.define((r) => void model('ts.Person', { name: f.char({ maxLength: 20 }) }, {}, r));
    await run.makemigrations();
    await run.migrate();
    await db.kysely.insertInto('ts_person').values({ id: 1, name: 'Annabelle' }).execute();
    let failed = false;
    await run.migrate('0001').catch(() => (failed = true));
    const rows = await run.rows('ts_person');
    assert.ok(failed || rows[0]!.name === 'Annabelle', `migrate ts 0001 went through and the value is now ${JSON.stringify(rows[0]!.name)}`);
  } finally {
    await run.cleanup();
  }
});
