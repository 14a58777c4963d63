/**
 * A project's life in migrations, in one process: each step defines the models afresh (in a
 * registry of their own, so the same label can change shape), runs makemigrations and migrate
 * as the commands do, and returns what changed.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { sql } from 'kysely';
import { connect, type Database } from '../../src/index.ts';
import { MigrationProject, nonInteractive, writeMigration, type MigrateTarget, type NewMigration, type Questioner } from '../../src/migrations/index.ts';
import { ModelRegistry } from '../../src/orm/index.ts';
import { root } from './cli.ts';
import { TEST_DATABASE_URL } from './database.ts';

export class MigrationScenario {
  /** Each app's migrations folder. */
  readonly folders: ReadonlyMap<string, string>;
  registry = new ModelRegistry();
  readonly apps: readonly string[];

  constructor(readonly db: Database, readonly app: string, ...more: string[]) {
    const base = join(root, 'test', '.tmp');
    mkdirSync(base, { recursive: true });
    this.apps = [app, ...more];
    this.folders = new Map(this.apps.map((label) => [label, mkdtempSync(join(base, `migrations-${label}-`))]));
  }

  /** The first app's folder. */
  get folder(): string {
    return this.folders.get(this.app)!;
  }

  async project(): Promise<MigrationProject> {
    return MigrationProject.load([...this.folders].map(([label, folder]) => ({ label, folder })), this.registry.all());
  }

  /** Defines the models anew: `define` calls model(label, fields, options, registry). */
  define(define: (registry: ModelRegistry) => void): void {
    this.registry = new ModelRegistry();
    define(this.registry);
  }

  /** makemigrations: writes and returns the first new migration (undefined when nothing changed). */
  async makemigrations(options: { name?: string; questioner?: Questioner } = {}): Promise<NewMigration | undefined> {
    return (await this.makeAll(options))[0];
  }

  /** makemigrations for every app of the scenario: writes and returns the new migrations. */
  async makeAll(options: { name?: string; questioner?: Questioner } = {}): Promise<NewMigration[]> {
    const project = await this.project();
    const made = await project.makeMigrations({ apps: this.apps, questioner: nonInteractive, ...options });
    for (const migration of made) writeMigration(migration);
    return made;
  }

  /** migrate the first app (or `app`) to its latest migration, or to `target` ('zero' for none). */
  async migrate(target?: string, app = this.app): Promise<void> {
    const project = await this.project();
    const targets: MigrateTarget[] = [{ app, ...(target === undefined ? {} : { name: target }) }];
    await project.executor(this.db).migrate(targets);
  }

  /** A table's rows, ordered by id, with values as plain JSON would hold them. */
  async rows(table: string): Promise<Array<Record<string, unknown>>> {
    const { rows } = await sql<Record<string, unknown>>`select * from ${sql.table(table)} order by id`.execute(this.db.kysely);
    return rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, normalise(v)])));
  }

  async tables(): Promise<string[]> {
    const tables = await this.db.kysely.introspection.getTables();
    return tables.map((t) => t.name).filter((name) => this.apps.some((app) => name.startsWith(`${app}_`))).sort();
  }

  async columns(table: string): Promise<string[]> {
    const tables = await this.db.kysely.introspection.getTables();
    return tables.find((t) => t.name === table)?.columns.map((c) => c.name).sort() ?? [];
  }

  /** Drops what the scenario made: its tables and its records. */
  async cleanup(): Promise<void> {
    await this.db.dropTables((await this.tables()).map((name) => ({ name, columns: [], foreignKeys: [], indexes: [] })));
    const recorded = (await this.db.kysely.introspection.getTables()).some((t) => t.name === 'trove_migrations');
    if (recorded) await this.db.kysely.deleteFrom('trove_migrations').where('app', 'in', [...this.apps]).execute();
    for (const folder of this.folders.values()) rmSync(folder, { recursive: true, force: true });
  }
}

function normalise(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string' && /^-?\d+$/.test(value) && value.length < 15) return Number(value);
  if (value instanceof Date) return value.toISOString();
  return value;
}

/**
 * Registers hooks that give a file its own database connection, with the tables of its migrated
 * app (`app`, `tables`) and that app's migration records gone before and after; returns a getter
 * for the connection.
 */
export function withMigratedApp(app: string, tables: readonly string[]): () => Database {
  let db: Database | undefined;
  const forget = async () => {
    const existing = await db!.kysely.introspection.getTables();
    if (existing.some((t) => t.name === 'trove_migrations')) await db!.kysely.deleteFrom('trove_migrations').where('app', '=', app).execute();
  };
  const drop = () => db!.dropTables(tables.map((name) => ({ name, columns: [], foreignKeys: [], indexes: [] })));
  before(async () => {
    db = await connect(TEST_DATABASE_URL);
    await drop();
    await db.createTables();
    await forget();
  });
  after(async () => {
    await drop();
    await forget();
    await db!.close();
  });
  return () => db!;
}
