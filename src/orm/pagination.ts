/**
 * Pagination: Django's `Paginator` and `Page` (numbered pages: COUNT and OFFSET), and a keyset
 * paginator for tables too big for either (each page starts after the last row of the one
 * before, found through an index, whatever the page's depth).
 */
import { QueryUsageError } from './errors.ts';
import type { Field } from './fields/field.ts';
import type { InstanceLike } from './instance.ts';
import type { FieldOrderTerm as OrderTerm } from './query/compiler.ts';
import { resolveOrdering } from './query/paths.ts';
import type { QuerySet } from './query/queryset.ts';
import type { WhereNode } from './query/where.ts';

/** A page number that is not a whole number, or past the last page. */
export class InvalidPage extends Error {
  override name = 'InvalidPage';
}
export class PageNotAnInteger extends InvalidPage {
  override name = 'PageNotAnInteger';
}
export class EmptyPage extends InvalidPage {
  override name = 'EmptyPage';
}

export interface PaginatorOptions {
  /** A last page with this many rows or fewer joins the page before it (Django's orphans). */
  orphans?: number;
  /** Whether page 1 of nothing is a page (default) or an EmptyPage. */
  allowEmptyFirstPage?: boolean;
}

/** One page: its rows and where it sits among the others. */
export class Page<T> {
  constructor(
    readonly objectList: readonly T[],
    readonly number: number,
    readonly paginator: Paginator<T>,
  ) {}

  get hasNext(): boolean {
    return this.number < this.paginator.numPagesKnown!;
  }

  get hasPrevious(): boolean {
    return this.number > 1;
  }

  get hasOtherPages(): boolean {
    return this.hasNext || this.hasPrevious;
  }

  nextPageNumber(): number {
    return this.paginator.validateNumber(this.number + 1);
  }

  previousPageNumber(): number {
    return this.paginator.validateNumber(this.number - 1);
  }

  /** The 1-based index of the page's first row among all rows (0 when there are none). */
  get startIndex(): number {
    return this.paginator.countKnown === 0 ? 0 : this.paginator.perPage * (this.number - 1) + 1;
  }

  /** The 1-based index of the page's last row. */
  get endIndex(): number {
    return this.number === this.paginator.numPagesKnown ? this.paginator.countKnown! : this.number * this.paginator.perPage;
  }

  get length(): number {
    return this.objectList.length;
  }

  [Symbol.iterator](): Iterator<T> {
    return this.objectList[Symbol.iterator]();
  }
}

/**
 * `new Paginator(Post.objects.orderBy('-createdAt'), 25)`, then `await paginator.page(2)`. The
 * count is one COUNT query, made once; each page is one query with LIMIT and OFFSET. Order the
 * queryset: without an ordering, rows may move between pages.
 */
export class Paginator<T> {
  readonly orphans: number;
  readonly allowEmptyFirstPage: boolean;
  private counted: number | undefined;

  constructor(readonly queryset: QuerySet<T, any>, readonly perPage: number, options: PaginatorOptions = {}) {
    if (!Number.isInteger(perPage) || perPage <= 0) throw new QueryUsageError(`perPage must be a positive whole number; got ${perPage}.`);
    this.orphans = options.orphans ?? 0;
    if (!Number.isInteger(this.orphans) || this.orphans < 0) throw new QueryUsageError(`orphans must be a whole number of 0 or more; got ${this.orphans}.`);
    this.allowEmptyFirstPage = options.allowEmptyFirstPage ?? true;
  }

  /** How many rows there are (one COUNT query, the first time). */
  async count(): Promise<number> {
    return (this.counted ??= await this.queryset.count());
  }

  async numPages(): Promise<number> {
    return this.pagesFor(await this.count());
  }

  /** `[1, 2, …, numPages]`. */
  async pageRange(): Promise<number[]> {
    return Array.from({ length: await this.numPages() }, (_, i) => i + 1);
  }

  /** @internal The count once known, for Page's synchronous getters. */
  get countKnown(): number | undefined {
    return this.counted;
  }

  /** @internal */
  get numPagesKnown(): number | undefined {
    return this.counted === undefined ? undefined : this.pagesFor(this.counted);
  }

  private pagesFor(count: number): number {
    if (count === 0 && !this.allowEmptyFirstPage) return 0;
    return Math.max(1, Math.ceil(Math.max(0, count - this.orphans) / this.perPage));
  }

  /** Checks a page number: a whole number from 1 to numPages (PageNotAnInteger, EmptyPage otherwise). */
  validateNumber(number: unknown): number {
    const n = typeof number === 'string' && /^\s*-?\d+\s*$/.test(number) ? Number(number) : number;
    if (typeof n !== 'number' || !Number.isInteger(n)) throw new PageNotAnInteger(`That page number is not an integer: ${JSON.stringify(number)}.`);
    if (n < 1) throw new EmptyPage('That page number is less than 1.');
    const pages = this.numPagesKnown;
    if (pages !== undefined && n > pages && !(n === 1 && this.allowEmptyFirstPage)) throw new EmptyPage('That page contains no results.');
    return n;
  }

  /** Page `number` (1-based); throws PageNotAnInteger or EmptyPage for a bad number. */
  async page(number: number | string): Promise<Page<T>> {
    await this.count();
    const n = this.validateNumber(number);
    const start = (n - 1) * this.perPage;
    let end = start + this.perPage;
    if (end + this.orphans >= this.counted!) end = this.counted!;
    const rows = end <= start ? [] : await this.queryset.slice(start, end);
    return new Page(rows, n, this);
  }

  /** Like page(), but a bad number gives page 1 and a number past the end the last page (Django's get_page). */
  async getPage(number: unknown): Promise<Page<T>> {
    await this.count();
    try {
      return await this.page(this.validateNumber(number));
    } catch (error) {
      if (error instanceof PageNotAnInteger) return this.page(1);
      if (error instanceof EmptyPage) return this.page(Math.max(1, this.numPagesKnown!));
      throw error;
    }
  }
}

// ---- keyset pagination --------------------------------------------------------------------

export interface KeysetPage<T> {
  readonly objectList: readonly T[];
  /** Pass as `after` for the next page; undefined on the last page. */
  readonly nextCursor: string | undefined;
  readonly hasNext: boolean;
}

/**
 * Pages through a huge table without COUNT or OFFSET: `new KeysetPaginator(qs, 100, ['-createdAt'])`,
 * then `page()` and `page({ after: previous.nextCursor })`. The ordering fields must be the
 * model's own and NOT NULL; the primary key is added when they are not unique, so that rows
 * with equal values neither repeat nor vanish between pages. A cursor is an opaque string.
 */
export class KeysetPaginator<T> {
  readonly order: readonly OrderTerm[];

  constructor(readonly queryset: QuerySet<T, any>, readonly perPage: number, ordering: readonly string[] = ['pk']) {
    if (!Number.isInteger(perPage) || perPage <= 0) throw new QueryUsageError(`perPage must be a positive whole number; got ${perPage}.`);
    if (queryset.isSliced) throw new QueryUsageError('A keyset paginator takes a queryset that is not sliced.');
    const meta = queryset.meta;
    const terms = resolveOrdering(meta, ordering);
    for (const term of terms) {
      if (term.path.length > 0) throw new QueryUsageError(`A keyset paginator orders by the model's own fields; '${term.path.map((f) => f.name).join('__')}__${term.field.name}' crosses a relation.`);
      if (term.field.nullable) throw new QueryUsageError(`A keyset paginator cannot order by ${term.field.qualifiedName}: it may be NULL, and NULLs have no place in a keyset.`);
    }
    const unique = terms.some((t) => t.field.unique && !t.field.nullable);
    this.order = unique ? terms : [...terms, { path: [], field: meta.pk, descending: terms.at(-1)?.descending ?? false }];
  }

  async page(options: { after?: string } = {}): Promise<KeysetPage<T>> {
    let qs = this.queryset.orderBy(...this.order.map((t) => `${t.descending ? '-' : ''}${t.field.name}`));
    if (options.after !== undefined) qs = qs.where(this.after(this.decode(options.after)));
    const rows = await qs.slice(0, this.perPage + 1);
    const hasNext = rows.length > this.perPage;
    const objectList = hasNext ? rows.slice(0, this.perPage) : rows;
    const last = objectList.at(-1) as InstanceLike | undefined;
    return { objectList, hasNext, nextCursor: hasNext && last !== undefined ? this.encode(this.order.map((t) => last[t.field.attname])) : undefined };
  }

  /** Rows after `values` in the ordering: (a > x) or (a = x and b > y) or … */
  private after(values: readonly unknown[]): WhereNode {
    const compare = (term: OrderTerm, lookup: 'exact' | 'gt' | 'lt', value: unknown): WhereNode => ({ kind: 'compare', field: term.field, column: term.field.column!, lookup, value });
    const branches = this.order.map((term, i): WhereNode => ({
      kind: 'and',
      children: [
        ...this.order.slice(0, i).map((earlier, j) => compare(earlier, 'exact', values[j])),
        compare(term, term.descending ? 'lt' : 'gt', values[i]),
      ],
    }));
    return { kind: 'or', children: branches };
  }

  private encode(values: readonly unknown[]): string {
    const plain = values.map((v) => (v instanceof Date ? { date: v.toISOString() } : v));
    return Buffer.from(JSON.stringify(plain)).toString('base64url');
  }

  private decode(cursor: string): unknown[] {
    let values: unknown;
    try {
      values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    } catch {
      throw new InvalidPage('That cursor is not one this paginator made.');
    }
    if (!Array.isArray(values) || values.length !== this.order.length) throw new InvalidPage('That cursor is not one this paginator made.');
    return values.map((value, i) => {
      const field: Field = this.order[i]!.field;
      const raw = value !== null && typeof value === 'object' && 'date' in value ? (value as { date: string }).date : value;
      try {
        return field.clean(raw);
      } catch {
        throw new InvalidPage('That cursor is not one this paginator made.');
      }
    });
  }
}
