/**
 * `Post.objects.raw('select * from blog_post where status = ?', ['draft'])`: SQL of your own,
 * rows back as model instances. Columns are matched to fields by name; other columns become
 * properties (`count(*) as comment_count` gives `comment_count`). `?` marks each parameter on
 * every database (PostgreSQL's `$1` is written for you); quoted text is left alone.
 */
import { CompiledQuery } from 'kysely';
import type { Database, DialectName } from '../../db/index.ts';
import { dialectOf } from '../../db/index.ts';
import { QueryUsageError } from '../errors.ts';
import { hydrate, type InstanceLike } from '../instance.ts';
import type { ModelMeta } from '../meta.ts';

export class RawQuerySet<T> implements PromiseLike<T[]> {
  constructor(
    readonly meta: ModelMeta,
    readonly sql: string,
    readonly params: readonly unknown[],
    private readonly database: () => Database,
  ) {
    if (typeof sql !== 'string' || sql.trim() === '') throw new QueryUsageError('raw() takes an SQL statement.');
    const marks = placeholders(sql).length;
    if (marks !== params.length) throw new QueryUsageError(`raw(): the SQL has ${marks} '?' placeholder${marks === 1 ? '' : 's'} but ${params.length} parameter${params.length === 1 ? ' was' : 's were'} given.`);
  }

  async fetch(): Promise<T[]> {
    const db = this.database();
    const { rows } = await db.execute<Record<string, unknown>>(CompiledQuery.raw(forDialect(this.sql, db.dialect), [...this.params]));
    const columns = new Set(this.meta.concreteFields.map((f) => f.column));
    const pk = this.meta.pk.column!;
    return rows.map((row) => {
      if (!(pk in row)) throw new QueryUsageError(`raw() on ${this.meta.label} must select the primary key column '${pk}'.`);
      const instance: InstanceLike = hydrate(this.meta, row, db);
      for (const field of this.meta.concreteFields) if (!(field.column! in row)) delete instance[field.attname];
      for (const [column, value] of Object.entries(row)) if (!columns.has(column)) instance[column] = value;
      return instance as T;
    });
  }

  then<R1 = T[], R2 = never>(onFulfilled?: ((value: T[]) => R1 | PromiseLike<R1>) | null, onRejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null): Promise<R1 | R2> {
    return this.fetch().then(onFulfilled, onRejected);
  }
}

/** Where the `?` placeholders are, outside quoted text and identifiers. */
function placeholders(sql: string): number[] {
  const at: number[] = [];
  let quote: string | undefined;
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i]!;
    if (quote !== undefined) {
      if (c === quote) quote = sql[i + 1] === quote ? (i++, quote) : undefined;
    } else if (c === "'" || c === '"' || c === '`') {
      quote = c;
    } else if (c === '?') {
      at.push(i);
    }
  }
  return at;
}

/** Raw SQL is written with `?`; each becomes the dialect's placeholder (`$1`… on PostgreSQL). */
function forDialect(sql: string, dialect: DialectName): string {
  const { placeholder } = dialectOf(dialect);
  let out = '';
  let last = 0;
  placeholders(sql).forEach((index, n) => {
    out += sql.slice(last, index) + placeholder(n);
    last = index + 1;
  });
  return out + sql.slice(last);
}
