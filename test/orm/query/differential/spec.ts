/**
 * What a differential case is made of: rows for a small fixed schema, and querysets written as
 * plain data, so that the same case can be run on Trove (trove.ts), in memory by the reference
 * (reference.ts) and on Django (python.ts, bench/query-diff.ts).
 *
 * The schema, in Django's words:
 *   Author(name, age null)
 *   Tag(name, weight)
 *   Post(title, views, featured, author FK Author related_name 'posts', editor FK Author null
 *        related_name 'edited', createdAt, tags M2M Tag related_name 'posts')
 *   Comment(post FK Post related_name 'comments', parent FK self null related_name 'replies', score null)
 */

export type ModelName = 'Author' | 'Post' | 'Comment' | 'Tag';

export interface AuthorRow { id: number; name: string; age: number | null }
export interface TagRow { id: number; name: string; weight: number }
/** `createdAt` is an ISO date-time in UTC, whole seconds: `2024-01-01T12:30:00Z`. */
export interface PostRow { id: number; title: string; views: number; featured: boolean; authorId: number; editorId: number | null; createdAt: string }
export interface CommentRow { id: number; postId: number; parentId: number | null; score: number | null }

export interface Data {
  authors: AuthorRow[];
  tags: TagRow[];
  posts: PostRow[];
  comments: CommentRow[];
  /** Post.tags: [postId, tagId], each pair once. */
  postTags: Array<[number, number]>;
}

export type FieldKind = 'int' | 'text' | 'bool' | 'datetime';

/** A relation as the reference walks it. */
export type Relation =
  | { kind: 'one'; to: ModelName; key: string; nullable: boolean }
  | { kind: 'many'; to: ModelName; key: string }
  | { kind: 'm2m'; to: ModelName; side: 'post' | 'tag' };

export interface ModelSchema {
  fields: Record<string, { kind: FieldKind; nullable: boolean; column: string }>;
  relations: Record<string, Relation>;
}

export const SCHEMA: Record<ModelName, ModelSchema> = {
  Author: {
    fields: { id: { kind: 'int', nullable: false, column: 'id' }, name: { kind: 'text', nullable: false, column: 'name' }, age: { kind: 'int', nullable: true, column: 'age' } },
    relations: { posts: { kind: 'many', to: 'Post', key: 'authorId' }, edited: { kind: 'many', to: 'Post', key: 'editorId' } },
  },
  Tag: {
    fields: { id: { kind: 'int', nullable: false, column: 'id' }, name: { kind: 'text', nullable: false, column: 'name' }, weight: { kind: 'int', nullable: false, column: 'weight' } },
    relations: { posts: { kind: 'm2m', to: 'Post', side: 'tag' } },
  },
  Post: {
    fields: {
      id: { kind: 'int', nullable: false, column: 'id' },
      title: { kind: 'text', nullable: false, column: 'title' },
      views: { kind: 'int', nullable: false, column: 'views' },
      featured: { kind: 'bool', nullable: false, column: 'featured' },
      createdAt: { kind: 'datetime', nullable: false, column: 'created_at' },
    },
    relations: {
      author: { kind: 'one', to: 'Author', key: 'authorId', nullable: false },
      editor: { kind: 'one', to: 'Author', key: 'editorId', nullable: true },
      comments: { kind: 'many', to: 'Comment', key: 'postId' },
      tags: { kind: 'm2m', to: 'Tag', side: 'post' },
    },
  },
  Comment: {
    fields: { id: { kind: 'int', nullable: false, column: 'id' }, score: { kind: 'int', nullable: true, column: 'score' } },
    relations: {
      post: { kind: 'one', to: 'Post', key: 'postId', nullable: false },
      parent: { kind: 'one', to: 'Comment', key: 'parentId', nullable: true },
      replies: { kind: 'many', to: 'Comment', key: 'parentId' },
    },
  },
};

// ---- querysets -------------------------------------------------------------------------------

export type Lookup =
  | 'exact' | 'iexact' | 'contains' | 'icontains' | 'startswith' | 'istartswith' | 'endswith' | 'iendswith'
  | 'in' | 'gt' | 'gte' | 'lt' | 'lte' | 'range' | 'isnull';
export type Compare = 'exact' | 'gt' | 'gte' | 'lt' | 'lte';
export type Scalar = number | string | boolean | null;

/**
 * `path` is relations then a field (`posts__views`), or relations only (`posts`, `editor`: the
 * related key). `value` for in/range is an array.
 */
export interface Leaf { kind: 'leaf'; path: string; lookup: Lookup; value: Scalar | Scalar[] }

/** An expression of F()s and whole numbers: `F('author__age').add(1)`. */
export type Expr =
  | { kind: 'f'; name: string }
  | { kind: 'n'; value: number }
  | { kind: 'op'; op: 'add' | 'sub' | 'mul' | 'div'; left: Expr; right: Expr };

/** `views__gt: F('author__age')`. */
export interface FLeaf { kind: 'fleaf'; path: string; lookup: Compare; expr: Expr }

export type Condition = Leaf | FLeaf;

/** A Q tree: `Q({ a, b })` (a dictionary), `Q(a).and(Q(b))` (`&`), `.or` (`|`), `.not()` (`~`), `Q()`. */
export type QNode =
  | { kind: 'dict'; items: Condition[] }
  | { kind: 'and' | 'or'; children: QNode[] }
  | { kind: 'not'; child: QNode }
  | { kind: 'empty' };

/** One argument of filter()/exclude(): a dictionary, or a Q. */
export type FilterArg = { kind: 'dict'; items: Condition[] } | { kind: 'q'; node: QNode };

export type AggFn = 'count' | 'sum' | 'avg' | 'min' | 'max';
export interface Agg { fn: AggFn; source: string; distinct: boolean; filter?: QNode }

export type OrderTerm =
  /** `'-views'`, `'author__age'`, an annotation's name. */
  | { kind: 'name'; name: string; desc: boolean }
  /** `F('age').desc({ nullsLast: true })`, or an expression with arithmetic. */
  | { kind: 'expr'; expr: Expr; desc: boolean; nulls?: 'first' | 'last' };

export type Step =
  | { kind: 'filter' | 'exclude'; args: FilterArg[] }
  | { kind: 'annotate'; items: Array<{ name: string; agg: Agg }> }
  | { kind: 'values'; names: string[]; shape: 'object' | 'list' | 'flat' }
  | { kind: 'orderBy'; terms: OrderTerm[] }
  | { kind: 'distinct' };

export type Terminal =
  | { kind: 'fetch' }
  | { kind: 'slice'; start: number; end: number }
  | { kind: 'first' }
  | { kind: 'last' }
  | { kind: 'count' }
  | { kind: 'exists' }
  | { kind: 'aggregate'; items: Array<{ name: string; agg: Agg }> };

export interface QuerySpec { area: string; model: ModelName; steps: Step[]; terminal: Terminal }

export interface Case { data: Data; queries: QuerySpec[] }

// ---- results -----------------------------------------------------------------------------------

/** A value as both sides report it: numbers, text, booleans, ISO date-times, null. */
export type Out = Scalar | Out[] | { [k: string]: Out };

/**
 * What a query gives, normalised. `rows` are in the query's order; `groups` (from the reference
 * only) says which consecutive rows the ordering cannot tell apart (sizes adding up to the rows).
 */
export type Result =
  | { kind: 'rows'; rows: Out[]; ordered: boolean }
  | { kind: 'value'; value: Out }
  | { kind: 'error'; message: string };

// ---- helpers shared by the three sides ---------------------------------------------------------

export function conditionKey(c: Condition): string {
  return c.lookup === 'exact' && c.kind === 'leaf' ? c.path : `${c.path}__${c.lookup}`;
}

/** Date-times in ISO form, whole seconds, UTC. */
export function isoSeconds(value: Date | string): string {
  const date = value instanceof Date ? value : new Date(value);
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Averages are compared to two decimals: MySQL gives four. */
export function roundAvg(value: number | null): number | null {
  return value === null ? null : Math.round(value * 100) / 100;
}
