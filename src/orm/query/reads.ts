/**
 * What a condition reads: only columns of the row it is about, or something beyond that row
 * (another table, another row of its own table, an aggregate). The deletion engine decides from
 * this whether a row set can be recomputed by later statements or must be written down first.
 * It is read off `partsOf` (tree.ts), which every node kind must answer.
 */
import type { ResolvedExpression } from '../expressions.ts';
import { partsOf, partsOfExpression } from './tree.ts';
import type { WhereNode } from './where.ts';

export type ConditionReads =
  /** Nothing but these columns of the row itself. */
  | { readonly beyondRow: false; readonly columns: ReadonlySet<string> }
  /** Some other row or table: its answer may change when other rows do. */
  | { readonly beyondRow: true };

const BEYOND: ConditionReads = { beyondRow: true };

export function readsOfCondition(node: WhereNode): ConditionReads {
  const parts = partsOf(node);
  // Another table's rows, (an annotation) rows related to this one, or another row.
  if (parts.queries.length > 0 || parts.annotation !== undefined || parts.onFilteredRow.length > 0) return BEYOND;
  return combine([own(parts.columns), ...parts.conditions.map(readsOfCondition), ...parts.expressions.map(readsOfExpression)]);
}

export function readsOfExpression(expression: ResolvedExpression): ConditionReads {
  const parts = partsOfExpression(expression);
  // Across a key, out of a subquery, or into another table.
  if (parts.otherRows || parts.queries.length > 0) return BEYOND;
  return combine([own(parts.columns), ...parts.expressions.map(readsOfExpression)]);
}

function own(columns: readonly string[]): ConditionReads {
  return { beyondRow: false, columns: new Set(columns) };
}

function combine(parts: ConditionReads[]): ConditionReads {
  const columns = new Set<string>();
  for (const part of parts) {
    if (part.beyondRow) return BEYOND;
    for (const column of part.columns) columns.add(column);
  }
  return { beyondRow: false, columns };
}

/** Whether F() across a relation in `node` reads the row the condition is about. */
export function readsFilteredRow(node: WhereNode): boolean {
  const parts = partsOf(node);
  return parts.onFilteredRow.length > 0 || parts.conditions.some(readsFilteredRow) || parts.queries.some((q) => q.where !== undefined && readsFilteredRow(q.where)) || parts.expressions.some(expressionReadsFilteredRow);
}

function expressionReadsFilteredRow(expression: ResolvedExpression): boolean {
  if (expression.kind === 'root') return true;
  const parts = partsOfExpression(expression);
  return parts.expressions.some(expressionReadsFilteredRow) || parts.queries.some((q) => q.where !== undefined && readsFilteredRow(q.where));
}
