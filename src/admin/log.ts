/**
 * The admin's history: Django's LogEntry, in `trove_admin_log`. Beyond Django, a change records
 * the old and the new value of every field it changed.
 */
import { model, fields as f, type ModelMeta } from '../orm/index.ts';

export const ADDITION = 1;
export const CHANGE = 2;
export const DELETION = 3;
/** Beyond Django: a trash operation restored, or purged for good. */
export const RESTORATION = 4;
export const PURGE = 5;
/** Beyond Django: an online operation paused, resumed or cancelled from its page. */
export const PAUSE = 6;
export const RESUME = 7;
export const CANCEL = 8;

/** What an entry says: the changed fields, or a message; deletes, restores and purges add their counts and operation. */
export interface ChangeMessage {
  changes?: FieldChange[];
  message?: string;
  counts?: Record<string, number>;
  deletionId?: string;
  /** An online operation (`trove_operation`): started from a confirmation, or paused, resumed, cancelled. */
  operationId?: string;
}

/** One changed field: its label, and its value before and after, as text. */
export interface FieldChange {
  field: string;
  old: string;
  new: string;
}

export class LogEntry extends model('admin.LogEntry', {
  actionTime: f.dateTime({ autoNowAdd: true }),
  /** The username, kept as text so the history outlives the account. */
  user: f.char({ maxLength: 150 }),
  modelLabel: f.char({ maxLength: 100, dbIndex: true }),
  /** Empty when the entry is about many objects or none (delete_selected, a whole trash operation). */
  objectId: f.char({ maxLength: 100, dbIndex: true }),
  objectRepr: f.char({ maxLength: 200 }),
  actionFlag: f.integer(),
  /** `{ changes: FieldChange[] }` for a change; `{ message }` otherwise; a delete adds what it took. */
  changeMessage: f.json<ChangeMessage>(),
}, { table: 'trove_admin_log', internal: true, ordering: ['-actionTime', '-id'] }) {}

/** What an entry did, in a sentence. */
export function summaryOf(entry: { actionFlag: number; changeMessage: ChangeMessage | null }): string {
  const { changes = [], message } = entry.changeMessage ?? {};
  if (message !== undefined) return message;
  if (entry.actionFlag === ADDITION) return 'Added.';
  if (entry.actionFlag === DELETION) return 'Deleted.';
  if (changes.length === 0) return 'No fields changed.';
  return `Changed ${changes.map((c) => c.field).join(', ')}.`;
}

/** Writes an entry; `objectId` null or undefined (no single object) is stored empty, never as the text 'null'. */
export async function logAction(user: string, meta: Pick<ModelMeta, 'label'>, objectId: unknown, repr: string, actionFlag: number, changeMessage: ChangeMessage): Promise<void> {
  await LogEntry.objects.create({ user, modelLabel: meta.label, objectId: objectId === null || objectId === undefined ? '' : String(objectId), objectRepr: repr.slice(0, 200), actionFlag, changeMessage });
}
