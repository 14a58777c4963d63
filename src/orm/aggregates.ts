/**
 * Aggregates: `Count('posts')`, `Sum('price')`, `Avg`, `Min`, `Max`, over the model's own fields
 * or across relations (`Sum('posts__views')`), optionally `{ distinct: true }` and
 * `{ filter: Q(…) }`. They go in `aggregate()` (one row for the whole queryset) and `annotate()`
 * (a value per row, or per group after `values()`).
 */
import { Expression } from './expressions.ts';
import type { Field, Typed } from './fields/field.ts';
import type { Exists } from './query/exists.ts';
import { FieldError } from './errors.ts';
import type { Q } from './query/q.ts';

export type AggregateFunction = 'count' | 'sum' | 'avg' | 'min' | 'max';
/** The functions an aggregate may name: its name is written into SQL, and its constructor is public. */
export const AGGREGATE_FUNCTIONS: ReadonlySet<string> = new Set<AggregateFunction>(['count', 'sum', 'avg', 'min', 'max']);

export interface AggregateOptions {
  /** Count (or sum…) each distinct value once. */
  distinct?: boolean;
  /**
   * Only the related rows (or rows) that match, written from the model being annotated as in
   * Django: `Count('posts', { filter: Q({ posts__status: 'published' }) })`; the model's own
   * fields (`Q({ rating__gte: 2 })`) name the annotated row.
   */
  filter?: Q;
}

/** An aggregate whose result is a `R`; the phantom type carries it to `aggregate()`'s result. */
export class Aggregate<R = unknown> extends Expression {
  declare readonly __result?: R;

  constructor(
    readonly fn: AggregateFunction,
    /** A field name or path (`'price'`, `'posts'`, `'posts__views'`); `'*'` for Count('*'). */
    readonly source: string,
    readonly options: AggregateOptions = {},
  ) {
    super();
    if (!AGGREGATE_FUNCTIONS.has(fn)) throw new FieldError(`Unknown aggregate function ${JSON.stringify(fn)}: use Count, Sum, Avg, Min or Max.`);
    if (typeof source !== 'string' || source === '') throw new FieldError(`${fn}() takes a field name or a path, not ${JSON.stringify(source)}.`);
    if (source === '*' && fn !== 'count') throw new FieldError(`Only Count() takes '*'.`);
  }

  get name(): string {
    return `${this.fn.charAt(0).toUpperCase()}${this.fn.slice(1)}('${this.source}')`;
  }
}

export function Count(source: string, options?: AggregateOptions): Aggregate<number> {
  return new Aggregate<number>('count', source, options);
}

export function Sum(source: string, options?: AggregateOptions): Aggregate<number | null> {
  return new Aggregate<number | null>('sum', source, options);
}

export function Avg(source: string, options?: AggregateOptions): Aggregate<number | null> {
  return new Aggregate<number | null>('avg', source, options);
}

/** The smallest value; its type is the field's (`Min<Date>('createdAt')`), a number by default. */
export function Min<R = number>(source: string, options?: AggregateOptions): Aggregate<R | null> {
  return new Aggregate<R | null>('min', source, options);
}

export function Max<R = number>(source: string, options?: AggregateOptions): Aggregate<R | null> {
  return new Aggregate<R | null>('max', source, options);
}

/** What `aggregate({ n: Count('id') })` resolves to: `{ n: number }`; `Exists(…)` gives a boolean. */
export type AggregateResult<A> = { -readonly [K in keyof A]: A[K] extends Aggregate<infer R> ? R : A[K] extends Exists ? boolean : unknown };

/**
 * Annotations seen by the type layer as read-only fields, so that filter(), orderBy() and
 * values() check their names and values as they check fields' (`{ postCount__gte: 2 }`).
 */
export type AnnotatedFields<R> = { readonly [K in keyof R]: Field & Typed<R[K], true, undefined, false, R[K]> };

/** What annotate() takes: aggregates, expressions computed per row, and Exists(). */
export type AnnotationInput = Aggregate<unknown> | Expression | Exists;
