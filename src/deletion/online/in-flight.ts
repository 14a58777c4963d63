/** A soft delete still running online owns its trash operation: nothing else may restore or purge it meanwhile. */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Database } from '../../db/index.ts';
import { QueryUsageError } from '../../orm/index.ts';
import { OnlineOperation } from './records.ts';
import { hasTable } from './tables.ts';

/**
 * The operation whose own work runs here (a batch of its purge, the restore of its cancel): that
 * work is the one let through to its trash.
 */
const acting = new AsyncLocalStorage<string>();

export function asOperation<T>(operationId: string, fn: () => Promise<T>): Promise<T> {
  return acting.run(operationId, fn);
}

/** Whether the database has the operations table; one made before online deletes existed has none until `trove migrate`. */
export function hasOperationsTable(db: Database): Promise<boolean> {
  return hasTable(db, OnlineOperation.meta.table);
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
