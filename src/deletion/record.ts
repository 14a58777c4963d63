/**
 * One row per soft delete: the operation that a restore undoes exactly. Every row the operation
 * put in the trash carries its id in `deletionId`.
 */
import { model, fields as f } from '../orm/index.ts';

/** See operations.ts for what each state means. */
export type DeletionState = 'active' | 'partial' | 'restored' | 'purged';
export const DELETION_STATES: readonly DeletionState[] = ['active', 'partial', 'restored', 'purged'];

export const Deletion = model('trove.Deletion', {
  id: f.uuid({ primaryKey: true }),
  createdAt: f.dateTime(),
  actor: f.char({ maxLength: 150, null: true }),
  reason: f.text({ default: '' }),
  source: f.char({ maxLength: 30, default: 'api' }),
  rootLabel: f.char({ maxLength: 150 }),
  rootPk: f.char({ maxLength: 100, null: true }),
  counts: f.json<Record<string, number>>(),
  state: f.char({ maxLength: 10, default: 'active', choices: DELETION_STATES }),
}, { table: 'trove_deletion', ordering: ['-createdAt'] });

/** Who and where, for soft deletes that do not say: the shell sets its own. */
export interface DeletionDefaults {
  readonly actor?: string;
  readonly source?: string;
}
let defaults: DeletionDefaults = {};

/** Sets the actor and source recorded for soft deletes that do not give them (`trove shell` does: 'shell' and the OS user). */
export function setDeletionDefaults(given: DeletionDefaults): void {
  defaults = { ...given };
}

export function deletionDefaults(): DeletionDefaults {
  return defaults;
}
