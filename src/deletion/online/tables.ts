/**
 * Whether one of Trove's own tables is there: `trove migrate` makes each when it is missing, so a
 * database set up before that table existed has none until it runs again.
 */
import { sql } from 'kysely';
import type { Database } from '../../db/index.ts';

/** Tables seen, per database: a table once there stays (nothing drops them while a process runs). */
const seen = new WeakMap<Database, Set<string>>();

export async function hasTable(db: Database, name: string): Promise<boolean> {
  const known = seen.get(db) ?? new Set<string>();
  seen.set(db, known);
  if (known.has(name)) return true;
  const probe = db.dialect === 'sqlite'
    ? sql`select 1 as found from sqlite_master where type = 'table' and name = ${name}`
    : db.dialect === 'postgres'
      ? sql`select 1 as found where to_regclass(${name}) is not null`
      : sql`select 1 as found from information_schema.tables where table_schema = database() and table_name = ${name}`;
  const found = (await db.execute(probe.compile(db.kysely))).rows.length > 0;
  if (found) known.add(name);
  return found;
}
