/**
 * The statement cache. Building a statement's SQL costs more than running a simple one on
 * SQLite, so the SQL of each statement *shape* is written once per database and kept: every run
 * visits the query into a `KeyWriter` (its shape and values, cheaply), and only a shape not seen
 * before is visited again into a `TextWriter` for its SQL. One visit function serves both, so the
 * values are in the order of the placeholders by construction.
 */
import { CompiledQuery } from 'kysely';
import type { Database } from '../../db/index.ts';
import { writeContext, type WriteContext } from './conditions.ts';
import { KeyWriter, TextWriter } from './writer.ts';

interface CachedStatement<R> {
  readonly sql: string;
  readonly result: R;
}

/** Statements kept per database before the cache starts over (a program makes few shapes; a bug or a fuzzer, many). */
const MAX_SHAPES = 2000;

const RAW_QUERY = CompiledQuery.raw('').query;
const QUERY_ID = CompiledQuery.raw('').queryId;

export interface PreparedStatement<R> {
  readonly query: CompiledQuery;
  /** What the visit returned when the statement's SQL was written (aliases it chose, say). */
  readonly result: R;
}

/**
 * The statement `write` writes, with its values. `write` must write the same SQL for the same key
 * (it is called once per run with a KeyWriter, and again with a TextWriter for a new shape).
 */
export function prepareStatement<R>(db: Database, write: (ctx: WriteContext) => R, options: { materialiseSubqueries?: boolean } = {}): PreparedStatement<R> {
  const materialise = options.materialiseSubqueries === true && db.sqlDialect.materialisesSubqueriesOfWrites;
  const key = new KeyWriter(db.sqlDialect);
  write(writeContext(key, materialise));
  const cached = (db.queryCache.get(key.key) as CachedStatement<R> | undefined) ?? writeShape(db, write, key, materialise);
  // Built without Kysely's per-query freezing: no plugin reads it.
  return { query: { sql: cached.sql, parameters: key.params, query: RAW_QUERY, queryId: QUERY_ID }, result: cached.result };
}

/** A shape not seen before: its SQL, written and kept. */
function writeShape<R>(db: Database, write: (ctx: WriteContext) => R, key: KeyWriter, materialise: boolean): CachedStatement<R> {
  const text = new TextWriter(db.sqlDialect);
  const result = write(writeContext(text, materialise));
  if (text.paramCount !== key.params.length) throw new Error(`Trove wrote ${text.paramCount} placeholders for ${key.params.length} values: ${text.toSql()}`);
  const cached = { sql: text.toSql(), result };
  if (db.queryCache.size >= MAX_SHAPES) db.queryCache.clear();
  db.queryCache.set(key.key, cached);
  return cached;
}

/** A statement written once with its values, for statements too varied to cache (UPDATE's assignments). */
export function writeStatement(db: Database, write: (ctx: WriteContext) => void, options: { materialiseSubqueries?: boolean } = {}): CompiledQuery {
  const text = new TextWriter(db.sqlDialect);
  write(writeContext(text, options.materialiseSubqueries === true && db.sqlDialect.materialisesSubqueriesOfWrites));
  return CompiledQuery.raw(text.toSql(), text.values);
}
