/**
 * The one way to look inside the condition tree. `partsOf` says, for every node kind, what it
 * holds: conditions on the same row, columns it compares, expressions, queries of other tables
 * and annotations. Walks over the tree (what a condition reads, the HAVING split, where
 * OuterRef() points, the deletion engine's rewrites) are written on these parts, so a new node
 * kind does not compile until `partsOf` and `rebuild` say what it holds, and then every walk
 * sees it.
 */
import type { ResolvedExpression } from '../expressions.ts';
import type { Annotation } from './aggregation.ts';
import type { WhereNode } from './where.ts';

/** A query of another table inside a condition or an expression: its rows are not the outer row. */
export interface NestedQuery {
  readonly table: string;
  readonly where: WhereNode | undefined;
}

export interface ConditionParts {
  /** Conditions on the same row that this node combines (AND, OR, NOT). */
  readonly conditions: readonly WhereNode[];
  /** Columns of the row the node compares itself. */
  readonly columns: readonly string[];
  /** Expressions it compares a column with. */
  readonly expressions: readonly ResolvedExpression[];
  /** Queries of other tables it runs, with their own conditions. */
  readonly queries: readonly NestedQuery[];
  /** The annotation it tests: an aggregate over related rows, or a value computed from the row. */
  readonly annotation: Annotation | undefined;
  /** Conditions on the row the query's condition is about, which is not this row (see the `root` kind). */
  readonly onFilteredRow: readonly WhereNode[];
}

const NO_PARTS: ConditionParts = { conditions: [], columns: [], expressions: [], queries: [], annotation: undefined, onFilteredRow: [] };

export function partsOf(node: WhereNode): ConditionParts {
  switch (node.kind) {
    case 'and':
    case 'or':
      return { ...NO_PARTS, conditions: node.children };
    case 'not':
      return { ...NO_PARTS, conditions: [node.child] };
    case 'compare':
    case 'isnull':
    case 'datePart':
      return { ...NO_PARTS, columns: [node.column] };
    case 'nothing':
      return NO_PARTS;
    case 'compareExpression':
      return { ...NO_PARTS, columns: [node.column], expressions: [node.expression] };
    case 'subquery': {
      const queries: NestedQuery[] = [{ table: node.table, where: node.where }];
      if (node.absent?.missing !== undefined) queries.push(node.absent.missing);
      return { ...NO_PARTS, columns: [node.column], queries };
    }
    case 'exists':
      return { ...NO_PARTS, queries: [{ table: node.table, where: node.where }] };
    case 'annotation':
      return { ...NO_PARTS, annotation: node.annotation };
    case 'root':
      return { ...NO_PARTS, onFilteredRow: [node.where] };
    default:
      return unknownKind(node);
  }
}

export interface ExpressionParts {
  /** Columns of the row it reads. */
  readonly columns: readonly string[];
  readonly expressions: readonly ResolvedExpression[];
  readonly queries: readonly NestedQuery[];
  /** Whether it reads a row other than its own (across a key, or the outer query's). */
  readonly otherRows: boolean;
}

export function partsOfExpression(expression: ResolvedExpression): ExpressionParts {
  const none: ExpressionParts = { columns: [], expressions: [], queries: [], otherRows: false };
  switch (expression.kind) {
    case 'column':
      return { ...none, columns: [expression.column] };
    case 'value':
      return none;
    case 'operation':
      return { ...none, expressions: [expression.left, expression.right] };
    case 'related':
    case 'outer':
      return { ...none, otherRows: true };
    case 'root':
      return { ...none, expressions: [expression.expression], otherRows: true };
    case 'exists':
      return { ...none, queries: [{ table: expression.table, where: expression.where as WhereNode | undefined }] };
    case 'subquery':
      return { ...none, queries: [{ table: expression.meta.table, where: expression.where as WhereNode | undefined }] };
    default:
      return unknownKind(expression);
  }
}

/** Whether `test` holds for `node` or a condition it combines on the same row (not inside other tables' queries). */
export function someOnRow(node: WhereNode, test: (node: WhereNode) => boolean): boolean {
  return test(node) || partsOf(node).conditions.some((child) => someOnRow(child, test));
}

/** What a tree rewrite changes: the conditions (after their children are rewritten), and expressions. */
export interface TreeMap {
  condition?(node: WhereNode): WhereNode;
  expression?(expression: ResolvedExpression): ResolvedExpression;
}

/**
 * `node` rewritten from the leaves up, into other tables' queries and expressions too (where
 * OuterRef() may sit). Nodes are plain data: unchanged parts are shared, fields and models kept.
 */
export function mapTree(node: WhereNode, map: TreeMap): WhereNode {
  const parts = partsOf(node);
  const rebuilt = node.kind === 'annotation' ? { ...node, annotation: mapAnnotation(node.annotation, map) } : rebuild(node, {
    conditions: parts.conditions.map((c) => mapTree(c, map)),
    expressions: parts.expressions.map((e) => mapExpression(e, map)),
    queries: parts.queries.map((q) => ({ table: q.table, where: q.where === undefined ? undefined : mapTree(q.where, map) })),
    onFilteredRow: parts.onFilteredRow.map((c) => mapTree(c, map)),
  });
  return map.condition === undefined ? rebuilt : map.condition(rebuilt);
}

/** An annotation with its computed expression, or its aggregate's filter, rewritten. */
function mapAnnotation(annotation: Annotation, map: TreeMap): Annotation {
  if ('computed' in annotation) return { ...annotation, computed: mapExpression(annotation.computed, map) };
  return annotation.filter === undefined ? annotation : { ...annotation, filter: mapTree(annotation.filter, map) };
}

export function mapExpression(expression: ResolvedExpression, map: TreeMap): ResolvedExpression {
  const parts = partsOfExpression(expression);
  let rebuilt: ResolvedExpression;
  switch (expression.kind) {
    case 'operation':
      rebuilt = { ...expression, left: mapExpression(parts.expressions[0]!, map), right: mapExpression(parts.expressions[1]!, map) };
      break;
    case 'root':
      rebuilt = { ...expression, expression: mapExpression(parts.expressions[0]!, map) };
      break;
    case 'exists':
    case 'subquery': {
      const where = parts.queries[0]!.where;
      rebuilt = { ...expression, where: where === undefined ? undefined : mapTree(where, map) };
      break;
    }
    default:
      rebuilt = expression;
  }
  return map.expression === undefined ? rebuilt : map.expression(rebuilt);
}

/** `node` with new parts, in the order `partsOf` gives them. */
function rebuild(node: WhereNode, parts: Pick<ConditionParts, 'conditions' | 'expressions' | 'queries' | 'onFilteredRow'>): WhereNode {
  switch (node.kind) {
    case 'and':
    case 'or':
      return { kind: node.kind, children: parts.conditions };
    case 'not':
      return { kind: 'not', child: parts.conditions[0]! };
    case 'compare':
    case 'isnull':
    case 'datePart':
    case 'nothing':
    case 'annotation':
      return node;
    case 'compareExpression':
      return { ...node, expression: parts.expressions[0]! };
    case 'subquery': {
      const [query, missing] = parts.queries;
      const absent = node.absent === undefined ? undefined : { nullKey: node.absent.nullKey, missing: missing === undefined ? undefined : { ...node.absent.missing!, where: missing.where } };
      return { ...node, where: query!.where, ...(absent && { absent }) };
    }
    case 'exists':
      return { ...node, where: parts.queries[0]!.where };
    case 'root':
      return { ...node, where: parts.onFilteredRow[0]! };
    default:
      return unknownKind(node);
  }
}

function unknownKind(node: never): never {
  throw new Error(`A condition of unknown kind: ${JSON.stringify((node as { kind?: unknown }).kind)}.`);
}
