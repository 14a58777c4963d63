/**
 * A primary key's type changes, and the foreign keys pointing at it change with it (Django's
 * test_alter_id_type_with_fk): the implicit `id` declared as another type is an altered field,
 * not a new one, and a declared key widened keeps every row and every link, both ways.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CASCADE, connect, fields as f, model, type Database } from '../../../src/index.ts';
import { TEST_DATABASE_URL } from '../../support/database.ts';
import { MigrationScenario } from '../../support/migrations.ts';

let db: Database;
before(async () => {
  db = await connect(TEST_DATABASE_URL);
});
after(() => db.close());

async function rows(table: string, key = 'id'): Promise<unknown[]> {
  const found = await db.kysely.selectFrom(table).selectAll().orderBy(key).execute();
  return found.map((row) => Object.fromEntries(Object.entries(row as Record<string, unknown>).map(([k, v]) => [k, typeof v === 'bigint' || (typeof v === 'string' && /^\d+$/.test(v)) ? Number(v) : v])));
}

test('the implicit id declared as an integer key is altered, with the keys that point at it', async () => {
  const scenario = new MigrationScenario(db, 'pkid');
  try {
    scenario.define((registry) => {
      model('pkid.Pony', { name: f.char({ maxLength: 10 }) }, {}, registry);
      model('pkid.Rider', { pony: f.foreignKey('pkid.Pony', { onDelete: CASCADE }) }, {}, registry);
    });
    await scenario.makemigrations();
    await scenario.migrate();
    await db.kysely.insertInto('pkid_pony').values([{ name: 'Ann' }, { name: 'Bo' }]).execute();
    await db.kysely.insertInto('pkid_rider').values([{ id: 1, pony_id: 2 }]).execute();
    scenario.define((registry) => {
      model('pkid.Pony', { id: f.integer({ primaryKey: true }), name: f.char({ maxLength: 10 }) }, {}, registry);
      model('pkid.Rider', { pony: f.foreignKey('pkid.Pony', { onDelete: CASCADE }) }, {}, registry);
    });
    const made = await scenario.makemigrations();
    assert.deepEqual(made?.operations.map((o) => o.describe()), ['Alter field id on pkid.Pony']);
    await scenario.migrate();
    assert.deepEqual(await rows('pkid_pony'), [{ id: 1, name: 'Ann' }, { id: 2, name: 'Bo' }]);
    assert.deepEqual(await rows('pkid_rider'), [{ id: 1, pony_id: 2 }]);
    await db.kysely.insertInto('pkid_pony').values([{ id: 3, name: 'Cy' }]).execute();
    await assert.rejects(db.kysely.insertInto('pkid_rider').values([{ id: 2, pony_id: 9 }]).execute(), 'the key still points at pkid_pony');
    await scenario.migrate('0001_initial');
    assert.deepEqual(await rows('pkid_pony'), [{ id: 1, name: 'Ann' }, { id: 2, name: 'Bo' }, { id: 3, name: 'Cy' }]);
    await db.kysely.insertInto('pkid_pony').values([{ name: 'Di' }]).execute();
    assert.deepEqual((await rows('pkid_pony')).at(-1), { id: 4, name: 'Di' }, 'the key counts on from the highest');
    await assert.rejects(db.kysely.insertInto('pkid_rider').values([{ id: 2, pony_id: 9 }]).execute(), 'the key still points at pkid_pony');

    // Forward again, then the declared key left out: the implicit auto-increment key comes back.
    await scenario.migrate();
    scenario.define((registry) => {
      model('pkid.Pony', { name: f.char({ maxLength: 10 }) }, {}, registry);
      model('pkid.Rider', { pony: f.foreignKey('pkid.Pony', { onDelete: CASCADE }) }, {}, registry);
    });
    const back = await scenario.makemigrations();
    assert.deepEqual(back?.operations.map((o) => o.describe()), ['Alter field id on pkid.Pony']);
    await scenario.migrate();
    await db.kysely.insertInto('pkid_pony').values([{ name: 'Ed' }]).execute();
    assert.deepEqual((await rows('pkid_pony')).at(-1), { id: 5, name: 'Ed' });
    assert.equal(await scenario.makemigrations(), undefined, 'the models and the migrations agree');
    await scenario.migrate('zero');
    assert.deepEqual(await scenario.tables(), []);
  } finally {
    await scenario.cleanup();
  }
});

test('a declared key widened keeps its rows and the keys that point at it', async () => {
  const scenario = new MigrationScenario(db, 'pkcode');
  try {
    const define = (maxLength: number) => scenario.define((registry) => {
      model('pkcode.Country', { code: f.char({ maxLength, primaryKey: true }) }, {}, registry);
      model('pkcode.City', { country: f.foreignKey('pkcode.Country', { onDelete: CASCADE }) }, {}, registry);
    });
    define(2);
    await scenario.makemigrations();
    await scenario.migrate();
    await db.kysely.insertInto('pkcode_country').values([{ code: 'NZ' }]).execute();
    await db.kysely.insertInto('pkcode_city').values([{ id: 1, country_id: 'NZ' }]).execute();
    define(3);
    const made = await scenario.makemigrations();
    assert.deepEqual(made?.operations.map((o) => o.describe()), ['Alter field code on pkcode.Country']);
    await scenario.migrate();
    await db.kysely.insertInto('pkcode_country').values([{ code: 'NZL' }]).execute();
    await db.kysely.insertInto('pkcode_city').values([{ id: 2, country_id: 'NZL' }]).execute();
    await assert.rejects(db.kysely.insertInto('pkcode_city').values([{ id: 3, country_id: 'XYZ' }]).execute(), 'the key still points at pkcode_country');
    assert.deepEqual(await rows('pkcode_city'), [{ id: 1, country_id: 'NZ' }, { id: 2, country_id: 'NZL' }]);
    await db.kysely.deleteFrom('pkcode_city').where('id', '=', 2).execute();
    await db.kysely.deleteFrom('pkcode_country').where('code', '=', 'NZL').execute();
    await scenario.migrate('0001_initial');
    assert.deepEqual(await rows('pkcode_city'), [{ id: 1, country_id: 'NZ' }]);
    await scenario.migrate('zero');
  } finally {
    await scenario.cleanup();
  }
});
