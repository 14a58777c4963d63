/**
 * `trove_migrations`: which migrations a database has. A row with `operations_done` set is a
 * migration that stopped part way (MySQL cannot undo DDL): that many operations ran.
 */
import type { Database, TableSpec } from '../db/index.ts';

export const RECORDER_TABLE: TableSpec = {
  name: 'trove_migrations',
  columns: [
    { name: 'id', type: 'bigint', nullable: false, primaryKey: true, autoIncrement: true },
    { name: 'app', type: 'varchar', maxLength: 100, nullable: false },
    { name: 'name', type: 'varchar', maxLength: 150, nullable: false },
    { name: 'applied', type: 'datetime', nullable: false },
    { name: 'operations_done', type: 'integer', nullable: true },
  ],
  foreignKeys: [],
  indexes: [{ name: 'trove_migrations_app_name_uniq', columns: ['app', 'name'], unique: true }],
};

export interface AppliedMigration {
  readonly app: string;
  readonly name: string;
  readonly applied: Date;
  /** Set when the migration stopped part way: the operations that ran. */
  readonly operationsDone: number | undefined;
}

export class MigrationRecorder {
  constructor(private readonly db: Database) {}

  async ensureTable(): Promise<void> {
    await this.db.createTables([RECORDER_TABLE]);
  }

  async hasTable(): Promise<boolean> {
    const tables = await this.db.kysely.introspection.getTables();
    return tables.some((t) => t.name === RECORDER_TABLE.name);
  }

  /** Applied (and partly applied) migrations, by `app.name`. */
  async applied(): Promise<Map<string, AppliedMigration>> {
    if (!(await this.hasTable())) return new Map();
    const rows = await this.db.executor().selectFrom(RECORDER_TABLE.name).select(['app', 'name', 'applied', 'operations_done']).orderBy('id').execute();
    return new Map(rows.map((row) => [`${row.app}.${row.name}`, {
      app: String(row.app),
      name: String(row.name),
      applied: row.applied instanceof Date ? new Date(row.applied) : this.db.sqlDialect.dateTimeFromText(String(row.applied)),
      operationsDone: row.operations_done === null ? undefined : Number(row.operations_done),
    }]));
  }

  /** Records `app.name` as applied, or as stopped after `operationsDone` operations. */
  async record(app: string, name: string, operationsDone?: number): Promise<void> {
    const executor = this.db.executor();
    await executor.deleteFrom(RECORDER_TABLE.name).where('app', '=', app).where('name', '=', name).execute();
    const applied = this.db.sqlDialect.dateTimeValue(new Date());
    await executor.insertInto(RECORDER_TABLE.name).values({ app, name, applied, operations_done: operationsDone ?? null }).execute();
  }

  async forget(app: string, name: string): Promise<void> {
    await this.db.executor().deleteFrom(RECORDER_TABLE.name).where('app', '=', app).where('name', '=', name).execute();
  }

  async tableExists(name: string): Promise<boolean> {
    return this.db.tableExists(name);
  }
}
