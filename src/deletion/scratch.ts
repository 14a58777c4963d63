/**
 * A work table for the rare deletes whose row sets cannot be recomputed as they go: cycles
 * between models, and filters that read tables the delete empties. Keys are written here first,
 * inside the delete's transaction, and removed before it commits. A real table, not a temporary
 * one: MySQL cannot read a temporary table twice in one statement.
 */
import { model, fields as f } from '../orm/index.ts';

export const DeleteScratch = model('trove.DeleteScratch', {
  operation: f.char({ maxLength: 36 }),
  label: f.char({ maxLength: 150 }),
  /** Integer keys. */
  intKey: f.bigInteger({ null: true }),
  /** Other keys (UUIDs, strings). */
  textKey: f.char({ maxLength: 255, null: true }),
}, { table: 'trove_delete_scratch', internal: true, indexes: [['operation', 'label', 'intKey'], ['operation', 'label', 'textKey']] });
