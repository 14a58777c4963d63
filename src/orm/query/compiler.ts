/**
 * What a select is (`SelectSpec`, made by the queryset) and its statement, through the statement
 * cache (statement.ts); select.ts writes its SQL.
 */
import type { CompiledQuery } from 'kysely';
import type { Database } from '../../db/index.ts';
import type { Field } from '../fields/field.ts';
import type { ForeignKeyField } from '../fields/relations.ts';
import type { ModelMeta } from '../meta.ts';
import type { NullsOrder, ResolvedExpression } from '../expressions.ts';
import type { Annotation } from './aggregation.ts';
import { writeSelect } from './select.ts';
import { prepareStatement } from './statement.ts';
import type { WhereNode } from './where.ts';

/** A path of forward foreign keys from the queried model, e.g. post -> author. */
export type RelationPath = readonly ForeignKeyField[];

/** Ordering by a field, possibly across forward relations. */
export type FieldOrderTerm = Extract<OrderTerm, { readonly field: Field }>;

export type OrderTerm =
  | { readonly path: RelationPath; readonly field: Field; readonly descending: boolean; readonly annotation?: undefined; readonly expression?: undefined }
  /** Ordering by an annotation: `orderBy('-postCount')`. */
  | { readonly annotation: Annotation; readonly descending: boolean; readonly path?: undefined; readonly field?: undefined; readonly expression?: undefined }
  /** Ordering by an expression: `orderBy(F('rating').desc({ nullsLast: true }))`. */
  | { readonly expression: ResolvedExpression; readonly descending: boolean; readonly nulls: NullsOrder; readonly path?: undefined; readonly field?: undefined; readonly annotation?: undefined };

export interface ValueColumn {
  readonly name: string;
  readonly path: RelationPath;
  readonly field: Field;
}

export interface SelectSpec {
  readonly meta: ModelMeta;
  readonly where: WhereNode | undefined;
  readonly order: readonly OrderTerm[];
  readonly limit: number | undefined;
  readonly offset: number | undefined;
  /** selectRelated paths: joined and hydrated with the rows. */
  readonly related: readonly RelationPath[];
  /** values(): the columns to return instead of whole rows. */
  readonly values: readonly ValueColumn[] | undefined;
  readonly mode: 'rows' | 'count' | 'exists';
  /** SELECT DISTINCT (a count counts the distinct rows). */
  readonly distinct?: boolean;
  /** annotate(): a value per row, selected as `n_<name>`. */
  readonly annotations?: readonly Annotation[];
  /** only()/defer(): the queried model's columns to read; undefined: all of them. */
  readonly columns?: readonly Field[];
  /** values().annotate(): one row per group of the values, the annotations aggregated over it. */
  readonly grouped?: boolean;
  /** selectForUpdate(): lock the rows read until the transaction ends. */
  readonly lock?: RowLock;
}

export interface RowLock {
  /** Skip rows another transaction holds instead of waiting for them. */
  readonly skipLocked?: boolean;
  /** Fail at once instead of waiting for rows another transaction holds. */
  readonly nowait?: boolean;
}

export interface PreparedSelect {
  readonly query: CompiledQuery;
  /** selectRelated path key -> the alias its columns are prefixed with. */
  readonly relatedAliases: ReadonlyMap<string, string>;
}

export function pathKey(path: RelationPath): string {
  return path.map((f) => f.name).join('__');
}

/**
 * The parts of `spec` that its statement holds. A count or an existence test has no ORDER BY
 * (the order changes neither how many rows there are nor whether there is one; Django's count()
 * clears it too), but for a sliced DISTINCT and selects no annotations (conditions on them are in
 * `where`); values() select no annotations unless grouped.
 */
export function statementOf(spec: SelectSpec): SelectSpec {
  // A sliced DISTINCT keeps its ordering: it decides which rows are distinct and which are in
  // the slice (Django keeps the ordering of a sliced query too).
  const sliced = spec.limit !== undefined || spec.offset !== undefined;
  if (spec.mode !== 'rows') return { ...spec, order: spec.distinct && sliced ? spec.order : [], annotations: undefined };
  if (spec.values !== undefined && !spec.grouped && spec.annotations !== undefined) return { ...spec, annotations: undefined };
  return spec;
}

/** The SQL and parameters of a select, its SQL written at most once per shape and database. */
export function prepareSelect(db: Database, given: SelectSpec): PreparedSelect {
  const spec = statementOf(given);
  const { query, result } = prepareStatement(db, (ctx) => writeSelect(spec, ctx));
  return { query, relatedAliases: result };
}
