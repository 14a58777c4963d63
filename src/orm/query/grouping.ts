/**
 * `values('status').annotate({ n: Count('id') })`: one row per distinct set of values, with
 * aggregates over each group's rows: GROUP BY the values, conditions on aggregates in HAVING.
 */
import type { SqlDialect } from '../../db/index.ts';
import { Aggregate, type AggregateFunction } from '../aggregates.ts';
import { FieldError } from '../errors.ts';
import { writeAggregateCall, writeAnnotation, isComputed, type Annotation, type ResolvedAggregate } from './aggregation.ts';
import type { WriteContext } from './conditions.ts';
import type { SelectSpec } from './compiler.ts';
import { someOnRow } from './tree.ts';
import type { WhereNode } from './where.ts';

type AnnotationCondition = Extract<WhereNode, { kind: 'annotation' }>;

/** The conditions on rows (WHERE) and those on aggregates (HAVING), split at the top level. */
export function splitHaving(where: WhereNode | undefined): { where: WhereNode | undefined; having: AnnotationCondition[] } {
  if (where === undefined) return { where, having: [] };
  const parts = where.kind === 'and' ? where.children : [where];
  const having = parts.filter((p): p is AnnotationCondition => p.kind === 'annotation');
  const rest = parts.filter((p) => p.kind !== 'annotation');
  if (rest.some((node) => someOnRow(node, (n) => n.kind === 'annotation'))) {
    throw new FieldError('A condition on an aggregate of a group cannot sit under OR or NOT; filter on it alone.');
  }
  return { where: rest.length === 0 ? undefined : rest.length === 1 ? rest[0] : { kind: 'and', children: rest }, having };
}

/**
 * An aggregate over each group of rows (`rows`, the queried table's alias). Own columns are
 * aggregated directly, and so are columns across forward keys (`joined`: the aliases along their joins, see
 * `joinedInGroups`). Across a many-valued relation, each row of the group first gets its own
 * figure (a correlated subquery, as annotate() gives rows), and the group combines them: counts
 * and sums add up, minima and maxima reduce, an average is the sum of the sums over the sum of
 * the counts. Nothing many-valued is joined, so nothing multiplies: Django's joins count a post
 * once per comment when the same query counts comments.
 */
export function writeGroupedAggregate(given: Annotation, rows: string, ctx: WriteContext, depth: number, joined: ReadonlyMap<string, readonly string[]>): void {
  const annotation = aggregateOf(given);
  const { w } = ctx;
  // The rows along the aggregate's chain, the grouped row first (its filter may be on any of them).
  const chain = annotation.links.length === 0 ? [rows] : joined.get(given.name);
  if (chain !== undefined) return writeAggregateCall(annotation, chain[chain.length - 1]!, ctx, true, depth, chain);
  const perRow = (fn: AggregateFunction) => writeAnnotation({ ...annotation, aggregate: new Aggregate(fn, annotation.aggregate.source, annotation.aggregate.options) }, rows, ctx, depth);
  switch (annotation.aggregate.fn) {
    case 'count':
      w.text('coalesce(sum(');
      perRow('count');
      return w.text('), 0)');
    case 'sum':
    case 'min':
    case 'max':
      w.text(`${annotation.aggregate.fn}(`);
      perRow(annotation.aggregate.fn);
      return w.text(')');
    case 'avg':
      w.text('(sum(');
      perRow('sum');
      w.text(') * 1.0 / nullif(sum(');
      perRow('count');
      return w.text('), 0))');
  }
}

/**
 * The aggregates of a grouped query that cross forward keys only: each row has at most one
 * related row there, so a LEFT JOIN multiplies nothing and the aggregate reads the joined column
 * directly (a distinct count counts the group's distinct values, as Django's does).
 */
export function joinedInGroups(annotations: readonly Annotation[]): ResolvedAggregate[] {
  return annotations.filter((a): a is ResolvedAggregate => !isComputed(a) && a.links.length > 0 && !a.multiValued);
}

/** An annotation of a grouped or joined query: an aggregate (a computed value has no place there). */
export function aggregateOf(annotation: Annotation): ResolvedAggregate {
  if (isComputed(annotation)) throw new FieldError(`'${annotation.name}' is computed per row; a grouped query takes aggregates.`);
  return annotation;
}

/** Distinct values across a many-valued relation do not add up from row to row: the one thing a group cannot combine. */
export function checkGroupable(annotations: readonly ResolvedAggregate[]): void {
  for (const annotation of annotations) {
    if (annotation.links.length > 0 && annotation.multiValued && annotation.aggregate.options.distinct) {
      throw new FieldError(`${annotation.aggregate.name} with distinct in a grouped query: distinct values across a relation do not add up group by group. Annotate the rows instead, or aggregate() each group with a filter.`);
    }
  }
}

/** Where the grouped query orders by a value it selects: its output column. */
export function outputColumnOf(spec: SelectSpec, term: SelectSpec['order'][number]): string {
  if (term.annotation !== undefined) return `n_${term.annotation.name}`;
  if (term.expression !== undefined) throw new FieldError('A grouped query orders by what it selects, not by an expression.');
  const index = spec.values!.findIndex((v) => v.field === term.field && v.path.length === term.path.length && v.path.every((f, i) => f === term.path[i]));
  if (index < 0) throw new FieldError(`A grouped query orders by what it selects; '${term.field.name}' is not among its values.`);
  return `v${index}`;
}

/**
 * Whether a row's annotations can be computed with one LEFT JOIN and GROUP BY instead of a
 * subquery per annotation: when they all cross the same chain of relations (so nothing
 * multiplies), nothing else is joined, and conditions on them stand at the top level (HAVING).
 * The results are the same; which is faster depends on the database (`prefersJoinedAggregates`).
 */
export function joinsAnnotations(spec: SelectSpec, dialect: SqlDialect): boolean {
  const annotations = spec.annotations ?? [];
  if (!dialect.prefersJoinedAggregates || spec.mode !== 'rows' || spec.values !== undefined || annotations.length === 0 || spec.related.length > 0 || spec.distinct || spec.lock !== undefined) return false;
  if (annotations.some(isComputed)) return false;
  const chain = (a: Annotation) => aggregateOf(a).links.map((l) => `${l.meta.table}.${l.column}=${l.previousColumn}`).join('/');
  if (!annotations.every((a) => chain(a) === chain(annotations[0]!))) return false;
  if (spec.order.some((t) => t.expression !== undefined || (t.annotation === undefined && t.path.length > 0))) return false;
  try {
    splitHaving(spec.where);
  } catch {
    return false;
  }
  return true;
}
