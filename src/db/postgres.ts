import pg from 'pg';
import Cursor from 'pg-cursor';
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

export function openPostgres(url: string): { dialect: PostgresDialect; pool: pg.Pool } {
  const pool = new pg.Pool({ connectionString: url, max: 10, types: { getTypeParser } as pg.CustomTypesConfig });
  return { dialect: new PostgresDialect({ pool, cursor: Cursor }), pool };
}
