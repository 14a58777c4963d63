/**
 * Model pairs the deletion engine refuses at run time, reported when a project loads so that
 * they are met while writing the models rather than by a user deleting in production.
 */
import { ForeignKeyField, type ModelMeta } from '../orm/index.ts';

/**
 * A CASCADE key from a model without a trash into a soft-delete model: moving a row of the
 * latter to the trash is refused while such rows point at it (TrashCascadeError).
 */
export function trashCascadeWarnings(models: Iterable<ModelMeta>): string[] {
  const warnings: string[] = [];
  for (const meta of models) {
    if (meta.softDelete || meta.autoCreated) continue;
    for (const field of meta.foreignKeys) {
      if (!(field instanceof ForeignKeyField) || field.onDelete.rule !== 'CASCADE' || !field.target.softDelete) continue;
      warnings.push(
        `${meta.label}.${field.name} cascades from ${field.target.label}, which has a trash, into ${meta.label}, which has none: ` +
          `moving a ${field.target.objectName} to the trash is refused while a ${meta.objectName} points at it. ` +
          `Give ${meta.objectName} softDelete: true (it then goes to the trash and comes back with it), or choose PROTECT, SET_NULL or DO_NOTHING.`,
      );
    }
  }
  return warnings;
}
