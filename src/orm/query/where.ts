/**
 * Resolves filter arguments (`{ author__name__icontains: 'ann' }`, Q objects) against model
 * metadata into a small tree of conditions. Names and values are checked here, so a bad field,
 * lookup or value fails before any SQL exists.
 */
import { FieldError, QueryUsageError, ValidationError } from '../errors.ts';
import type { Field } from '../fields/field.ts';
import { ForeignKeyField, ManyToManyField, modelMetaOf } from '../fields/relations.ts';
import type { ModelMeta, ReverseRelation } from '../meta.ts';
import type { Lookup } from '../types.ts';
import { DATE_TRANSFORMS, isDateField, resolveDateTransform, type DatePart, type DateTransform } from './dates.ts';
import { Expression, resolveExpression, resolveOuterRefs, type ResolvedExpression } from '../expressions.ts';
import { Exists } from './exists.ts';
import type { Annotation } from './aggregation.ts';
import { Q, type FilterDict } from './q.ts';

export const LOOKUPS: ReadonlySet<string> = new Set<Lookup>([
  'exact', 'iexact', 'contains', 'icontains', 'startswith', 'istartswith', 'endswith',
  'iendswith', 'in', 'gt', 'gte', 'lt', 'lte', 'isnull', 'range',
]);
const TEXT_LOOKUPS: ReadonlySet<string> = new Set(['iexact', 'contains', 'icontains', 'startswith', 'istartswith', 'endswith', 'iendswith']);

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
function live(meta: ModelMeta, node: WhereNode | undefined): WhereNode | undefined {
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

/*
 * An empty condition (`Q()`, `{}`, a dictionary whose values are all undefined) resolves to
 * undefined: no condition at all, as Django's empty Q() is. It drops out of AND and OR (so
 * `Q().or({ name: 'x' })` is `name = 'x'`, the idiom for building "any of these" in a loop),
 * NOT of it is still nothing, and a filter() or exclude() of it leaves the queryset as it was.
 * Compiling it as TRUE instead would make that OR match every row.
 */

/** Resolves `filter(...)` arguments: dictionaries and Q objects, all ANDed; undefined when none says anything. */
export function resolveFilterArgs(meta: ModelMeta, args: ReadonlyArray<FilterDict | Q>, annotations?: Annotations): WhereNode | undefined {
  return allOf(args.map((arg) => (arg instanceof Q ? resolveQ(meta, arg, annotations) : resolveDict(meta, arg, annotations))));
}

/** A Q object's condition; undefined for an empty Q (and for any tree of empty Qs). */
export function resolveQ(meta: ModelMeta, q: Q, annotations?: Annotations): WhereNode | undefined {
  if (q instanceof Exists) {
    const inner = q.queryset;
    const node: WhereNode = { kind: 'exists', table: inner.meta.table, where: resolveOuterRefs(inner.state.where as WhereNode | undefined, meta) };
    return q.negated ? { kind: 'not', child: node } : node;
  }
  const children = q.children.map((child) => (child instanceof Q ? resolveQ(meta, child, annotations) : resolveDict(meta, child, annotations)));
  const node = q.connector === 'and' ? allOf(children) : anyOf(children);
  return q.negated && node !== undefined ? { kind: 'not', child: node } : node;
}

/** The conjunction of the conditions that say something; undefined when none does. */
function allOf(children: ReadonlyArray<WhereNode | undefined>): WhereNode | undefined {
  const present = children.filter((c): c is WhereNode => c !== undefined);
  return present.length === 0 ? undefined : and(present);
}

/** The disjunction of the conditions that say something; undefined when none does. */
function anyOf(children: ReadonlyArray<WhereNode | undefined>): WhereNode | undefined {
  const present = children.filter((c): c is WhereNode => c !== undefined);
  return present.length === 0 ? undefined : present.length === 1 ? present[0] : { kind: 'or', children: present };
}

interface PathStep {
  parts: string[];
  value: unknown;
  key: string;
}

/**
 * Conditions in one dictionary that cross the same multi-valued relation refer to the same
 * related row, as in Django: `{ posts__title: 'a', posts__status: 'x' }` means one post with both.
 */
export function resolveDict(meta: ModelMeta, dict: FilterDict, annotations?: Annotations): WhereNode | undefined {
  if (typeof dict !== 'object' || dict === null || Array.isArray(dict)) {
    throw new FieldError(`filter() takes objects like { title: 'x' } or Q(...), not ${Array.isArray(dict) ? 'an array' : String(dict)}`);
  }
  const steps: PathStep[] = [];
  const onAnnotations: WhereNode[] = [];
  for (const key in dict) {
    const value = dict[key];
    // `filter({ id: params.id })` with the parameter missing must not become "every row" (a
    // get() that finds someone, a delete() that empties the table): undefined is refused.
    if (value === undefined) {
      throw new QueryUsageError(`'${key}' is undefined in { ${key}: undefined }: leave the key out for no condition, or give null to match NULL.`);
    }
    const parts = key.split('__');
    const annotation = annotations?.get(parts[0]!);
    if (annotation !== undefined) onAnnotations.push(annotationCondition(annotation, parts.slice(1), key, value));
    else steps.push({ key, value, parts });
  }
  // No key with a value: no condition (see resolveQ), not a condition that is always true.
  return allOf([steps.length === 0 ? undefined : resolveSteps(meta, steps, ''), ...onAnnotations]);
}

function annotationCondition(annotation: Annotation, rest: string[], key: string, value: unknown): WhereNode {
  const lookup = rest.length === 0 ? 'exact' : rest[0]!;
  if (rest.length > 1 || !['exact', 'gt', 'gte', 'lt', 'lte'].includes(lookup)) {
    throw new FieldError(`'${key}': an annotation takes exact, gt, gte, lt or lte.`);
  }
  if (typeof value !== 'number' && !(value instanceof Date) && typeof value !== 'string' && typeof value !== 'boolean') {
    throw new ValidationError(`'${key}' compares an annotation with ${value === null ? 'null' : typeof value}; give a number.`, annotation.name);
  }
  return { kind: 'annotation', annotation, lookup: lookup as 'exact', value };
}

function resolveSteps(meta: ModelMeta, steps: PathStep[], prefix: string): WhereNode {
  const conditions: WhereNode[] = [];
  let relationGroups: Map<string, PathStep[]> | undefined;
  for (const step of steps) {
    const [head, ...rest] = step.parts as [string, ...string[]];
    const field = head === 'pk' ? meta.pk : meta.field(head);
    if (prefix !== '' && step.value instanceof Expression) {
      throw new FieldError(`'${prefix}${step.key}': F() in a condition across a relation is not supported yet.`);
    }
    if (field !== undefined && !(field instanceof ManyToManyField)) {
      const local = resolveLocal(meta, field, head, rest, step);
      if (local !== undefined) {
        conditions.push(local);
        continue;
      }
    }
    if (field === undefined && meta.reverseRelation(head) === undefined) throw unknownField(meta, head, prefix);
    relationGroups ??= new Map();
    const group = relationGroups.get(head) ?? [];
    group.push({ ...step, parts: rest });
    relationGroups.set(head, group);
  }
  if (relationGroups !== undefined) for (const [head, group] of relationGroups) conditions.push(resolveRelation(meta, head, group, prefix));
  return and(conditions);
}

/** A condition on this model's own column, or undefined when the path leads into the related model. */
function resolveLocal(meta: ModelMeta, field: Field, head: string, rest: string[], step: PathStep): WhereNode | undefined {
  const isForeignKey = field instanceof ForeignKeyField;
  if (isForeignKey && head === field.name && rest.length > 0) {
    // author__id / author__pk compare the local column; author__name needs the related table.
    const [next, ...after] = rest as [string, ...string[]];
    const target = field.target;
    const onTargetPk = next === 'pk' || next === target.pk.name;
    if (LOOKUPS.has(next) && rest.length === 1) return condition(field, next as Lookup, step);
    if (onTargetPk && after.length === 0) return condition(field, 'exact', step);
    if (onTargetPk && after.length === 1 && LOOKUPS.has(after[0]!)) return condition(field, after[0] as Lookup, step);
    return undefined;
  }
  if (rest.length > 0 && rest.length <= 2 && DATE_TRANSFORMS.has(rest[0]!) && isDateField(field)) {
    return resolveDateTransform(field, rest[0] as DateTransform, (rest[1] ?? 'exact') as Lookup, step.value, step.key);
  }
  if (rest.length > 1) {
    throw new FieldError(`Unsupported lookup '${rest.join('__')}' for ${field.kind} field '${meta.label}.${field.name}' in '${step.key}'.`);
  }
  const lookup = rest[0] ?? 'exact';
  if (!LOOKUPS.has(lookup)) {
    throw new FieldError(`Unsupported lookup '${lookup}' for ${field.kind} field '${meta.label}.${field.name}' in '${step.key}'; use one of: ${[...LOOKUPS].join(', ')}.`);
  }
  return condition(field, lookup as Lookup, step);
}

function condition(field: Field, lookup: Lookup, step: PathStep): WhereNode {
  const column = field.column!;
  const { value } = step;
  if (value instanceof Expression) {
    if (lookup !== 'exact' && lookup !== 'gt' && lookup !== 'gte' && lookup !== 'lt' && lookup !== 'lte') {
      throw new FieldError(`The lookup '${step.key}' cannot take an expression; exact, gt, gte, lt and lte can.`);
    }
    return { kind: 'compareExpression', field, column, lookup, expression: resolveExpression(field.model, value) };
  }
  if (lookup === 'isnull') {
    if (typeof value !== 'boolean') throw new ValidationError(`The lookup '${step.key}' takes true or false, not ${String(value)}.`, field.qualifiedName);
    return { kind: 'isnull', column, isNull: value };
  }
  if (value === null) {
    if (lookup === 'exact' || lookup === 'iexact') return { kind: 'isnull', column, isNull: true };
    throw new ValidationError(`The lookup '${step.key}' cannot compare with null; use '__isnull'.`, field.qualifiedName);
  }
  if (lookup === 'in') {
    if (!Array.isArray(value) && !(value instanceof Set)) throw new ValidationError(`The lookup '${step.key}' takes an array.`, field.qualifiedName);
    const items = [...value].map((item) => cleanLookupValue(field, item));
    if (items.length === 0) return { kind: 'nothing' };
    return { kind: 'compare', field, column, lookup, value: items };
  }
  if (lookup === 'range') {
    if (!Array.isArray(value) || value.length !== 2) throw new ValidationError(`The lookup '${step.key}' takes [low, high].`, field.qualifiedName);
    return { kind: 'compare', field, column, lookup, value: value.map((item) => cleanLookupValue(field, item)) };
  }
  if (TEXT_LOOKUPS.has(lookup)) {
    if (typeof value !== 'string') throw new ValidationError(`The lookup '${step.key}' takes a string, not ${typeof value}.`, field.qualifiedName);
    return { kind: 'compare', field, column, lookup: lookup as CompareLookup, value };
  }
  return { kind: 'compare', field, column, lookup: lookup as CompareLookup, value: cleanLookupValue(field, value) };
}

function cleanLookupValue(field: Field, value: unknown): unknown {
  if (value === null || value === undefined) throw new ValidationError(`Field '${field.qualifiedName}' cannot be compared with null here.`, field.qualifiedName);
  // `tags: tag` and `posts__in: [post]` compare the related primary key with an instance.
  const meta = modelMetaOf(value);
  if (meta !== undefined && field.primaryKey && meta.label === field.model.label) {
    value = (value as Record<string, unknown>)[field.attname];
    if (value === null || value === undefined) throw new ValidationError(`Cannot filter by an unsaved ${meta.objectName}.`, field.qualifiedName);
  }
  // Length limits are for stored values; a longer value simply matches nothing.
  try {
    return field.clean(value);
  } catch (error) {
    if (error instanceof ValidationError && /allows at most/.test(error.message) && typeof value === 'string') return value;
    throw error;
  }
}

function resolveRelation(meta: ModelMeta, head: string, steps: PathStep[], prefix: string): WhereNode {
  const field = meta.field(head);
  const qualified = `${prefix}${head}__`;
  // A bare relation (`posts: post`, `tags__in: [...]`, `posts__isnull: true`) compares the related key.
  const normalised = steps.map((step) => {
    if (step.parts.length === 0 || (step.parts.length === 1 && LOOKUPS.has(step.parts[0]!))) {
      return { ...step, parts: ['pk', ...step.parts] };
    }
    return step;
  });
  if (field instanceof ForeignKeyField) {
    const target = field.target;
    const inner = resolveSteps(target, normalised, qualified);
    const onMissing = matchesNullRow(inner);
    // Without a constraint, or with a trash, a key may point at no (live) row: that is absent too.
    const unchecked = !field.dbConstraint || target.softDelete;
    const absent: Absent | undefined = onMissing !== true || !(field.nullable || unchecked)
      ? undefined
      : { nullKey: field.nullable, missing: unchecked ? { table: target.table, selectColumn: target.pk.column!, where: liveRows(target) } : undefined };
    return {
      kind: 'subquery',
      column: field.column!,
      nullable: field.nullable,
      table: target.table,
      selectColumn: target.pk.column!,
      where: live(target, inner),
      ...(absent && { absent }),
      ...(onMissing !== undefined && { onMissing }),
    };
  }
  const isNullStep = normalised.find((s) => s.parts.length === 2 && s.parts[0] === 'pk' && s.parts[1] === 'isnull');
  if (isNullStep !== undefined) {
    // `posts__isnull: true`: authors with no post at all.
    if (normalised.length > 1) throw new FieldError(`'${qualified}isnull' cannot be combined with other conditions on '${head}' in one filter.`);
    const hop = multiValuedHop(meta, head);
    // A missing row has no related rows either.
    const exists: WhereNode = { kind: 'subquery', column: meta.pk.column!, nullable: false, table: hop.table, selectColumn: hop.selectColumn, where: hop.where(undefined), onMissing: false };
    return isNullStep.value === true ? { kind: 'not', child: exists } : exists;
  }
  const hop = multiValuedHop(meta, head);
  const inner = resolveSteps(hop.target, normalised, qualified);
  const onMissing = matchesNullRow(inner);
  const absent: Absent | undefined = onMissing === true
    ? { nullKey: false, missing: { table: hop.table, selectColumn: hop.selectColumn, where: hop.where(undefined) } }
    : undefined;
  return {
    kind: 'subquery', column: meta.pk.column!, nullable: false, table: hop.table, selectColumn: hop.selectColumn, where: hop.where(inner),
    ...(absent && { absent }), ...(onMissing !== undefined && { onMissing }),
  };
}

/**
 * What a condition says of the all-NULL row a LEFT JOIN makes up for a missing related row:
 * true, false, or unknown (undefined), in SQL's three-valued logic.
 */
function matchesNullRow(node: WhereNode): boolean | undefined {
  switch (node.kind) {
    case 'and': {
      const values = node.children.map(matchesNullRow);
      return values.includes(false) ? false : values.every((v) => v === true) ? true : undefined;
    }
    case 'or': {
      const values = node.children.map(matchesNullRow);
      return values.includes(true) ? true : values.every((v) => v === false) ? false : undefined;
    }
    case 'not': {
      const value = matchesNullRow(node.child);
      return value === undefined ? undefined : !value;
    }
    case 'isnull':
      return node.isNull;
    case 'nothing':
      return false;
    case 'compare':
    case 'compareExpression':
    case 'annotation':
    case 'exists':
    case 'datePart':
      return undefined;
    case 'subquery':
      // The made-up row has no related rows either: the condition beyond is judged on NULLs again.
      return node.onMissing;
  }
}

interface Hop {
  target: ModelMeta;
  table: string;
  selectColumn: string;
  /** Wraps the condition on the target into the condition on `table`. */
  where(inner: WhereNode | undefined): WhereNode | undefined;
}

/** Crossing a reverse foreign key or a many-to-many relation (either way) from `meta`. */
function multiValuedHop(meta: ModelMeta, name: string): Hop {
  const field = meta.field(name);
  if (field instanceof ManyToManyField) return manyToManyHop(field, 'forward');
  const relation = meta.reverseRelation(name) as ReverseRelation;
  if (relation.field instanceof ManyToManyField) return manyToManyHop(relation.field, 'reverse');
  const fk = relation.field;
  const notNull: WhereNode = { kind: 'isnull', column: fk.column!, isNull: false };
  return {
    target: relation.relatedModel,
    table: relation.relatedModel.table,
    selectColumn: fk.column!,
    where: (inner) => live(relation.relatedModel, inner === undefined ? notNull : and([notNull, inner])),
  };
}

function manyToManyHop(field: ManyToManyField, direction: 'forward' | 'reverse'): Hop {
  const [near, far] = direction === 'forward' ? [field.sourceLink, field.targetLink] : [field.targetLink, field.sourceLink];
  const target = direction === 'forward' ? field.target : field.model;
  return {
    target,
    table: field.through.table,
    selectColumn: near.column!,
    // Link rows in the trash (an explicit through model with softDelete) link nothing.
    where: (inner) => {
      const reached = live(target, inner);
      return allOf([liveRows(field.through), reached === undefined ? undefined : { kind: 'subquery', column: far.column!, nullable: false, table: target.table, selectColumn: target.pk.column!, where: reached }]);
    },
  };
}

function unknownField(meta: ModelMeta, name: string, prefix: string): FieldError {
  const choices = [
    ...meta.fields.map((f) => f.name),
    ...meta.foreignKeys.map((f) => f.attname),
    ...meta.reverseRelations.filter((r) => !r.hidden).map((r) => r.queryName),
  ];
  return new FieldError(
    `Cannot resolve keyword '${prefix}${name}' into a field of ${meta.label}. Choices are: ${[...new Set(choices)].sort().join(', ')}.`,
  );
}

/** A filter on the primary key of `meta`, for internal use. */
export function pkIn(meta: ModelMeta, values: unknown[]): WhereNode {
  if (values.length === 0) return { kind: 'nothing' };
  return { kind: 'compare', field: meta.pk, column: meta.pk.column!, lookup: 'in', value: values.map((v) => meta.pk.clean(v)) };
}
