/**
 * Expressions: values computed by the database from a row's own columns. `F('views')` is the
 * column, `F('views').add(1)` arithmetic on it, `Value(x)` a constant. They go where a value
 * goes in `filter()` (`{ likes__gt: F('views') }`) and `update()` (`{ views: F('views').add(1) }`).
 */
import { FieldError } from './errors.ts';
import type { Field } from './fields/field.ts';
import { ForeignKeyField, ManyToManyField } from './fields/relations.ts';
import type { ModelMeta } from './meta.ts';
import { mapTree } from './query/tree.ts';
import type { WhereNode } from './query/where.ts';

export type ArithmeticOperator = '+' | '-' | '*' | '/';
type Operand = Expression | number;

export abstract class Expression {
  add(other: Operand): Expression {
    return new CombinedExpression('+', this, asExpression(other));
  }
  sub(other: Operand): Expression {
    return new CombinedExpression('-', this, asExpression(other));
  }
  mul(other: Operand): Expression {
    return new CombinedExpression('*', this, asExpression(other));
  }
  div(other: Operand): Expression {
    return new CombinedExpression('/', this, asExpression(other));
  }
  /** For orderBy(): `orderBy(F('rating').desc({ nullsLast: true }))`. */
  asc(options: NullsOrder = {}): OrderByExpression {
    return new OrderByExpression(this, false, options);
  }
  desc(options: NullsOrder = {}): OrderByExpression {
    return new OrderByExpression(this, true, options);
  }
}

export interface NullsOrder {
  /** NULLs before every value (the databases disagree by default). */
  nullsFirst?: boolean;
  /** NULLs after every value. */
  nullsLast?: boolean;
}

/** An ordering by an expression: what `F('x').desc()` gives to `orderBy()`. */
export class OrderByExpression {
  constructor(readonly expression: Expression, readonly descending: boolean, readonly nulls: NullsOrder) {
    if (nulls.nullsFirst && nulls.nullsLast) throw new FieldError('Order NULLs first or last, not both.');
  }
}

/** A column of the row: `F('views')`. */
export class FieldReference extends Expression {
  constructor(readonly name: string) {
    super();
  }
}

/** A constant: `Value(3)`; plain numbers in arithmetic become one. */
export class ValueExpression extends Expression {
  constructor(readonly value: unknown) {
    super();
    // A value is sent as a parameter: one the drivers take as a single value, checked here.
    const plain = value === null || typeof value === 'string' || typeof value === 'boolean' || typeof value === 'bigint' || (typeof value === 'number' && Number.isFinite(value)) || (value instanceof Date && !Number.isNaN(value.getTime()));
    if (!plain) throw new FieldError(`Value() takes null, a string, a finite number, a boolean or a valid Date, not ${Array.isArray(value) ? 'an array' : typeof value === 'number' ? String(value) : typeof value}.`);
  }
}

/** The operators arithmetic may use: an operator is written into SQL, and this constructor is public. */
export const ARITHMETIC_OPERATORS: ReadonlySet<string> = new Set<ArithmeticOperator>(['+', '-', '*', '/']);

export class CombinedExpression extends Expression {
  constructor(readonly operator: ArithmeticOperator, readonly left: Expression, readonly right: Expression) {
    super();
    if (!ARITHMETIC_OPERATORS.has(operator)) throw new FieldError(`Unknown operator ${JSON.stringify(operator)}: arithmetic takes +, -, * and /.`);
    if (!(left instanceof Expression) || !(right instanceof Expression)) throw new FieldError('Arithmetic combines expressions: F(), Value() or numbers.');
  }
}

/** A field of the query around a subquery: `OuterRef('pk')` inside `Exists(…)` or `Subquery(…)`. */
export class OuterReference extends Expression {
  constructor(readonly name: string) {
    super();
  }
}

export function OuterRef(name: string): OuterReference {
  if (typeof name !== 'string' || name === '' || name.includes('__')) throw new FieldError(`OuterRef() takes a field of the outer model, not ${JSON.stringify(name)}.`);
  return new OuterReference(name);
}

/**
 * A single value from another query: `Subquery(Post.objects.filter({ author: OuterRef('pk') })
 * .orderBy('-createdAt').valuesList('title', { flat: true }).slice(0, 1))`. Compared with in
 * filter(): `{ title: Subquery(…) }`.
 */
export class SubqueryExpression extends Expression {
  constructor(readonly queryset: SubquerySource) {
    super();
  }
}

/** What a subquery is built from: a queryset of one column of its model's own. */
export interface SubquerySource {
  readonly meta: ModelMeta;
  readonly state: {
    readonly where: unknown;
    readonly values: ReadonlyArray<{ readonly path: readonly unknown[]; readonly field: Field }> | undefined;
    readonly ordering: ReadonlyArray<{ readonly field?: Field; readonly path?: readonly unknown[]; readonly descending: boolean }> | undefined;
    readonly limit: number | undefined;
    readonly offset: number | undefined;
    readonly union?: unknown;
    readonly grouped?: boolean;
  };
}

export function Subquery(queryset: SubquerySource): SubqueryExpression {
  const values = queryset.state.values;
  if (values === undefined || values.length !== 1 || values[0]!.path.length > 0) {
    throw new FieldError('Subquery() takes a queryset of one field of its own model: .values(\'x\') or .valuesList(\'x\', { flat: true }).');
  }
  if (queryset.state.offset !== undefined) throw new FieldError('Subquery() takes a queryset without an offset: slice(0, 1).');
  if (queryset.state.union !== undefined) throw new FieldError('Subquery() takes a queryset that is not a union.');
  if (queryset.state.grouped) throw new FieldError('Subquery() takes a queryset that is not grouped (values().annotate()).');
  return new SubqueryExpression(queryset);
}

export function F(name: string): FieldReference {
  if (typeof name !== 'string' || name === '') throw new FieldError(`F() takes a field name, not ${JSON.stringify(name)}.`);
  return new FieldReference(name);
}

export function Value(value: unknown): ValueExpression {
  return new ValueExpression(value);
}

function asExpression(operand: Operand): Expression {
  if (operand instanceof Expression) return operand;
  if (typeof operand !== 'number' || !Number.isFinite(operand)) throw new FieldError(`Arithmetic takes F(), Value() or a finite number, not ${String(operand)}.`);
  return new ValueExpression(operand);
}

/** An expression checked against a model: field names become columns. */
export type ResolvedExpression =
  | { readonly kind: 'column'; readonly field: Field; readonly column: string }
  /** A field across forward keys (`F('author__age')`): read through a subquery per key. */
  | { readonly kind: 'related'; readonly field: Field; readonly hops: ReadonlyArray<{ readonly table: string; readonly pk: string; readonly key: string; readonly softDelete: boolean }> }
  /**
   * An expression on the row a condition starts from, compared inside the subqueries that cross
   * relations: F('id') in `filter({ author__age: F('id') })`, resolved on the filtered model.
   */
  | { readonly kind: 'root'; readonly expression: ResolvedExpression }
  /** OuterRef(): named when written, given its column once the outer query is known. */
  | { readonly kind: 'outer'; readonly name: string; readonly column?: string }
  /** Exists() as a value: true when the subquery has a row. */
  | { readonly kind: 'exists'; readonly table: string; readonly where: unknown }
  /** Subquery(): one column of one row of another table. */
  | { readonly kind: 'subquery'; readonly meta: ModelMeta; readonly column: string; readonly where: unknown; readonly order: ReadonlyArray<{ readonly column: string; readonly descending: boolean }> }
  | { readonly kind: 'value'; readonly value: unknown }
  | { readonly kind: 'operation'; readonly operator: ArithmeticOperator; readonly left: ResolvedExpression; readonly right: ResolvedExpression };

export function resolveExpression(meta: ModelMeta, expression: Expression): ResolvedExpression {
  if (expression instanceof FieldReference) {
    if (expression.name.includes('__')) return resolveRelated(meta, expression.name);
    const field = expression.name === 'pk' ? meta.pk : meta.field(expression.name);
    if (field === undefined || field instanceof ManyToManyField || field.column === undefined) {
      throw new FieldError(`F('${expression.name}'): ${meta.label} has no field '${expression.name}'.`);
    }
    return { kind: 'column', field, column: field.column };
  }
  if (expression instanceof ValueExpression) return { kind: 'value', value: expression.value };
  if (expression instanceof OuterReference) return { kind: 'outer', name: expression.name };
  if (expression instanceof SubqueryExpression) {
    const { meta: inner, state } = expression.queryset;
    const order = (state.ordering ?? []).map((t) => {
      if (t.field === undefined || (t.path?.length ?? 0) > 0) throw new FieldError('Subquery(): order by the inner model\'s own fields.');
      return { column: t.field.column!, descending: t.descending };
    });
    return { kind: 'subquery', meta: inner, column: state.values![0]!.field.column!, where: resolveOuterRefs(state.where, meta), order };
  }
  if (expression instanceof CombinedExpression) {
    return { kind: 'operation', operator: expression.operator, left: resolveExpression(meta, expression.left), right: resolveExpression(meta, expression.right) };
  }
  throw new FieldError('Unknown expression.');
}

/** `F('author__age')`: follows forward keys to a field; many-valued relations have no one value. */
function resolveRelated(meta: ModelMeta, name: string): ResolvedExpression {
  const parts = name.split('__');
  const hops: Array<{ table: string; pk: string; key: string; softDelete: boolean }> = [];
  let current = meta;
  for (const [i, part] of parts.entries()) {
    const field = part === 'pk' ? current.pk : current.field(part);
    const last = i === parts.length - 1;
    if (last) {
      if (field === undefined || field instanceof ManyToManyField || field.column === undefined) throw new FieldError(`F('${name}'): ${current.label} has no field '${part}'.`);
      return { kind: 'related', field, hops };
    }
    if (!(field instanceof ForeignKeyField)) {
      throw new FieldError(`F('${name}'): '${part}' is not a foreign key of ${current.label} (an expression follows forward keys only: a many-valued relation has no one value).`);
    }
    hops.push({ table: field.target.table, pk: field.target.pk.column!, key: field.column!, softDelete: field.target.softDelete });
    current = field.target;
  }
  throw new FieldError(`F('${name}'): an empty path.`);
}

/** The columns an expression reads, for NULL handling. */
export function expressionColumns(expression: ResolvedExpression): Array<{ column: string; field: Field }> {
  if (expression.kind === 'column') return [{ column: expression.column, field: expression.field }];
  if (expression.kind !== 'operation') return [];
  return [...expressionColumns(expression.left), ...expressionColumns(expression.right)];
}

/**
 * Gives every `OuterRef` in a subquery's conditions its column in `outer`, the model of the
 * query around it. Conditions are plain data, so this copies them (tree.ts), leaving fields and
 * models as they are.
 */
export function resolveOuterRefs(where: unknown, outer: ModelMeta): WhereNode | undefined {
  if (where === undefined) return undefined;
  return mapTree(where as WhereNode, {
    expression(expression) {
      if (expression.kind !== 'outer' || expression.column !== undefined) return expression;
      const { name } = expression;
      const field = name === 'pk' ? outer.pk : outer.field(name);
      if (field === undefined || field.column === undefined) throw new FieldError(`OuterRef('${name}'): ${outer.label} has no field '${name}'.`);
      return { kind: 'outer', name, column: field.column };
    },
  });
}
