import { CompiledQuery, Kysely, sql, type QueryResult, type LogEvent } from 'kysely';
import { parseDatabaseUrl, type DialectName } from './url.ts';
import { openSqlite, type PreparedStatementCache, type SqliteFastPath } from './sqlite.ts';
import { createTables, registeredTables, type TableSpec } from './schema.ts';
import { asIntegrityError, deadlockPause, isDeadlock } from './errors.ts';

/** How often a statement outside a transaction is tried when it keeps losing deadlocks (about 2 s in all). */
const DEADLOCK_ATTEMPTS = 12;
import { currentTransaction } from './transaction-context.ts';
import { dialectOf, type SqlDialect } from './dialect.ts';

export interface QueryEvent {
  sql: string;
  params: readonly unknown[];
  durationMs: number;
}

export interface ConnectOptions {
  /** Called after every statement Trove sends, with its SQL, parameters and duration. */
  onQuery?: (event: QueryEvent) => void;
  /** Make this the database that models use when no other is given (default: true). */
  setDefault?: boolean;
  /**
   * PostgreSQL: give recurring statements server-side prepared names, so they are parsed and
   * planned once per connection (default true). Turn off behind a pooler that cannot keep them.
   */
  preparedStatements?: boolean;
}

export interface DatabaseFeatures {
  /** `INSERT … RETURNING`: SQLite, PostgreSQL and MariaDB have it; MySQL does not. */
  returning: boolean;
  isMariaDB: boolean;
}

let defaultDatabase: Database | undefined;

/** The database models use by default: the last one connected that is still open. */
export function getDatabase(): Database {
  if (defaultDatabase === undefined) {
    throw new Error('No database is connected: call `await connect(url)` first.');
  }
  return defaultDatabase;
}

export class Database {
  /** Compiled SQL of query shapes, filled by the ORM; SQL differs per dialect, so it lives here. */
  readonly queryCache = new Map<string, unknown>();
  /** What this database spells its own way (quoting, LIKE, locking, DDL, …). */
  readonly sqlDialect: SqlDialect;
  private closed = false;

  constructor(
    readonly url: string,
    readonly dialect: DialectName,
    readonly kysely: Kysely<any>,
    readonly features: DatabaseFeatures,
    private readonly onQuery: ConnectOptions['onQuery'],
    private readonly statementCache?: PreparedStatementCache,
    private readonly fastPath?: SqliteFastPath,
  ) {
    this.sqlDialect = dialectOf(dialect);
  }

  /** The Kysely instance to run on now: the open transaction of `atomic()` if there is one. */
  executor(): Kysely<any> {
    return currentTransaction(this)?.trx ?? this.kysely;
  }

  async execute<R = Record<string, unknown>>(query: CompiledQuery): Promise<QueryResult<R>> {
    for (let attempt = 1; ; attempt++) {
      try {
        if (this.fastPath?.available) {
          await this.fastPath.turn();
          // Another request may have opened a transaction during the turn: then it queues.
          if (this.fastPath.available) return this.runNow<R>(this.fastPath, query);
        }
        return await this.executor().executeQuery<R>(query);
      } catch (error) {
        // A statement outside any transaction was its own transaction: as a deadlock's victim it
        // was undone whole, so running it again is safe (then it waits, and passes or is refused).
        if (attempt < DEADLOCK_ATTEMPTS && isDeadlock(error) && currentTransaction(this) === undefined) {
          await deadlockPause(attempt);
          continue;
        }
        throw asIntegrityError(error) ?? error;
      }
    }
  }

  private runNow<R>(fastPath: SqliteFastPath, query: CompiledQuery): QueryResult<R> {
    if (this.onQuery === undefined) return fastPath.run<R>(query);
    const start = performance.now();
    try {
      return fastPath.run<R>(query);
    } finally {
      this.onQuery({ sql: query.sql, params: query.parameters, durationMs: performance.now() - start });
    }
  }

  /** Creates the tables of every registered model (or of `tables`) that do not exist yet. */
  async createTables(tables: TableSpec[] = registeredTables()): Promise<string[]> {
    const created = await createTables(this.executor(), this.sqlDialect, tables);
    this.statementCache?.clear();
    return created;
  }

  /** Forgets prepared and compiled statements: called after the tables changed under them. */
  schemaChanged(): void {
    this.statementCache?.clear();
    this.queryCache.clear();
  }

  /** Drops the tables of every registered model (or of `tables`), whatever points at them. */
  async dropTables(tables: TableSpec[] = registeredTables()): Promise<void> {
    const cascade = sql.raw(this.sqlDialect.cascadeClause);
    await this.withoutForeignKeyChecks(async (db) => {
      for (const table of [...tables].reverse()) await sql`drop table if exists ${sql.table(table.name)}${cascade}`.execute(db);
    });
    this.statementCache?.clear();
  }

  /**
   * Deletes every row of every registered table and resets their id sequences: a clean slate for
   * a test. Inside `atomic()` it is part of the transaction; MySQL's TRUNCATE would commit it, so
   * there the rows are deleted and the sequences left as they are.
   */
  async flush(specs: TableSpec[] = registeredTables()): Promise<void> {
    // Models may be defined whose tables were never created; skip those.
    const existing = new Set((await this.executor().introspection.getTables()).map((t) => t.name));
    const tables = specs.filter((t) => existing.has(t.name));
    if (tables.length === 0) return;
    const { truncation, cascadeClause, idCounterTable } = this.sqlDialect;
    if (truncation === 'transactional') {
      const names = sql.join(tables.map((t) => sql.table(t.name)));
      await sql`truncate table ${names} restart identity${sql.raw(cascadeClause)}`.execute(this.executor());
      return;
    }
    const truncate = truncation === 'commits' && currentTransaction(this) === undefined;
    await this.withoutForeignKeyChecks(async (db) => {
      for (const table of tables) {
        if (truncate) await sql`truncate table ${sql.table(table.name)}`.execute(db);
        else await sql`delete from ${sql.table(table.name)}`.execute(db);
      }
      if (idCounterTable !== undefined && (await this.tableExists(idCounterTable, db))) {
        const names = tables.map((t) => t.name);
        await sql`delete from ${sql.table(idCounterTable)} where name in (${sql.join(names)})`.execute(db);
      }
    });
  }

  /** Whether `table` exists, asked on `db` (by default the open transaction, if any). */
  async tableExists(table: string, db: Kysely<any> = this.executor()): Promise<boolean> {
    const { rows } = await sql.raw<{ n: number }>(this.sqlDialect.tableExistsSql(table)).execute(db);
    return Number(rows[0]?.n) > 0;
  }

  /**
   * Turns foreign-key checks off (`on`: back on) for the connection of the open transaction, where
   * the database has a switch: for rows that refer to each other where the checks cannot wait for
   * the commit (MySQL). Outside `atomic()` the next statement may take another connection.
   */
  async setForeignKeyChecks(on: boolean): Promise<void> {
    const statement = this.sqlDialect.foreignKeyChecks(on, currentTransaction(this) !== undefined);
    if (statement !== undefined) await this.execute(CompiledQuery.raw(statement));
  }

  /**
   * Runs `fn` on one connection with foreign keys unchecked: the open transaction's connection
   * inside `atomic()`, else one held from the pool for the whole job (the switch is per connection).
   * Where there is no switch (PostgreSQL), `fn` runs as it is; its drops and truncates cascade.
   */
  private async withoutForeignKeyChecks(fn: (db: Kysely<any>) => Promise<void>): Promise<void> {
    const transaction = currentTransaction(this)?.trx;
    const inTransaction = transaction !== undefined;
    const off = this.sqlDialect.foreignKeyChecks(false, inTransaction);
    if (off === undefined) return fn(this.executor());
    const on = this.sqlDialect.foreignKeyChecks(true, inTransaction);
    const run = async (db: Kysely<any>) => {
      await sql.raw(off).execute(db);
      try {
        await fn(db);
      } finally {
        if (on !== undefined) await sql.raw(on).execute(db);
      }
    };
    if (transaction !== undefined) return run(transaction);
    await this.kysely.connection().execute(run);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (defaultDatabase === this) defaultDatabase = undefined;
    await this.kysely.destroy();
  }
}

function queryLogger(onQuery: ConnectOptions['onQuery']) {
  if (onQuery === undefined) return undefined;
  return (event: LogEvent) => {
    onQuery({ sql: event.query.sql, params: event.query.parameters, durationMs: event.queryDurationMillis });
  };
}

/**
 * Opens a database: `sqlite::memory:`, `sqlite:path/to/file.db`, `postgres://…` or `mysql://…`
 * (MariaDB). The first query checks the connection, so a wrong URL fails here, not later.
 */
export async function connect(url: string, options: ConnectOptions = {}): Promise<Database> {
  const parsed = parseDatabaseUrl(url);
  const log = queryLogger(options.onQuery);
  let database: Database;
  if (parsed.dialect === 'sqlite') {
    const { dialect, cache, fastPath } = openSqlite(parsed.target);
    const kysely = new Kysely<any>({ dialect, ...(log && { log }) });
    database = new Database(url, 'sqlite', kysely, { returning: true, isMariaDB: false }, options.onQuery, cache, fastPath);
  } else {
    // Each server's driver loads when first connected to: a SQLite project never pays for pg and mysql2.
    const { dialect } = parsed.dialect === 'postgres'
      ? (await import('./postgres.ts')).openPostgres(parsed.target, { preparedStatements: options.preparedStatements })
      : (await import('./mysql.ts')).openMysql(parsed.target);
    const kysely = new Kysely<any>({ dialect, ...(log && { log }) });
    let version: string;
    try {
      const result = await sql<{ v: string }>`select version() as v`.execute(kysely);
      version = String(result.rows[0]?.v ?? '');
    } catch (error) {
      await kysely.destroy().catch(() => undefined);
      throw new Error(`Cannot connect to ${redactUrl(url)}: ${(error as Error).message}`, { cause: error });
    }
    const isMariaDB = /mariadb/i.test(version);
    const returning = parsed.dialect === 'postgres' || isMariaDB;
    database = new Database(url, parsed.dialect, kysely, { returning, isMariaDB }, options.onQuery);
  }
  if (options.setDefault !== false) defaultDatabase = database;
  return database;
}

/** A database URL fit to print: the password masked. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}
