/** A soft delete still running online owns its trash operation: nothing else may restore or purge it meanwhile. */
import type { Database } from '../../db/index.ts';
import { QueryUsageError } from '../../orm/index.ts';
import { OnlineOperation } from './records.ts';

export async function assertNotInFlight(db: Database, deletionId: string, what: 'restore' | 'purge'): Promise<void> {
  const op = await OnlineOperation.objects.using(db).filter({ deletionId, state__in: ['queued', 'running', 'paused', 'failed'] }).first();
  if (op === null) return;
  throw new QueryUsageError(`Deletion ${deletionId} is still being made by online operation ${op.id} (${op.state}): cancel the operation to ${what === 'restore' ? 'put its rows back' : 'stop it'}, or wait until it is done to ${what} it.`);
}
