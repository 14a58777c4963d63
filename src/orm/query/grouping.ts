/**
 * `values('status').annotate({ n: Count('id') })`: one row per distinct set of values, with
 * aggregates over each group's rows: GROUP BY the values, conditions on aggregates in HAVING.
 */
import { sql, type RawBuilder } from 'kysely';
import type { DialectName } from '../../db/index.ts';
import { Aggregate, type AggregateFunction } from '../aggregates.ts';
import { FieldError } from '../errors.ts';
import { aggregateCall, annotationExpression, isComputed, type Annotation, type CompileCondition, type ResolvedAggregate } from './aggregation.ts';
import { annotationParam, bindAnnotation, bindWhere, type Binding, type Builder, type CompileContext } from './conditions.ts';
import type { SelectSpec } from './compiler.ts';
import type { WhereNode } from './where.ts';

type AnnotationCondition = Extract<WhereNode, { kind: 'annotation' }>;

/** The conditions on rows (WHERE) and those on aggregates (HAVING), split at the top level. */
export function splitHaving(where: WhereNode | undefined): { where: WhereNode | undefined; having: AnnotationCondition[] } {
  if (where === undefined) return { where, having: [] };
  const parts = where.kind === 'and' ? where.children : [where];
  const having = parts.filter((p): p is AnnotationCondition => p.kind === 'annotation');
  const rest = parts.filter((p) => p.kind !== 'annotation');
  if (rest.some(mentionsAnnotation)) throw new FieldError('A condition on an aggregate of a group cannot sit under OR or NOT; filter on it alone.');
  return { where: rest.length === 0 ? undefined : rest.length === 1 ? rest[0] : { kind: 'and', children: rest }, having };
}

function mentionsAnnotation(node: WhereNode): boolean {
  if (node.kind === 'annotation') return true;
  if (node.kind === 'and' || node.kind === 'or') return node.children.some(mentionsAnnotation);
  if (node.kind === 'not') return mentionsAnnotation(node.child);
  return false;
}

/** The grouped query's shape and values, in the order its SQL holds them. */
export function bindGrouped(spec: SelectSpec, b: Binding): void {
  bindAggregatedQuery(spec, b, 'group', bindGroupedAnnotation, (term) => outputColumnOf(spec, term));
}

/**
 * A query whose aggregates are in its SELECT and its HAVING (grouped by values, or joined per
 * row): the aggregates, then WHERE, then HAVING; its ordering names output columns, binding nothing.
 */
function bindAggregatedQuery(spec: SelectSpec, b: Binding, kind: string, bindOne: (annotation: Annotation, b: Binding) => void, orderColumn: (term: SelectSpec['order'][number]) => string): void {
  const { where, having } = splitHaving(spec.where);
  b.key += `${kind}|`;
  for (const annotation of spec.annotations ?? []) bindOne(annotation, b);
  b.key += '|w:';
  bindWhere(where, b);
  b.key += '|h:';
  for (const node of having) {
    bindOne(node.annotation, b);
    b.key += ` ${node.lookup};`;
    b.params.push(annotationParam(node.annotation, node.value, b.dialect));
  }
  b.key += '|o:';
  for (const term of spec.order) b.key += `${orderColumn(term)}${term.descending ? '-' : '+'},`;
}

/**
 * An aggregate over each group. Own columns are aggregated directly. Across a relation, each row
 * of the group first gets its own figure (a correlated subquery, as annotate() gives rows), and
 * the group combines them: counts and sums add up, minima and maxima reduce, an average is the
 * sum of the sums over the sum of the counts. Nothing is joined, so nothing multiplies: Django's
 * joins count a post once per comment when the same query counts comments.
 */
export function groupedExpression(eb: Builder, given: Annotation, ctx: CompileContext, condition: CompileCondition): RawBuilder<unknown> {
  const annotation = aggregateOf(given);
  if (annotation.links.length === 0) return aggregateCall(eb, annotation, 't0', condition, true);
  const perRow = (fn: AggregateFunction) => annotationExpression(eb, { ...annotation, aggregate: new Aggregate(fn, annotation.aggregate.source, annotation.aggregate.options) }, 't0', ctx, condition);
  switch (annotation.aggregate.fn) {
    case 'count':
      return sql`coalesce(sum(${perRow('count')}), 0)`;
    case 'sum':
      return sql`sum(${perRow('sum')})`;
    case 'min':
      return sql`min(${perRow('min')})`;
    case 'max':
      return sql`max(${perRow('max')})`;
    case 'avg':
      return sql`(sum(${perRow('sum')}) * 1.0 / nullif(sum(${perRow('count')}), 0))`;
  }
}

/** The shape and values of groupedExpression, in its order (an average reads the filter twice). */
export function bindGroupedAnnotation(given: Annotation, b: Binding): void {
  const annotation = aggregateOf(given);
  bindAnnotation(annotation, b);
  if (annotation.links.length > 0 && annotation.aggregate.fn === 'avg' && annotation.filter !== undefined) bindWhere(annotation.filter, b);
}

/** An annotation of a grouped or joined query: an aggregate (a computed value has no place there). */
export function aggregateOf(annotation: Annotation): ResolvedAggregate {
  if (isComputed(annotation)) throw new FieldError(`'${annotation.name}' is computed per row; a grouped query takes aggregates.`);
  return annotation;
}

/** Distinct values across a relation do not add up from row to row: the one thing a group cannot combine. */
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
 * The results are the same. PostgreSQL aggregates a join faster than it runs a subquery per row
 * (1.6x, bench/orm-overhead.ts); SQLite the other way round, so it keeps the subqueries.
 */
export function joinsAnnotations(spec: SelectSpec, dialect: DialectName): boolean {
  const annotations = spec.annotations ?? [];
  if (dialect !== 'postgres' || spec.mode !== 'rows' || spec.values !== undefined || annotations.length === 0 || spec.related.length > 0 || spec.distinct || spec.lock !== undefined) return false;
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

/** The shape and values of a joined-annotations query, in the order its SQL holds them. */
export function bindJoinedAnnotations(spec: SelectSpec, b: Binding): void {
  bindAggregatedQuery(spec, b, 'joined', bindAnnotation, (term) => (term.annotation !== undefined ? `n_${term.annotation.name}` : term.field!.column!));
}
