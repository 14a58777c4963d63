/**
 * The resolved condition tree (`WhereNode`) that every query, update and delete is written from,
 * and the small pieces every part of the resolution shares. Filter arguments become nodes in
 * filter-call.ts (one filter() call, its shared related rows), lookups.ts (a path and its
 * lookup), and aggregate-filter.ts (an aggregate's `filter`).
 */
import type { Field } from '../fields/field.ts';
import type { ModelMeta } from '../meta.ts';
import type { Lookup } from '../types.ts';
import type { DatePart } from './dates.ts';
import type { ResolvedExpression } from '../expressions.ts';
import type { Annotation } from './aggregation.ts';

export const LOOKUPS: ReadonlySet<string> = new Set<Lookup>([
  'exact', 'iexact', 'contains', 'icontains', 'startswith', 'istartswith', 'endswith',
  'iendswith', 'in', 'gt', 'gte', 'lt', 'lte', 'isnull', 'range',
]);
export const TEXT_LOOKUPS: ReadonlySet<string> = new Set(['iexact', 'contains', 'icontains', 'startswith', 'istartswith', 'endswith', 'iendswith']);

export type CompareLookup = Exclude<Lookup, 'isnull'>;

export type WhereNode =
  | { readonly kind: 'and' | 'or'; readonly children: readonly WhereNode[] }
  | { readonly kind: 'not'; readonly child: WhereNode }
  /** `column <lookup> value`; `value` is already cleaned by the field (an array for in/range). */
  | { readonly kind: 'compare'; readonly field: Field; readonly column: string; readonly lookup: CompareLookup; readonly value: unknown }
  | { readonly kind: 'isnull'; readonly column: string; readonly isNull: boolean }
  /** `part(column) <lookup> value` on a date column: `createdAt__month: 3` (see dates.ts). */
  | { readonly kind: 'datePart'; readonly field: Field; readonly column: string; readonly part: DatePart; readonly lookup: 'exact' | 'gt' | 'gte' | 'lt' | 'lte' | 'in' | 'range'; readonly value: number | number[] }
  /** `column IN (SELECT selectColumn FROM table WHERE …)`: how every relation is crossed. */
  | {
      readonly kind: 'subquery'; readonly column: string; readonly nullable: boolean; readonly table: string; readonly selectColumn: string; readonly where: WhereNode | undefined;
      /** Also rows with no related row at all, as Django's LEFT JOIN gives them (see `Absent`). */
      readonly absent?: Absent;
      /**
       * What the condition says when the row it starts from is itself a made-up row of NULLs
       * (a missing row one relation up): then the related row is missing too. Undefined: unknown.
       */
      readonly onMissing?: boolean;
    }
  /** `column <lookup> expression`: `{ likes__gt: F('views') }` (see expressions.ts). */
  | { readonly kind: 'compareExpression'; readonly field: Field; readonly column: string; readonly lookup: 'exact' | 'gt' | 'gte' | 'lt' | 'lte'; readonly expression: ResolvedExpression }
  /** `annotation <lookup> value`: a condition on an annotation (`{ postCount__gt: 2 }`). */
  | { readonly kind: 'annotation'; readonly annotation: Annotation; readonly lookup: 'exact' | 'gt' | 'gte' | 'lt' | 'lte'; readonly value: unknown }
  /** `EXISTS (SELECT 1 FROM table WHERE …)`, the inner conditions referring to the outer row (Exists()). */
  | { readonly kind: 'exists'; readonly table: string; readonly where: WhereNode | undefined }
  /**
   * A condition on the row the query's condition is about, inside a condition written on another
   * row: an aggregate's filter, written on a row along its joins, naming the annotated row.
   */
  | { readonly kind: 'root'; readonly where: WhereNode }
  /** Matches no row, e.g. `id__in: []`. */
  | { readonly kind: 'nothing' };

/**
 * When a condition across a relation holds for a missing related row (`author__name__isnull:
 * true`, `comments__score: null`), Django's join promotion makes it match rows that have no
 * related row: a null key, or no row on the other side at all. Such a row is one whose `column`
 * is null (`nullKey`) or appears in no row of `missing`.
 */
export interface Absent {
  readonly nullKey: boolean;
  readonly missing: { readonly table: string; readonly selectColumn: string; readonly where: WhereNode | undefined } | undefined;
}

/** Rows of a soft-delete model that are not in the trash; undefined for other models. */
export function liveRows(meta: ModelMeta): WhereNode | undefined {
  return meta.softDelete ? { kind: 'isnull', column: SOFT_DELETED_AT, isNull: true } : undefined;
}

/** The column a soft delete stamps; the field is `deletedAt`. */
export const SOFT_DELETED_AT = 'deleted_at';

/** `node`, narrowed to live rows when `meta` soft-deletes: relations never reach into the trash. */
export function live(meta: ModelMeta, node: WhereNode | undefined): WhereNode | undefined {
  const filter = liveRows(meta);
  if (filter === undefined) return node;
  return node === undefined ? filter : and([node, filter]);
}

export function and(children: WhereNode[]): WhereNode {
  if (children.length === 1 && children[0]!.kind !== 'and') return children[0]!;
  const flat = children.flatMap((c) => (c.kind === 'and' ? c.children : [c]));
  return flat.length === 1 ? flat[0]! : { kind: 'and', children: flat };
}

/** Annotations of the queryset, by name: conditions may name them like fields. */
export type Annotations = ReadonlyMap<string, Annotation>;

/** The conjunction of the conditions that say something; undefined when none does. */
export function allOf(children: ReadonlyArray<WhereNode | undefined>): WhereNode | undefined {
  const present = children.filter((c): c is WhereNode => c !== undefined);
  return present.length === 0 ? undefined : and(present);
}

/** The disjunction of the conditions that say something; undefined when none does. */
export function anyOf(children: ReadonlyArray<WhereNode | undefined>): WhereNode | undefined {
  const present = children.filter((c): c is WhereNode => c !== undefined);
  return present.length === 0 ? undefined : present.length === 1 ? present[0] : { kind: 'or', children: present };
}

/** A filter on the primary key of `meta`, for internal use. */
export function pkIn(meta: ModelMeta, values: unknown[]): WhereNode {
  if (values.length === 0) return { kind: 'nothing' };
  return { kind: 'compare', field: meta.pk, column: meta.pk.column!, lookup: 'in', value: values.map((v) => meta.pk.clean(v)) };
}

