/**
 * One of Django's migration cases, as a user lives it: models before, rows, models after, then
 * makemigrations and migrate as the commands run them. `runScenario` checks the operations
 * written, every row after each step, and the schema against what createTables() makes for the
 * same models, forwards, back step by step, to zero and forwards again.
 */
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import type { Database } from '../../../src/index.ts';
import type { Questioner } from '../../../src/migrations/index.ts';
import type { ModelRegistry } from '../../../src/orm/index.ts';
import { MigrationScenario } from '../../support/migrations.ts';
import { shapesOf } from '../../support/schema.ts';

export type Rows = Record<string, Array<Record<string, unknown>>>;

export interface Scenario {
  /** The Django test (or tests) it follows, and what it is about. */
  readonly name: string;
  /** The apps it defines, in the order `migrate` is run for them on a new database. */
  readonly apps: readonly string[];
  /** The models before: `model(label, fields, options, registry)` calls. */
  readonly before: (registry: ModelRegistry) => void;
  /** Rows put in after the first migrate, table by table in this order (ids given). */
  readonly rows?: Rows;
  readonly after: (registry: ModelRegistry) => void;
  /** What makemigrations is told on a terminal: rename questions and fill values. */
  readonly answers?: { readonly rename?: boolean; readonly fill?: unknown };
  /** The operations written for the second state, `describe()`d, across apps in the order made (generated scenarios leave it out). */
  readonly operations?: readonly string[];
  /** The rows after migrating forwards (tables not named here are not compared). */
  readonly expected?: Rows;
  /** The rows after migrating back to the first state. */
  readonly back?: Rows;
}

/** Runs `scenario` on `db` (its own tables and records, removed at the end). */
export async function runScenario(db: Database, scenario: Scenario): Promise<void> {
  const [first, ...others] = scenario.apps;
  const run = new MigrationScenario(db, first!, ...others);
  const questioner: Questioner = {
    askRename: async () => scenario.answers?.rename ?? false,
    askFill: async () => scenario.answers?.fill ?? null,
  };
  try {
    run.define(scenario.before);
    const v1 = run.registry;
    await run.makeAll();
    await migrateAll(run, scenario.apps);
    const tables = () => [...new Set([...v1.all(), ...run.registry.all()].map((m) => m.table))];
    const shape1 = await shapesOf(db, tables());
    for (const [table, rows] of Object.entries(scenario.rows ?? {})) await db.kysely.insertInto(table).values(rows).execute();

    run.define(scenario.after);
    const v2 = run.registry;
    const made = await run.makeAll({ questioner });
    if (scenario.operations !== undefined) assert.deepEqual(made.flatMap((m) => m.operations.map((o) => o.describe())), scenario.operations, 'the operations makemigrations writes');
    await migrateAll(run, scenario.apps);
    await expectRows(db, scenario.expected, 'after migrating forwards');
    const shape2 = await shapesOf(db, tables());
    assert.deepEqual(await run.makeAll({ questioner }), [], 'the models and the migrations agree');

    // Back step by step: each app to its first migration, the schema as it was.
    if (scenario.apps.length === 1) {
      for (const migration of [...made].reverse()) await run.migrate(previousOf(migration.name), migration.app);
      assert.deepEqual(await shapesOf(db, tables()), shape1, 'the schema after migrating back');
      await expectRows(db, scenario.back, 'after migrating back');
    }
    for (const app of [...scenario.apps].reverse()) await run.migrate('zero', app);
    assert.deepEqual(await shapesOf(db, tables()), {}, 'no table is left at zero');

    // What migrations make is what createTables() makes for the same models.
    for (const [registry, migrated, when] of [[v1, shape1, 'before'], [v2, shape2, 'after']] as const) {
      const specs = registry.all().map((m) => m.tableSpec());
      await db.createTables(specs);
      assert.deepEqual(await shapesOf(db, tables()), migrated, `the migrated schema ${when} equals createTables() for the same models`);
      await db.dropTables(specs);
    }
    await migrateAll(run, scenario.apps);
    assert.deepEqual(await shapesOf(db, tables()), shape2, 'the schema after migrating forwards again');
  } finally {
    await dropEverything(db, run, [scenario.before, scenario.after]);
  }
}

/** migrate each app that has migrations (an app may have none before the second state). */
async function migrateAll(run: MigrationScenario, apps: readonly string[]): Promise<void> {
  const project = await run.project();
  for (const app of apps) if (project.graph.ofApp(app).length > 0) await run.migrate(undefined, app);
}

/** The migration before `name` in its app (by number), or zero. */
function previousOf(name: string): string {
  const number = Number.parseInt(name.slice(0, 4), 10);
  return number <= 1 ? 'zero' : String(number - 1).padStart(4, '0');
}

async function expectRows(db: Database, expected: Rows | undefined, when: string): Promise<void> {
  for (const [table, rows] of Object.entries(expected ?? {})) {
    const { rows: found } = await sql<Record<string, unknown>>`select * from ${sql.table(table)} order by 1`.execute(db.kysely);
    assert.deepEqual(found.map(plain), rows.map(plain), `${table} ${when}`);
  }
}

/** A row as JSON would hold it, whatever the driver returned (bigint, numeric strings, 0/1). */
function plain(row: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(row).sort(([a], [b]) => a.localeCompare(b)).map(([key, value]) => {
    if (typeof value === 'bigint') return [key, Number(value)];
    if (typeof value === 'string' && /^-?\d+$/.test(value) && value.length < 15) return [key, Number(value)];
    if (typeof value === 'boolean') return [key, value ? 1 : 0];
    return [key, value];
  }));
}

/** Whatever a failure left: the tables of both states (custom names included) and the records. */
async function dropEverything(db: Database, run: MigrationScenario, states: ReadonlyArray<(registry: ModelRegistry) => void>): Promise<void> {
  await run.cleanup();
  for (const state of states) {
    run.define(state);
    await db.dropTables(run.registry.all().map((m) => m.tableSpec()));
  }
}

