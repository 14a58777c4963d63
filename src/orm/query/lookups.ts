/**
 * A path and its lookup (`author__name__icontains: 'ann'`) as a condition: the row's own column
 * compared, or a relation crossed with a subquery, with what a missing related row makes of it.
 */
import { FieldError, ValidationError } from '../errors.ts';
import type { Field } from '../fields/field.ts';
import { ForeignKeyField, ManyToManyField, modelMetaOf } from '../fields/relations.ts';
import type { ModelMeta, ReverseRelation } from '../meta.ts';
import type { Lookup } from '../types.ts';
import { DATE_TRANSFORMS, isDateField, resolveDateTransform, type DateTransform } from './dates.ts';
import { Expression, resolveExpression, type ResolvedExpression } from '../expressions.ts';
import type { Annotation } from './aggregation.ts';
import { allOf, and, live, liveRows, LOOKUPS, TEXT_LOOKUPS, type Absent, type CompareLookup, type WhereNode } from './where.ts';

/**
 * F() compared across a relation, resolved on the model the call filters: it reads that row from
 * inside the subqueries (the `root` expression), as Django's joins read it beside the joined row.
 */
export class OnFilteredRow {
  constructor(readonly expression: ResolvedExpression) {}
}

export interface PathStep {
  parts: string[];
  value: unknown;
  key: string;
}

export function annotationCondition(annotation: Annotation, rest: string[], key: string, value: unknown): WhereNode {
  const lookup = rest.length === 0 ? 'exact' : rest[0]!;
  if (rest.length > 1 || !['exact', 'gt', 'gte', 'lt', 'lte'].includes(lookup)) {
    throw new FieldError(`'${key}': an annotation takes exact, gt, gte, lt or lte.`);
  }
  if (typeof value !== 'number' && !(value instanceof Date) && typeof value !== 'string' && typeof value !== 'boolean') {
    throw new ValidationError(`'${key}' compares an annotation with ${value === null ? 'null' : typeof value}; give a number.`, annotation.name);
  }
  checkAnnotationValue(annotation, value, key);
  return { kind: 'annotation', annotation, lookup: lookup as 'exact', value };
}

/**
 * What an annotation can be compared with, checked before any SQL: a field's values for a
 * field's own value and for Min() and Max() of one, true or false for Exists(), and a finite
 * number for counts, sums, averages and arithmetic (`'abc'` would reach the database as NaN).
 */
function checkAnnotationValue(annotation: Annotation, value: unknown, key: string): void {
  const finite = typeof value === 'number' && Number.isFinite(value);
  const refuse = (wanted: string) => {
    throw new ValidationError(`'${key}' compares ${annotation.name} with ${JSON.stringify(value)}; give ${wanted}.`, annotation.name);
  };
  if ('computed' in annotation) {
    const { computed } = annotation;
    if (computed.kind === 'column' || computed.kind === 'related') computed.field.clean(value);
    else if (computed.kind === 'exists' && typeof value !== 'boolean') refuse('true or false');
    else if ((computed.kind === 'operation' || computed.kind === 'value') && !finite && typeof value !== 'boolean') refuse('a finite number');
    return;
  }
  const { fn } = annotation.aggregate;
  if ((fn === 'min' || fn === 'max') && annotation.field !== undefined) annotation.field.clean(value);
  else if (!finite) refuse('a finite number');
}

export function resolveSteps(meta: ModelMeta, steps: PathStep[], prefix: string): WhereNode {
  const conditions: WhereNode[] = [];
  let relationGroups: Map<string, PathStep[]> | undefined;
  for (const step of steps) {
    const [head, ...rest] = step.parts as [string, ...string[]];
    const field = head === 'pk' ? meta.pk : meta.field(head);
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
  if (value instanceof Expression || value instanceof OnFilteredRow) {
    if (lookup !== 'exact' && lookup !== 'gt' && lookup !== 'gte' && lookup !== 'lt' && lookup !== 'lte') {
      throw new FieldError(`The lookup '${step.key}' cannot take an expression; exact, gt, gte, lt and lte can.`);
    }
    const expression: ResolvedExpression = value instanceof OnFilteredRow ? { kind: 'root', expression: value.expression } : resolveExpression(field.model, value);
    return { kind: 'compareExpression', field, column, lookup, expression };
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
    const inner = resolveSteps(field.target, normalised, qualified);
    return relationNode(meta, head, inner, matchesNullRow(inner));
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
  const inner = resolveSteps(multiValuedHop(meta, head).target, normalised, qualified);
  return relationNode(meta, head, inner, matchesNullRow(inner));
}

/**
 * `inner` on the rows relation `head` reaches from rows of `meta`, as a subquery. `onMissing` is
 * what `inner` says of a missing related row (see matchesNullRow): when true, rows with no related
 * row match too, as Django's LEFT JOIN gives them.
 */
export function relationNode(meta: ModelMeta, head: string, inner: WhereNode | undefined, onMissing: boolean | undefined): WhereNode {
  const field = meta.field(head);
  if (field instanceof ForeignKeyField) {
    const target = field.target;
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
  const hop = multiValuedHop(meta, head);
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
    case 'root':
      return undefined;
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
export function multiValuedHop(meta: ModelMeta, name: string): Hop {
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

