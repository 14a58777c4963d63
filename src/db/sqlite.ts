import BetterSqlite3 from 'better-sqlite3';
import { CompiledQuery, SqliteDialect, SqliteDriver, type DatabaseConnection, type Driver, type QueryResult, type SqliteDatabase, type SqliteDialectConfig, type SqliteStatement } from 'kysely';

/**
 * Kysely's SQLite driver prepares every statement it runs. Preparing costs about as much as
 * running a simple query, so keep the prepared statements of recent SQL texts.
 */
export class PreparedStatementCache implements SqliteDatabase {
  private readonly statements = new Map<string, BetterSqlite3.Statement>();

  constructor(
    readonly raw: BetterSqlite3.Database,
    private readonly capacity = 1000,
  ) {}

  prepare(sql: string): SqliteStatement {
    return this.statement(sql) as unknown as SqliteStatement;
  }

  statement(sql: string): BetterSqlite3.Statement {
    let statement = this.statements.get(sql);
    if (statement === undefined) {
      statement = this.raw.prepare(sql);
      if (this.statements.size >= this.capacity) {
        // Maps iterate in insertion order: drop the oldest entry.
        const oldest = this.statements.keys().next().value as string;
        this.statements.delete(oldest);
      }
      this.statements.set(sql, statement);
    }
    return statement;
  }

  /** Schema changes invalidate prepared statements. */
  clear(): void {
    this.statements.clear();
  }

  close(): void {
    this.statements.clear();
    this.raw.close();
  }
}

/**
 * Kysely's driver, counting how many holders the single connection has, and starting
 * transactions with BEGIN IMMEDIATE (Django's `transaction_mode: "IMMEDIATE"`). A plain BEGIN
 * takes the write lock only at its first write; when another process wrote in between, SQLite
 * cannot upgrade the read and fails at once with "database is locked", without waiting out
 * busy_timeout. Taking the lock at BEGIN makes transactions of several processes on one file
 * queue instead (within one process they queue for the one connection anyway).
 */
class CountingSqliteDriver extends SqliteDriver {
  holders = 0;

  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }

  override async acquireConnection(): Promise<DatabaseConnection> {
    const connection = await super.acquireConnection();
    this.holders++;
    return connection;
  }

  override async releaseConnection(): Promise<void> {
    this.holders--;
    await super.releaseConnection();
  }
}

class TroveSqliteDialect extends SqliteDialect {
  driver: CountingSqliteDriver | undefined;

  constructor(private readonly settings: SqliteDialectConfig) {
    super(settings);
  }

  override createDriver(): Driver {
    this.driver = new CountingSqliteDriver(this.settings);
    return this.driver;
  }
}

/** How long statements of the fast path may run back to back before other work gets a turn. */
const TURN_EVERY_MS = 10;

/**
 * SQLite has one connection. While nobody holds it (no transaction is open), a statement can
 * run at once, synchronously, without Kysely's connection queue: for a lookup by key that queue
 * costs more than SQLite itself. Inside a transaction everything goes through Kysely as usual.
 */
export class SqliteFastPath {
  /** When the event loop last had a turn between statements of the fast path. */
  private lastTurn = performance.now();

  constructor(
    private readonly dialect: TroveSqliteDialect,
    private readonly cache: PreparedStatementCache,
  ) {}

  get available(): boolean {
    return this.dialect.driver !== undefined && this.dialect.driver.holders === 0;
  }

  /**
   * Waits for the event loop's next turn when it has had none for a while. A statement here runs
   * synchronously and awaiting it settles at once, so without this a request of many statements
   * (a changelist: counts, a page, filters, date probes) would hold the whole server, every other
   * request waiting for all of them; with it, others get in between its statements.
   */
  async turn(): Promise<void> {
    if (performance.now() - this.lastTurn < TURN_EVERY_MS) return;
    await new Promise((resolve) => setImmediate(resolve));
    this.lastTurn = performance.now();
  }

  run<R>(query: CompiledQuery): QueryResult<R> {
    const statement = this.cache.statement(query.sql);
    const parameters = query.parameters as unknown[];
    if (statement.reader) return { rows: statement.all(parameters) as R[] };
    const { changes, lastInsertRowid } = statement.run(parameters);
    return { rows: [], numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid) };
  }
}

export function openSqlite(path: string): { dialect: SqliteDialect; cache: PreparedStatementCache; fastPath: SqliteFastPath } {
  const raw = new BetterSqlite3(path);
  if (path !== ':memory:') raw.pragma('journal_mode = WAL');
  raw.pragma('foreign_keys = ON');
  // WAL makes NORMAL durable across application crashes; only a power loss can lose the last commit.
  raw.pragma('synchronous = NORMAL');
  raw.pragma('busy_timeout = 5000');
  // Big deletes build temporary b-trees (the keys of an IN subquery); on disk, through a small
  // cache, they leave the process's memory flat however many rows go.
  raw.pragma('temp_store = FILE');
  const cache = new PreparedStatementCache(raw);
  const dialect = new TroveSqliteDialect({ database: cache });
  return { dialect, cache, fastPath: new SqliteFastPath(dialect, cache) };
}
