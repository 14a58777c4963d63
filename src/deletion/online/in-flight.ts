/** A soft delete still running online owns its trash operation: nothing else may restore or purge it meanwhile. */
import { AsyncLocalStorage } from 'node:async_hooks';
import { sql } from 'kysely';
import type { Database } from '../../db/index.ts';
import { QueryUsageError } from '../../orm/index.ts';
import { OnlineOperation } from './records.ts';

/**
 * The operation whose own work runs here (a batch of its purge, the restore of its cancel): that
 * work is the one let through to its trash.
 */
const acting = new AsyncLocalStorage<string>();

export function asOperation<T>(operationId: string, fn: () => Promise<T>): Promise<T> {
  return acting.run(operationId, fn);
}

/** Databases known to have the operations table; one made before online deletes existed has none until `trove migrate`. */
const withTable = new WeakSet<Database>();

export async function hasOperationsTable(db: Database): Promise<boolean> {
  if (withTable.has(db)) return true;
  const name = OnlineOperation.meta.table;
  const probe = db.dialect === 'sqlite'
    ? sql`select 1 as found from sqlite_master where type = 'table' and name = ${name}`
    : db.dialect === 'postgres'
      ? sql`select 1 as found where to_regclass(${name}) is not null`
      : sql`select 1 as found from information_schema.tables where table_schema = database() and table_name = ${name}`;
  const found = (await db.execute(probe.compile(db.kysely))).rows.length > 0;
  if (found) withTable.add(db);
  return found;
}

/** The online operation that still owns the deletion's trash (making it, or purging it), if any but the one acting here. */
export async function operationInFlight(db: Database, deletionId: string): Promise<InstanceType<typeof OnlineOperation> | null> {
  if (!(await hasOperationsTable(db))) return null;
  const op = await OnlineOperation.objects.using(db).filter({ deletionId, state__in: ['queued', 'running', 'paused', 'failed', 'cancelling'] }).first();
  return op === null || acting.getStore() === op.id ? null : op;
}

export async function assertNotInFlight(db: Database, deletionId: string, what: 'restore' | 'purge'): Promise<void> {
  const op = await operationInFlight(db, deletionId);
  if (op === null) return;
  if (op.kind === 'purge') {
    throw new QueryUsageError(`Deletion ${deletionId} is being purged by online operation ${op.id} (${op.state}): cancel the purge to keep what it has not deleted yet (then that can be restored), or wait until it is done.`);
  }
  throw new QueryUsageError(`Deletion ${deletionId} is still being made by online operation ${op.id} (${op.state}): cancel the operation to ${what === 'restore' ? 'put its rows back' : 'stop it'}, or wait until it is done to ${what} it.`);
}
