/**
 * What a condition reads: only columns of the row it is about, or something beyond that row
 * (another table, another row of its own table, an aggregate). The deletion engine decides from
 * this whether a row set can be recomputed by later statements or must be written down first,
 * so each node kind answers here explicitly: a new kind does not compile until it does.
 */
import type { ResolvedExpression } from '../expressions.ts';
import type { WhereNode } from './where.ts';

export type ConditionReads =
  /** Nothing but these columns of the row itself. */
  | { readonly beyondRow: false; readonly columns: ReadonlySet<string> }
  /** Some other row or table: its answer may change when other rows do. */
  | { readonly beyondRow: true };

const BEYOND: ConditionReads = { beyondRow: true };

export function readsOfCondition(node: WhereNode): ConditionReads {
  switch (node.kind) {
    case 'and':
    case 'or':
      return combine(node.children.map(readsOfCondition));
    case 'not':
      return readsOfCondition(node.child);
    case 'compare':
    case 'isnull':
    case 'datePart':
      return own([node.column]);
    case 'nothing':
      return own([]);
    case 'compareExpression':
      return combine([own([node.column]), readsOfExpression(node.expression)]);
    // Each reads another table, or (an annotation) rows related to this one.
    case 'subquery':
    case 'exists':
    case 'annotation':
      return BEYOND;
    default:
      return unknownKind(node);
  }
}

export function readsOfExpression(expression: ResolvedExpression): ConditionReads {
  switch (expression.kind) {
    case 'column':
      return own([expression.column]);
    case 'value':
      return own([]);
    case 'operation':
      return combine([readsOfExpression(expression.left), readsOfExpression(expression.right)]);
    // Across a key, out of a subquery, or into another table.
    case 'related':
    case 'outer':
    case 'exists':
    case 'subquery':
      return BEYOND;
    default:
      return unknownKind(expression);
  }
}

function own(columns: string[]): ConditionReads {
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

function unknownKind(node: never): never {
  throw new Error(`A condition of unknown kind: ${JSON.stringify((node as { kind?: unknown }).kind)}.`);
}
