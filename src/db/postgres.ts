import pg from 'pg';
import { PostgresDialect } from 'kysely';

const INT8 = 20;
const DATE = 1082;

/**
 * pg returns 64-bit integers (ids, count(*)) as strings and dates as local-time Date objects.
 * Trove's values are numbers and 'YYYY-MM-DD' strings on every database.
 */
function getTypeParser(oid: number, format?: 'text' | 'binary'): (value: string) => unknown {
  if (oid === INT8) return (value) => Number(value);
  if (oid === DATE) return (value) => value;
  return pg.types.getTypeParser(oid, format ?? 'text') as (value: string) => unknown;
}

/** How many distinct statements get a server-side prepared name; others run unnamed. */
const MAX_PREPARED = 500;

/**
 * Server-side prepared statements: PostgreSQL parses and plans a named statement once per
 * connection and then only binds values. Trove's SQL comes from a cache of query shapes, so the
 * same texts recur; a text is prepared from its second use on, so one-off statements never are.
 */
export class PreparedStatementNames {
  private readonly seen = new Map<string, number>();
  private readonly names = new Map<string, string>();

  nameFor(sql: string): string | undefined {
    const known = this.names.get(sql);
    if (known !== undefined) return known;
    const uses = (this.seen.get(sql) ?? 0) + 1;
    if (uses < 2 || this.names.size >= MAX_PREPARED) {
      if (this.seen.size < 10_000) this.seen.set(sql, uses);
      return undefined;
    }
    const name = `trove_${this.names.size + 1}`;
    this.names.set(sql, name);
    this.seen.delete(sql);
    return name;
  }
}

type QueryFn = (...args: unknown[]) => unknown;
const WRAPPED = Symbol('trove.preparing');

function prepareOnClient(client: pg.PoolClient, names: PreparedStatementNames): pg.PoolClient {
  const marked = client as pg.PoolClient & { [WRAPPED]?: true };
  if (marked[WRAPPED]) return client;
  const query = client.query.bind(client) as QueryFn;
  (client as unknown as { query: QueryFn }).query = (text: unknown, values?: unknown, callback?: unknown) => {
    if (typeof text === 'string' && Array.isArray(values) && values.length > 0) {
      const name = names.nameFor(text);
      if (name !== undefined) return query({ name, text, values }, callback);
    }
    return query(text, values, callback);
  };
  marked[WRAPPED] = true;
  return client;
}

/** A pool whose clients use named statements for recurring SQL. */
class PreparingPool extends pg.Pool {
  readonly statementNames = new PreparedStatementNames();

  override connect(): Promise<pg.PoolClient>;
  override connect(callback: (err: Error | undefined, client: pg.PoolClient | undefined, done: (release?: unknown) => void) => void): void;
  override connect(callback?: (err: Error | undefined, client: pg.PoolClient | undefined, done: (release?: unknown) => void) => void): Promise<pg.PoolClient> | void {
    if (callback !== undefined) {
      super.connect((err, client, done) => callback(err, client && prepareOnClient(client, this.statementNames), done));
      return;
    }
    return super.connect().then((client) => prepareOnClient(client, this.statementNames));
  }
}

export interface PostgresOptions {
  /** Named server-side statements for recurring SQL (default true). Turn off behind poolers that cannot keep them. */
  preparedStatements?: boolean;
}

export function openPostgres(url: string, options: PostgresOptions = {}): { dialect: PostgresDialect; pool: pg.Pool } {
  const config = { connectionString: url, max: 10, types: { getTypeParser } as pg.CustomTypesConfig };
  const pool = options.preparedStatements === false ? new pg.Pool(config) : new PreparingPool(config);
  // A connection the server ends (pg_terminate_backend, a restart) emits 'error'; unheard, that
  // would end the process. The query in flight fails with it, and the pool drops the client.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  return { dialect: new PostgresDialect({ pool }), pool };
}
