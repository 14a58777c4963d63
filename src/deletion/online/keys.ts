/** Reading and removing an operation's root keys, the smallest first. */
import { sql, type RawBuilder, type SelectQueryBuilder } from 'kysely';
import type { Database } from '../../db/index.ts';
import type { ModelMeta } from '../../orm/index.ts';
import { OperationKey } from './records.ts';

const TABLE = OperationKey.meta.table;

export function keyColumn(meta: ModelMeta): 'int_key' | 'text_key' {
  return meta.pk.columnType === 'bigint' || meta.pk.columnType === 'integer' ? 'int_key' : 'text_key';
}

/** The stored key as the root's key column compares with it: PostgreSQL compares a uuid with a uuid only. */
export function storedKey(db: Database, meta: ModelMeta): RawBuilder<unknown> {
  const column = sql.ref(keyColumn(meta));
  return db.dialect === 'postgres' && meta.pk.columnType === 'uuid' ? sql`cast(${column} as uuid)` : sql`${column}`;
}

/** The next `limit` root keys of the operation, as the root's primary key values. */
export async function nextKeys(db: Database, root: ModelMeta, operation: string, limit: number): Promise<unknown[]> {
  const column = keyColumn(root);
  const query = db.kysely.selectFrom(TABLE).select(`${column} as k`).where('operation', '=', operation).orderBy(column).limit(limit);
  const { rows } = await db.execute<{ k: unknown }>(query.compile());
  return rows.map((row) => root.pk.fromDb(row.k, db.dialect));
}

/** Removes the keys up to `last` (inclusive): the batch that took them commits with their removal. */
export async function removeKeysThrough(db: Database, root: ModelMeta, operation: string, last: unknown): Promise<number> {
  const column = keyColumn(root);
  const query = db.kysely.deleteFrom(TABLE).where('operation', '=', operation).where(column, '<=', root.pk.toDb(last, db.dialect));
  return Number((await db.execute(query.compile())).numAffectedRows ?? 0);
}

export async function removeAllKeys(db: Database, operation: string): Promise<void> {
  await db.execute(db.kysely.deleteFrom(TABLE).where('operation', '=', operation).compile());
}

/**
 * Writes the keys `keys` selects (a column `pk` of `meta`'s keys) under `group`: an operation's
 * root keys, or the keys of a model its sweep finds rows through (sweep.ts). Returns how many.
 */
export async function writeKeys(db: Database, meta: ModelMeta, group: string, keys: SelectQueryBuilder<any, any, any>): Promise<number> {
  const column = keyColumn(meta);
  const rows = db.kysely.selectFrom(keys.as('k')).select([sql<string>`${group}`.as('operation'), 'k.pk']);
  const insert = db.kysely.insertInto(TABLE).columns(['operation', column]).expression(rows);
  return Number((await db.execute(insert.compile())).numAffectedRows ?? 0);
}

/** SELECT of the keys written under `group`, as `meta`'s key column compares with them. */
export function keysIn(db: Database, meta: ModelMeta, group: string): SelectQueryBuilder<any, any, any> {
  return db.kysely.selectFrom(TABLE).select(storedKey(db, meta).as('k')).where('operation', '=', group);
}
