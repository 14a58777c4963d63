/**
 * Expressions: values computed by the database from a row's own columns. `F('views')` is the
 * column, `F('views').add(1)` arithmetic on it, `Value(x)` a constant. They go where a value
 * goes in `filter()` (`{ likes__gt: F('views') }`) and `update()` (`{ views: F('views').add(1) }`).
 */
import { FieldError } from './errors.ts';
import type { Field } from './fields/field.ts';
import { ManyToManyField } from './fields/relations.ts';
import type { ModelMeta } from './meta.ts';

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
  }
}

export class CombinedExpression extends Expression {
  constructor(readonly operator: ArithmeticOperator, readonly left: Expression, readonly right: Expression) {
    super();
  }
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
  | { readonly kind: 'value'; readonly value: unknown }
  | { readonly kind: 'operation'; readonly operator: ArithmeticOperator; readonly left: ResolvedExpression; readonly right: ResolvedExpression };

export function resolveExpression(meta: ModelMeta, expression: Expression): ResolvedExpression {
  if (expression instanceof FieldReference) {
    if (expression.name.includes('__')) {
      throw new FieldError(`F('${expression.name}'): expressions read the model's own fields; crossing relations is not supported yet.`);
    }
    const field = expression.name === 'pk' ? meta.pk : meta.field(expression.name);
    if (field === undefined || field instanceof ManyToManyField || field.column === undefined) {
      throw new FieldError(`F('${expression.name}'): ${meta.label} has no field '${expression.name}'.`);
    }
    return { kind: 'column', field, column: field.column };
  }
  if (expression instanceof ValueExpression) return { kind: 'value', value: expression.value };
  if (expression instanceof CombinedExpression) {
    return { kind: 'operation', operator: expression.operator, left: resolveExpression(meta, expression.left), right: resolveExpression(meta, expression.right) };
  }
  throw new FieldError('Unknown expression.');
}

/** The columns an expression reads, for NULL handling. */
export function expressionColumns(expression: ResolvedExpression): Array<{ column: string; field: Field }> {
  if (expression.kind === 'column') return [{ column: expression.column, field: expression.field }];
  if (expression.kind === 'value') return [];
  return [...expressionColumns(expression.left), ...expressionColumns(expression.right)];
}
