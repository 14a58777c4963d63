/**
 * What each `onDelete` rule does when rows of the model it points at are deleted. Each rule
 * records its consequence on the deletion graph; nothing runs until the graph is complete.
 */
import type { ForeignKeyField, OnDeleteName } from '../orm/index.ts';
import type { DeletionGraph } from './graph.ts';

type Rule = (graph: DeletionGraph, field: ForeignKeyField) => void;

/**
 * Delete the referring rows too, and whatever refers to them. A soft delete cannot take rows of
 * a model without a trash: left live, they would point at a trashed row (a key typed as never
 * null reading null); deleted for good, the delete could not be undone. So such rows block it,
 * as PROTECT does. Links of a many-to-many stay, so that a restore puts them back.
 */
function cascade(graph: DeletionGraph, field: ForeignKeyField): void {
  if (graph.mode === 'soft' && !field.model.softDelete) {
    if (!field.model.autoCreated) graph.checks.push({ kind: 'NO_TRASH', field });
    return;
  }
  graph.addCascade(field);
}

/** Refuse to delete while any row refers here, even a row the same delete would remove. */
function protect(graph: DeletionGraph, field: ForeignKeyField): void {
  graph.checks.push({ kind: 'PROTECT', field });
}

/** Refuse unless the referring row is itself deleted through a CASCADE path; known only once the graph is complete. */
function restrict(graph: DeletionGraph, field: ForeignKeyField): void {
  graph.checks.push({ kind: 'RESTRICT', field });
}

/** A soft delete changes no key, so that restoring puts every link back. */
function setNull(graph: DeletionGraph, field: ForeignKeyField): void {
  if (graph.mode === 'soft') return;
  graph.updates.push({ field, value: () => null, needsRows: false });
}

function setDefault(graph: DeletionGraph, field: ForeignKeyField): void {
  if (graph.mode === 'soft') return;
  graph.updates.push({ field, value: () => field.getDefault() ?? null, needsRows: false });
}

/** SET(value) or SET(fn): a function is called only when some row will take its value. */
function set(graph: DeletionGraph, field: ForeignKeyField): void {
  if (graph.mode === 'soft') return;
  const given = field.onDelete.value;
  if (typeof given === 'function') graph.updates.push({ field, value: given as () => unknown, needsRows: true });
  else graph.updates.push({ field, value: () => given, needsRows: false });
}

/** Leave the referring rows alone; the database's constraint, if any, decides. */
function doNothing(): void {}

export const ON_DELETE_RULES: Record<OnDeleteName, Rule> = {
  CASCADE: cascade,
  PROTECT: protect,
  RESTRICT: restrict,
  SET_NULL: setNull,
  SET_DEFAULT: setDefault,
  SET: set,
  DO_NOTHING: doNothing,
};
