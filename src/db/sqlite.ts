import BetterSqlite3 from 'better-sqlite3';
import { SqliteDialect, type SqliteDatabase, type SqliteStatement } from 'kysely';

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
    return statement as unknown as SqliteStatement;
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

export function openSqlite(path: string): { dialect: SqliteDialect; cache: PreparedStatementCache } {
  const raw = new BetterSqlite3(path);
  if (path !== ':memory:') raw.pragma('journal_mode = WAL');
  raw.pragma('foreign_keys = ON');
  // WAL makes NORMAL durable across application crashes; only a power loss can lose the last commit.
  raw.pragma('synchronous = NORMAL');
  raw.pragma('busy_timeout = 5000');
  const cache = new PreparedStatementCache(raw);
  return { dialect: new SqliteDialect({ database: cache }), cache };
}
