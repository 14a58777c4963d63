/**
 * The type layer: computes instance, create() and filter() types from a model's field map.
 * Every field built by `f` carries phantom facts (`Typed`); nothing here exists at run time.
 */
import type { Expression } from './expressions.ts';
import type { Field, Typed } from './fields/field.ts';
import type { DateField, DateTimeField } from './fields/scalar.ts';
import type { RelationType } from './fields/index.ts';
import type { Model } from './model.ts';
import type { ManyRelatedManager } from './query/related.ts';

/**
 * Reverse relations by model label, declared by the application so that `author.posts` is typed:
 *
 *     declare module 'trove' {
 *       interface ModelRelations { 'blog.Author': { posts: RelatedManager<Post> } }
 *     }
 *
 * A model's own fields never need this; only the names other models give their relations to it.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface ModelRelations {}

type RelationsOf<L> = L extends keyof ModelRelations ? ModelRelations[L] : unknown;

/** An instance of a model with fields `F` and label `L`. */
export type ModelInstance<F, L extends string = string> = Model & InstanceData<F> & RelationsOf<L>;

/** The label of a model class, read from its phantom `__label`. */
export type LabelOf<C> = C extends { readonly __label?: infer L extends string } ? L : string;

/** An instance of a model the type layer cannot see (relations given by label or `'self'`). */
export type AnyInstance = Model & { [property: string]: any };

/** The instance type of a model class, as its manager returns them. */
export type InstanceOfClass<C> = C extends { readonly __fields?: infer F }
  ? unknown extends F ? AnyInstance : ModelInstance<FieldsOf<C>, LabelOf<C>>
  : AnyInstance;

export type AnyField = Field & Typed<any, boolean, any, boolean, any>;
export type FieldMap = Record<string, AnyField>;

type Facts<Fd> = Fd extends { readonly __types: infer T } ? T : never;
type ValueOf<Fd> = Facts<Fd> extends { value: infer V } ? V : never;
type InputOf<Fd> = Facts<Fd> extends { input: infer I } ? I : never;
type RelOf<Fd> = Facts<Fd> extends { relation: infer R } ? R : never;
type IsOptional<Fd> = Facts<Fd> extends { optional: true } ? true : false;
type IsPk<Fd> = Facts<Fd> extends { pk: true } ? true : false;

type Keys<F> = keyof F & string;
export type ScalarKeys<F> = { [K in Keys<F>]: RelOf<F[K]> extends undefined ? K : never }[Keys<F>];
export type ForeignKeyKeys<F> = { [K in Keys<F>]: RelOf<F[K]> extends RelationType<'fk', any, any> ? K : never }[Keys<F>];
export type ManyToManyKeys<F> = { [K in Keys<F>]: RelOf<F[K]> extends RelationType<'m2m', any, any> ? K : never }[Keys<F>];
type PkKey<F> = { [K in Keys<F>]: IsPk<F[K]> extends true ? K : never }[Keys<F>];

/** The field map of a model class, read from its phantom `__fields`. */
export type FieldsOf<C> = C extends { readonly __fields?: infer F } ? (F extends FieldMap ? F : FieldMap) : FieldMap;
/** The primary key's type: `number` for the automatic `id`. */
export type PkValue<F> = [PkKey<F>] extends [never] ? number : ValueOf<F[PkKey<F>]>;

type TargetClass<Fd> = RelOf<Fd> extends RelationType<any, infer C, any> ? C : never;
type TargetInstance<Fd> = InstanceOfClass<TargetClass<Fd>>;
type NullableRel<Fd> = RelOf<Fd> extends RelationType<any, any, true> ? true : false;
type ForeignKeyId<Fd> = PkValue<FieldsOf<TargetClass<Fd>>> | (NullableRel<Fd> extends true ? null : never);

/** The data properties of an instance. */
export type InstanceData<F> =
  { [K in ScalarKeys<F>]: ValueOf<F[K]> } &
  { [K in ForeignKeyKeys<F>]: ValueOf<F[K]> } &
  { [K in ForeignKeyKeys<F> as `${K}Id`]: ForeignKeyId<F[K]> } &
  { readonly [K in ManyToManyKeys<F>]: ManyRelatedManager<TargetInstance<F[K]>, FieldsOf<TargetClass<F[K]>>> } &
  ([PkKey<F>] extends [never] ? { id: number } : unknown);


type RequiredScalarKeys<F> = { [K in ScalarKeys<F>]: IsOptional<F[K]> extends true ? never : IsPk<F[K]> extends true ? never : K }[ScalarKeys<F>];
type OptionalScalarKeys<F> = Exclude<ScalarKeys<F>, RequiredScalarKeys<F>>;
type RequiredFkKeys<F> = { [K in ForeignKeyKeys<F>]: IsOptional<F[K]> extends true ? never : K }[ForeignKeyKeys<F>];
type OptionalFkKeys<F> = Exclude<ForeignKeyKeys<F>, RequiredFkKeys<F>>;

type FkChoice<F, K extends keyof F & string> = { [P in K]: TargetInstance<F[K]> } | { [P in `${K}Id`]: PkValue<FieldsOf<TargetClass<F[K]>>> };

/**
 * A required foreign key is given either as the object (`author`) or as its key (`authorId`).
 * Each key's choice is a union; the keys' choices are intersected through contravariant inference
 * on a union of functions, which, unlike distributing over the union, keeps each choice whole.
 */
type RequiredFkInput<F> = [RequiredFkKeys<F>] extends [never]
  ? unknown
  : { [K in RequiredFkKeys<F>]: (choice: FkChoice<F, K>) => void }[RequiredFkKeys<F>] extends (choice: infer I) => void
    ? I
    : never;

/** The argument of `create()` and `new Model()`. */
export type CreateInput<F> =
  { [K in RequiredScalarKeys<F>]: InputOf<F[K]> } &
  { [K in OptionalScalarKeys<F>]?: InputOf<F[K]> } &
  { [K in OptionalFkKeys<F>]?: ValueOf<F[K]> } &
  { [K in OptionalFkKeys<F> as `${K}Id`]?: ForeignKeyId<F[K]> } &
  RequiredFkInput<F> &
  ([PkKey<F>] extends [never] ? { id?: number } : unknown);

/** The argument of `save()`-free updates: `qs.update({...})`. Every field optional. */
export type UpdateInput<F> =
  { [K in ScalarKeys<F>]?: InputOf<F[K]> | Expression } &
  { [K in ForeignKeyKeys<F>]?: ValueOf<F[K]> } &
  { [K in ForeignKeyKeys<F> as `${K}Id`]?: ForeignKeyId<F[K]> };

// ---- filters -------------------------------------------------------------------------------

export type Lookup =
  | 'exact' | 'iexact' | 'contains' | 'icontains' | 'startswith' | 'istartswith' | 'endswith'
  | 'iendswith' | 'in' | 'gt' | 'gte' | 'lt' | 'lte' | 'isnull' | 'range';
type TextLookup = 'iexact' | 'contains' | 'icontains' | 'startswith' | 'istartswith' | 'endswith' | 'iendswith';

type LookupValue<V, L extends Lookup> =
  L extends 'in' ? ReadonlyArray<NonNullable<V>>
  : L extends 'isnull' ? boolean
  : L extends 'range' ? readonly [NonNullable<V>, NonNullable<V>]
  : L extends TextLookup ? string
  : L extends 'exact' ? V | null | Expression
  : NonNullable<V> | Expression;

type ScalarEntries<K extends string, V> =
  | [K, V | null | Expression]
  | { [L in Lookup]: [`${K}__${L}`, LookupValue<V, L>] }[Lookup];

type TransformLookup = 'exact' | 'gt' | 'gte' | 'lt' | 'lte' | 'in' | 'range' | 'isnull';
type TransformValue<V, L extends TransformLookup> =
  L extends 'in' ? readonly V[] : L extends 'range' ? readonly [V, V] : L extends 'isnull' ? boolean : V;
type TransformEntries<K extends string, V> =
  | [K, V]
  | { [L in TransformLookup]: [`${K}__${L}`, TransformValue<V, L>] }[TransformLookup];

/** `createdAt__year`, `createdAt__month__gte`, and `createdAt__date` on date-time fields. */
type DateEntries<K extends string, Fd> = Fd extends DateField | DateTimeField
  ? | TransformEntries<`${K}__year`, number>
  | TransformEntries<`${K}__month`, number>
  | TransformEntries<`${K}__day`, number>
  | (Fd extends DateTimeField ? TransformEntries<`${K}__date`, string | Date> : never)
  : never;

type FkEntries<K extends string, Fd, Depth extends unknown[]> =
  | [K, TargetInstance<Fd> | ForeignKeyId<Fd> | Expression]
  | ScalarEntries<`${K}Id`, ForeignKeyId<Fd>>
  | { [L in Lookup]: [`${K}__${L}`, LookupValue<TargetInstance<Fd> | ForeignKeyId<Fd>, L>] }[Lookup]
  | (Depth['length'] extends 2 ? never : PrefixEntries<K, FilterEntries<FieldsOf<TargetClass<Fd>>, [...Depth, unknown]>>);

type PrefixEntries<K extends string, E> = E extends [infer P extends string, infer V] ? [`${K}__${P}`, V] : never;

type FilterEntries<F, Depth extends unknown[] = []> = {
  [K in Keys<F>]: RelOf<F[K]> extends undefined
    ? ScalarEntries<K, ValueOf<F[K]>> | DateEntries<K, F[K]>
    : RelOf<F[K]> extends RelationType<'fk', any, any>
      ? FkEntries<K, F[K], Depth>
      : [K, unknown] | [`${K}__${Lookup}`, unknown];
}[Keys<F>] | ([PkKey<F>] extends [never] ? ScalarEntries<'id', number> | ScalarEntries<'pk', number> : ScalarEntries<'pk', PkValue<F>>);

/**
 * What `filter()` accepts: own fields with their lookups and forward relations, typed. Paths
 * through reverse relations (`posts__title`) are not known to the model's own type and are
 * checked when the query is built.
 */
export type FilterInput<F> = { [E in FilterEntries<F> as E[0]]?: E[1] } & { [path: `${string}__${string}`]: unknown };

type OwnNames<F> = Keys<F> | 'id' | 'pk' | `${ForeignKeyKeys<F>}Id`;

/**
 * Rejects keys the model cannot have: a name that is not a field, or a field with an unknown
 * lookup. A path starting with a name that is not a field is taken as a reverse relation.
 */
export type CheckFilter<F, W> = {
  [K in keyof W]: K extends keyof FilterInput<F>
    ? K extends `${infer Head}__${string}`
      ? Head extends OwnNames<F>
        ? K extends Keys<{ [E in FilterEntries<F> as E[0]]: 1 }>
          ? unknown
          : Head extends ManyToManyKeys<F>
            ? unknown
            : Head extends ForeignKeyKeys<F>
              // Paths are typed two relations deep; deeper ones are checked when the query is built.
              ? K extends `${string}__${string}__${string}__${string}` ? unknown : NotAFilter<K & string>
              : NotAFilter<K & string>
        : unknown
      : unknown
    : NotAFilter<K & string>;
};

/** What a misspelt filter key must be, so that the compiler's message names it. */
type NotAFilter<K extends string> = `'${K}' is not a field, a lookup or a path of this model`;

// ---- orderBy() and selectRelated() ------------------------------------------------------

/**
 * Whether an ordering name (without its `-`) can name a field of the model: own fields and
 * annotations, a foreign key's id, forward paths two levels deep; a path through a reverse
 * relation or deeper than the types follow is checked when the query is built.
 */
type OrderPathOk<F, S extends string> =
  string extends Keys<F> ? true
  : S extends ValueName<F> ? true
  : S extends `${infer Head}__${string}`
    ? Head extends OwnNames<F>
      ? Head extends ManyToManyKeys<F> ? true
        : Head extends ForeignKeyKeys<F> ? (S extends `${string}__${string}__${string}__${string}` ? true : false)
        : false
      : true
    : false;

/**
 * `orderBy()`'s names, each kept as written when the model can have it, else turned into a
 * message the compiler shows: `'titel' is not a field or a path of this model`. A name only
 * known at run time (a `string`) is checked when the query is built.
 */
export type CheckOrderNames<F, N extends readonly unknown[]> = {
  [I in keyof N]: N[I] extends string ? (OrderNameOk<F, N[I]> extends true ? N[I] : NotAField<N[I]>) : N[I];
};

type OrderNameOk<F, S extends string> =
  string extends S ? true
  : S extends '?' ? true
  : S extends `-${infer Rest}` ? (string extends Rest ? true : OrderPathOk<F, Rest>)
  : OrderPathOk<F, S>;

/** Whether `S` is a path of forward foreign keys (`author`, `author__publisher`), or one the types cannot follow. */
type RelatedPathOk<F, S extends string> =
  string extends Keys<F> ? true
  : S extends ForeignKeyKeys<F> ? true
  : S extends `${infer Head}__${infer Rest}`
    ? Head extends ForeignKeyKeys<F> ? RelatedPathOk<FieldsOf<TargetClass<F[Head]>>, Rest>
      : Head extends OwnNames<F> ? false
      // A path through a reverse one-to-one: checked when the query is built.
      : true
    // A reverse one-to-one alone is too (`selectRelated('profile' as string)`): a lone name is
    // far more often a typo than one, and the model's type does not know its reverse relations.
    : false;

/** `selectRelated()`'s names, each a forward relation path, or a message the compiler shows. */
export type CheckRelatedNames<F, N extends readonly string[]> = {
  [I in keyof N]: string extends N[I] ? N[I] : RelatedPathOk<F, N[I]> extends true ? N[I] : NotARelation<N[I]>;
};

type NotAField<S extends string> = `'${S}' is not a field or a path of this model`;
type NotARelation<S extends string> = `'${S}' is not a foreign key or a path of foreign keys of this model`;

// ---- values() ------------------------------------------------------------------------------

type NullIf<N, V> = N extends true ? V | null : V;

/**
 * The names `values()` and `valuesList()` take, each with the type it gives: own fields, a
 * foreign key's id (`author`, `authorId`), and forward paths two levels deep (`author__email`),
 * nullable when a key on the way is.
 */
type ValueEntries<F, Depth extends unknown[] = [], N = false> = {
  [K in Keys<F>]: RelOf<F[K]> extends undefined
    ? [K, NullIf<N, ValueOf<F[K]>>]
    : RelOf<F[K]> extends RelationType<'fk', any, any>
      ?
        | [K, NullIf<N, ForeignKeyId<F[K]>>]
        | [`${K}Id`, NullIf<N, ForeignKeyId<F[K]>>]
        | (Depth['length'] extends 2 ? never : PrefixEntries<K, ValueEntries<FieldsOf<TargetClass<F[K]>>, [...Depth, unknown], N extends true ? true : NullableRel<F[K]>>>)
      : never;
}[Keys<F>] | ([PkKey<F>] extends [never] ? ['id', NullIf<N, number>] | ['pk', NullIf<N, number>] : ['pk', NullIf<N, PkValue<F>>]);

export type ValueName<F> = ValueEntries<F>[0];
export type ValueAt<F, Name> = Extract<ValueEntries<F>, [Name, unknown]>[1];
/** A `values('title', 'author__email')` row: `{ title: string; author__email: string }`. */
export type ValuesRow<F, Names extends string> = { [Name in Names]: ValueAt<F, Name> };
