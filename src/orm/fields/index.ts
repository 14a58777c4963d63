import type { FieldOptions, NullableIf, OptionalIf, Typed } from './field.ts';
import type { InstanceOfClass } from '../types.ts';
import {
  AutoField, BigIntegerField, BooleanField, CharField, DateField, DateTimeField, DecimalField, EmailField,
  FloatField, IntegerField, JsonField, SlugField, TextField, URLField, UuidField,
  type CharOptions, type DecimalOptions, type JsonValue,
} from './scalar.ts';
import {
  ForeignKeyField, ManyToManyField, OneToOneField,
  type ForeignKeyOptions, type ManyToManyOptions, type ModelRef, type ModelLike,
} from './relations.ts';

/** `true` when the options make the field the primary key. */
export type PkIf<O> = O extends { primaryKey: true } ? true : false;
/** Optional in `create()` when the field fills itself in (autoNow, autoNowAdd) or may be left out. */
export type AutoOptional<O> = O extends { autoNow: true } ? true : O extends { autoNowAdd: true } ? true : OptionalIf<O>;

/** The phantom types of a scalar field built with options `O`. */
export type Scalar<V, O, Input = V, Optional extends boolean = OptionalIf<O>> = Typed<NullableIf<O, V>, Optional, undefined, PkIf<O>, NullableIf<O, Input>>;

/** The class a model reference points at: the thunk's return type, or any model for labels. */
export type RefClass<R> = R extends () => infer C ? C : ModelLike & (abstract new (...args: any) => any);

/** Facts about a relation for the type layer: its kind, target class and nullability. */
export interface RelationType<K extends 'fk' | 'm2m', C, N extends boolean> {
  kind: K;
  target: C;
  nullable: N;
}

export type IsNull<O> = O extends { null: true } ? true : false;
/** The instances a relation yields: the target model's instance type (see ModelInstance). */
export type TargetInstance<R> = InstanceOfClass<RefClass<R>>;

type DateTimeOptions = FieldOptions<Date | string> & { autoNow?: boolean; autoNowAdd?: boolean };
type DateOptions = FieldOptions<string | Date> & { autoNow?: boolean; autoNowAdd?: boolean };
type StringOptions = FieldOptions<string> & { maxLength?: number };

/** Field builders, used as `f.char({ maxLength: 100 })` after `import { fields as f } from 'trove'`. */
export const fields = {
  /** The auto-increment key every model gets as `id` unless a field is the primary key; declared, it is that same key. */
  auto(): AutoField & Scalar<number, { primaryKey: true }, number, true> {
    return new AutoField() as AutoField & Scalar<number, { primaryKey: true }, number, true>;
  },
  char<const O extends CharOptions>(options: O): CharField & Scalar<string, O> {
    return new CharField(options) as CharField & Scalar<string, O>;
  },
  text<const O extends FieldOptions<string> = {}>(options?: O): TextField & Scalar<string, O> {
    return new TextField(options) as TextField & Scalar<string, O>;
  },
  email<const O extends StringOptions = {}>(options?: O): EmailField & Scalar<string, O> {
    return new EmailField(options) as EmailField & Scalar<string, O>;
  },
  slug<const O extends StringOptions = {}>(options?: O): SlugField & Scalar<string, O> {
    return new SlugField(options) as SlugField & Scalar<string, O>;
  },
  url<const O extends StringOptions = {}>(options?: O): URLField & Scalar<string, O> {
    return new URLField(options) as URLField & Scalar<string, O>;
  },
  integer<const O extends FieldOptions<number> = {}>(options?: O): IntegerField & Scalar<number, O> {
    return new IntegerField(options) as IntegerField & Scalar<number, O>;
  },
  bigInteger<const O extends FieldOptions<number> = {}>(options?: O): BigIntegerField & Scalar<number, O> {
    return new BigIntegerField(options) as BigIntegerField & Scalar<number, O>;
  },
  float<const O extends FieldOptions<number> = {}>(options?: O): FloatField & Scalar<number, O> {
    return new FloatField(options) as FloatField & Scalar<number, O>;
  },
  decimal<const O extends DecimalOptions>(options: O): DecimalField & Scalar<string, O, string | number> {
    return new DecimalField(options) as DecimalField & Scalar<string, O, string | number>;
  },
  boolean<const O extends FieldOptions<boolean> = {}>(options?: O): BooleanField & Scalar<boolean, O> {
    return new BooleanField(options) as BooleanField & Scalar<boolean, O>;
  },
  date<const O extends DateOptions = {}>(options?: O): DateField & Scalar<string, O, string | Date, AutoOptional<O>> {
    return new DateField(options) as DateField & Scalar<string, O, string | Date, AutoOptional<O>>;
  },
  dateTime<const O extends DateTimeOptions = {}>(options?: O): DateTimeField & Scalar<Date, O, Date | string, AutoOptional<O>> {
    return new DateTimeField(options) as DateTimeField & Scalar<Date, O, Date | string, AutoOptional<O>>;
  },
  /**
   * `f.json<MyShape>()`. Nullable JSON is `f.json<MyShape | null>({ null: true })`; the type
   * argument says so to the type layer (create() may then leave it out), the option to the database.
   */
  json<T = JsonValue>(options?: FieldOptions<T>): JsonField<T> & Typed<T, null extends T ? true : false, undefined, false, T> {
    return new JsonField<T>(options) as JsonField<T> & Typed<T, null extends T ? true : false, undefined, false, T>;
  },
  uuid<const O extends FieldOptions<string> = {}>(options?: O): UuidField & Scalar<string, O> {
    return new UuidField(options) as UuidField & Scalar<string, O>;
  },
  foreignKey<const R extends ModelRef, const O extends ForeignKeyOptions>(
    to: R,
    options: O,
  ): ForeignKeyField & Typed<NullableIf<O, TargetInstance<R>>, OptionalIf<O>, RelationType<'fk', RefClass<R>, IsNull<O>>, false> {
    return new ForeignKeyField(to, options) as any;
  },
  oneToOne<const R extends ModelRef, const O extends ForeignKeyOptions>(
    to: R,
    options: O,
  ): OneToOneField & Typed<NullableIf<O, TargetInstance<R>>, OptionalIf<O>, RelationType<'fk', RefClass<R>, IsNull<O>>, PkIf<O>> {
    return new OneToOneField(to, options) as any;
  },
  manyToMany<const R extends ModelRef>(
    to: R,
    options?: ManyToManyOptions,
  ): ManyToManyField & Typed<never, true, RelationType<'m2m', RefClass<R>, false>, false> {
    return new ManyToManyField(to, options) as any;
  },
};

export { Field, type FieldOptions, type Typed, type NullableIf, type OptionalIf } from './field.ts';
export * from './scalar.ts';
export * from './relations.ts';
export * from './on-delete.ts';
