import type { ColumnType, DialectName } from '../../db/index.ts';
import { ValidationError } from '../errors.ts';
import type { ModelMeta } from '../meta.ts';
import { capitalise } from '../naming.ts';
import type { Validator } from '../validators.ts';

/** Options every field takes, named as in Django. */
export interface FieldOptions<T = unknown> {
  null?: boolean;
  blank?: boolean;
  default?: T | (() => T);
  unique?: boolean;
  dbIndex?: boolean;
  choices?: ReadonlyArray<T | readonly [T, string]>;
  verboseName?: string;
  primaryKey?: boolean;
  /** The column's name when snake_case of the field name will not do. */
  dbColumn?: string;
  helpText?: string;
  /** The field's old name, when it was renamed: `makemigrations` then renames the column and keeps its data. */
  renamedFrom?: string;
  /** Checks `fullClean()` runs on the cleaned value: return a message (or throw a ValidationError) to refuse it. */
  validators?: ReadonlyArray<FieldValidator<T>>;
}

/** A check on a field's value (declared as a method so that fields stay assignable whatever their value type). */
export type FieldValidator<T> = { check(value: T): string | undefined | void }['check'];

/**
 * Type-level facts about a field, carried as a phantom property so that model types can be
 * computed from the field map: the value an instance holds, whether `create()` may omit it,
 * and for relations the model class at the other end. The builders in `f` attach it.
 */
export interface Typed<TValue, TOptional extends boolean, TRelation = undefined, TPk extends boolean = false, TInput = TValue> {
  readonly __types: { value: TValue; optional: TOptional; relation: TRelation; pk: TPk; input: TInput };
}

export abstract class Field<TValue = unknown> {
  /** The property name on instances; set when the model is defined. */
  name = '';
  /** The database column; undefined for fields without one (many-to-many). */
  column: string | undefined = '';
  model!: ModelMeta;

  abstract readonly kind: string;
  abstract readonly columnType: ColumnType | undefined;
  /** A short phrase for error messages: "expected a string". */
  protected abstract readonly expected: string;

  constructor(readonly options: FieldOptions<any> = {}) {}

  /** The property that holds the column's value: the field name, or `<name>Id` for a foreign key. */
  get attname(): string {
    return this.name;
  }

  get nullable(): boolean {
    return this.options.null === true;
  }

  get primaryKey(): boolean {
    return this.options.primaryKey === true;
  }

  get unique(): boolean {
    return this.options.unique === true || this.primaryKey;
  }

  get qualifiedName(): string {
    return `${this.model?.label ?? '?'}.${this.name}`;
  }

  get verboseName(): string {
    return this.options.verboseName ?? this.name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  }

  hasDefault(): boolean {
    return this.options.default !== undefined;
  }

  getDefault(): unknown {
    const d = this.options.default;
    if (typeof d === 'function') return (d as () => unknown)();
    if (d !== undefined) return d;
    return this.nullable ? null : undefined;
  }

  /** True when `create()` may leave the field out. */
  isOptionalOnCreate(): boolean {
    return this.hasDefault() || this.nullable;
  }

  /**
   * Checks a value from user code and returns it in the field's canonical JavaScript form.
   * Throws a ValidationError naming the field.
   */
  clean(value: unknown): TValue | null {
    if (value === null || value === undefined) {
      if (this.nullable) return null;
      throw this.error(`cannot be null`);
    }
    return this.cleanValue(value);
  }

  /**
   * The value `fullClean()` runs the validators on (Django's `to_python`): as clean(), except
   * that a field may leave a bound to its validators, whose message names the column's limit.
   */
  toPython(value: unknown): TValue | null {
    return this.clean(value);
  }

  /** Like clean() for a non-null value; each field kind supplies its own. */
  protected abstract cleanValue(value: unknown): TValue;

  /** The canonical JavaScript value as the driver of `dialect` wants it. */
  toDb(value: TValue | null, _dialect: DialectName): unknown {
    return value;
  }

  /** A value read by the driver of `dialect`, in the field's canonical JavaScript form. */
  fromDb(value: unknown, _dialect: DialectName): TValue | null {
    return value as TValue | null;
  }

  /**
   * The checks `fullClean()` runs on every value of this field on `dialect`'s database, before
   * the user's `validators` (Django's `default_validators`, and an integer column's range).
   */
  builtinValidators(_dialect: DialectName): Validator[] {
    return [];
  }

  /**
   * An error naming the field for a developer (`Field 'blog.Post.pages' expected…`); `fullClean()`
   * shows the user `message`, Django's wording, or else the problem as a sentence.
   */
  protected error(problem: string, message?: string): ValidationError {
    const error = new ValidationError(`Field '${this.qualifiedName}' ${problem}.`, this.qualifiedName);
    error.errors[this.name] = [message ?? `${capitalise(problem)}.`];
    return error;
  }

  /** A value of the wrong kind; `message` is what Django's field says of it. */
  protected refuse(value: unknown, message?: string): ValidationError {
    return this.error(`${this.expected} but got ${describe(value)}`, message);
  }
}

/** A value as Django's messages quote it (`“abc” value must be an integer.`). */
export function quoted(value: unknown): string {
  return `“${typeof value === 'string' ? value : describe(value)}”`;
}

export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value);
  if (value instanceof Date) return `Date(${Number.isNaN(value.getTime()) ? 'invalid' : value.toISOString()})`;
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object' && value !== null) return `an object (${value.constructor?.name ?? 'Object'})`;
  return String(value);
}

/** Type helpers that read options at the type level. */
export type NullableIf<O, T> = O extends { null: true } ? T | null : T;
export type OptionalIf<O> = O extends { default: unknown } ? true : O extends { null: true } ? true : false;
