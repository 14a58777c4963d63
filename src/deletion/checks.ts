/**
 * Model pairs the deletion engine refuses at run time, reported when a project loads so that
 * they are met while writing the models rather than by a user deleting in production.
 */
import { checkWarning, type CheckMessage } from '../checks/index.ts';
import { ForeignKeyField, type ModelMeta } from '../orm/index.ts';

/** trash.W001 for each CASCADE key from a model without a trash into one with a trash. */
export function checkTrashCascades(models: Iterable<ModelMeta>): CheckMessage[] {
  return trashCascadeProblems(models).map(({ field, text }) => checkWarning('trash.W001', text, { object: field.qualifiedName }));
}

/**
 * A CASCADE key from a model without a trash into a soft-delete model: moving a row of the
 * latter to the trash is refused while such rows point at it (TrashCascadeError).
 */
export function trashCascadeWarnings(models: Iterable<ModelMeta>): string[] {
  return trashCascadeProblems(models).map((problem) => problem.text);
}

function trashCascadeProblems(models: Iterable<ModelMeta>): Array<{ field: ForeignKeyField; text: string }> {
  const warnings: Array<{ field: ForeignKeyField; text: string }> = [];
  for (const meta of models) {
    if (meta.softDelete || meta.autoCreated) continue;
    for (const field of meta.foreignKeys) {
      // A key to no model is fields.E300's to report.
      if (!(field instanceof ForeignKeyField) || !field.isResolved || field.onDelete.rule !== 'CASCADE' || !field.target.softDelete) continue;
      warnings.push({
        field,
        text: `${meta.label}.${field.name} cascades from ${field.target.label}, which has a trash, into ${meta.label}, which has none: ` +
          `moving a ${field.target.objectName} to the trash is refused while a ${meta.objectName} points at it. ` +
          `Give ${meta.objectName} softDelete: true (it then goes to the trash and comes back with it), or choose PROTECT, SET_NULL or DO_NOTHING.`,
      });
    }
  }
  return warnings;
}
