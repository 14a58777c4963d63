/**
 * QuerySet: a lazy, immutable description of a query. Every method returns a new QuerySet;
 * nothing runs until it is awaited, iterated or asked for a count. It is Django's whole API in
 * one class, so it is long; the work is elsewhere (compiler, aggregation, grouping, bulk, union,
 * rows) and the methods here check arguments and delegate.
 */
import { getDatabase, inTransaction, type Database } from '../../db/index.ts';
import type { CompiledQuery } from 'kysely';
import { getDeleter, type DeleteOptions, type DeletePlanLike, type DeleteResult, type OnlineDeleteOptions, type OnlineDeleteStarted, type PlanOptions, type RestoreOptions } from '../deleter.ts';
import { Expression, resolveExpression, type OrderByExpression } from '../expressions.ts';
import { FieldError, MultipleObjectsReturned, ObjectDoesNotExist, QueryUsageError } from '../errors.ts';
import { deferFields, hydrate, type InstanceLike } from '../instance.ts';
import type { ModelMeta } from '../meta.ts';
import type { CheckFilter, CheckOrderNames, CheckRelatedNames, CreateInput, FieldMap, FilterInput, UpdateInput, ValueAt, ValueName, ValuesRow } from '../types.ts';
import { prepareUpdate } from './writes.ts';
import { pathKey, prepareSelect, type OrderTerm, type RelationPath, type RowLock, type SelectSpec, type ValueColumn } from './compiler.ts';
import type { Aggregate, AggregateResult, AnnotatedFields, AnnotationInput } from '../aggregates.ts';
import { addAnnotations, prepareAggregate, prepareAggregateOfRows, readAggregate, resolveAggregates, type ResolvedAggregate } from './aggregation.ts';
import { resolveOrdering, resolveOrderingWith, resolveRelatedPath, resolveValueColumns } from './paths.ts';
import { batches, bulkUpdate, keyField, type BulkUpdateOptions } from './bulk.ts';
import { prefetchInto } from './prefetch.ts';
import { attachRelated, prefetchIo, valuesRow } from './rows.ts';
import { prepareUnion } from './union.ts';
import { Q, type FilterDict } from './q.ts';
import { and, SOFT_DELETED_AT, type Annotations, type WhereNode } from './where.ts';
import { resolveFilterArgs } from './filter-call.ts';

export interface QueryState {
  readonly meta: ModelMeta;
  readonly where: WhereNode | undefined;
  /** undefined: the model's default ordering. */
  readonly ordering: readonly OrderTerm[] | undefined;
  readonly limit: number | undefined;
  readonly offset: number | undefined;
  readonly related: readonly RelationPath[];
  readonly prefetch: readonly string[];
  readonly values: readonly ValueColumn[] | undefined;
  /** How values() rows come: objects, lists (valuesList) or single values (valuesList flat). */
  readonly valuesShape?: 'object' | 'list' | 'flat';
  /** SELECT DISTINCT. */
  readonly distinct?: boolean;
  /** annotate(): values computed per row, by name. */
  readonly annotations?: Annotations;
  /** selectForUpdate(). */
  readonly lock?: RowLock;
  /** annotate() after values(): GROUP BY the values. */
  readonly grouped?: boolean;
  /** only(): the fields to load (the primary key always is); undefined: every field. */
  readonly loadOnly?: ReadonlySet<string>;
  /** defer(): fields not to load. */
  readonly deferred?: ReadonlySet<string>;
  /** union(): the querysets whose rows this one combines. */
  readonly union?: { readonly parts: readonly QueryState[]; readonly all: boolean };
  /** Results known without a query: prefetched relations, none(). */
  readonly resultCache: readonly unknown[] | undefined;
  readonly database: Database | undefined;
}

/** Which rows of a soft-delete model a queryset sees; other models have no trash. */
export type Scope = 'live' | 'all' | 'deleted';

export function initialState(meta: ModelMeta, scope: Scope = 'live'): QueryState {
  let where: WhereNode | undefined;
  if (meta.softDelete && scope !== 'all') where = { kind: 'isnull', column: SOFT_DELETED_AT, isNull: scope === 'live' };
  return { meta, where, ordering: undefined, limit: undefined, offset: undefined, related: [], prefetch: [], values: undefined, resultCache: undefined, database: undefined };
}

/** `where` and `node` together; either may be undefined (no condition). */
function withCondition(where: WhereNode | undefined, node: WhereNode | undefined): WhereNode | undefined {
  return where === undefined ? node : node === undefined ? where : and([where, node]);
}

/** A term ordering the other way, for last(): NULLs put first go last and the other way round, as in Django. */
function reversed(term: OrderTerm): OrderTerm {
  if (term.expression === undefined) return { ...term, descending: !term.descending };
  const { nullsFirst, nullsLast } = term.nulls;
  return { ...term, descending: !term.descending, nulls: { ...(nullsLast && { nullsFirst: true }), ...(nullsFirst && { nullsLast: true }) } };
}

/** What a part of a union selects, as text: the parts of a union must select the same. */
function columnsOf(state: QueryState): string {
  return JSON.stringify([
    state.values?.map((v) => v.name), state.valuesShape, [...(state.loadOnly ?? [])].sort(), [...(state.deferred ?? [])].sort(),
    state.values === undefined || state.grouped ? [...(state.annotations?.keys() ?? [])] : [],
  ]);
}

/** Rows fetched per query when iterating with `for await`. */
const DEFAULT_CHUNK_SIZE = 2000;
/** get() fetches this many rows at most, to say how many matched without loading them all. */
const MAX_GET_RESULTS = 21;
const NO_ORDERING: readonly OrderTerm[] = [];

/** Dictionaries and Q objects, in any order (the first dictionary is type-checked field by field). */
export type FilterArgs<F extends FieldMap, W> = [conditions: W & CheckFilter<F, W>, ...more: Array<Q | FilterDict>] | [first: Q, ...more: Array<Q | FilterDict>] | Q[];

export class QuerySet<T, F extends FieldMap = FieldMap> implements PromiseLike<T[]>, AsyncIterable<T> {
  constructor(readonly state: QueryState) {}

  get meta(): ModelMeta {
    return this.state.meta;
  }

  protected clone<U = T>(patch: Partial<QueryState>): QuerySet<U, F> {
    return new QuerySet<U, F>({ ...this.state, resultCache: undefined, ...patch });
  }

  /** The database this query runs on: `using(db)`, or the default one. */
  get db(): Database {
    return this.state.database ?? getDatabase();
  }

  all(): QuerySet<T, F> {
    return this;
  }

  /** Keeps the rows matching every condition: `filter({ status: 'draft', title__icontains: 'hi' })`. */
  filter<const W extends FilterInput<F>>(...conditions: FilterArgs<F, W>): QuerySet<T, F> {
    return this.addWhere(resolveFilterArgs(this.meta, conditions as Array<FilterDict | Q>, this.state.annotations), 'filter');
  }

  /**
   * Drops the rows matching the conditions; rows where a nullable compared column is NULL stay.
   * An empty condition (`exclude(Q())`) drops nothing, as in Django.
   */
  exclude<const W extends FilterInput<F>>(...conditions: FilterArgs<F, W>): QuerySet<T, F> {
    const node = resolveFilterArgs(this.meta, conditions as Array<FilterDict | Q>, this.state.annotations);
    return this.addWhere(node === undefined ? undefined : { kind: 'not', child: node }, 'exclude');
  }

  /** For internal callers that already hold a resolved condition. */
  where(node: WhereNode): QuerySet<T, F> {
    return this.addWhere(node, 'filter');
  }

  /** `node` ANDed to the conditions; undefined (an empty Q) adds none. */
  private addWhere(node: WhereNode | undefined, action: string): QuerySet<T, F> {
    this.assertNotSliced(action);
    this.assertNotUnion(action);
    return this.clone({ where: withCondition(this.state.where, node) });
  }

  /** `orderBy('-createdAt', 'author__name', F('rating').desc({ nullsLast: true }))`; no arguments clears the ordering. */
  orderBy<const N extends ReadonlyArray<string | Expression | OrderByExpression>>(...names: CheckOrderNames<F, N>): QuerySet<T, F> {
    this.assertNotSliced('reorder');
    return this.clone({ ordering: resolveOrderingWith(this.meta, names, this.state.annotations ?? new Map()) });
  }

  /**
   * Adds a value per row, computed by the database: `annotate({ postCount: Count('posts') })`.
   * Each annotation across a relation is a subquery of its own, so several never multiply each
   * other. Filter and order by them by name: `.filter({ postCount__gte: 2 }).orderBy('-postCount')`.
   */
  annotate<const A extends Record<string, AnnotationInput>>(annotations: A): QuerySet<T & AggregateResult<A>, F & AnnotatedFields<AggregateResult<A>>> {
    this.assertNotSliced('annotate');
    this.assertNotUnion('annotate');
    // After values(), rows are grouped by the values (Django's GROUP BY).
    const all = addAnnotations(this.meta, this.state.annotations, annotations, this.isValues);
    return this.clone({ annotations: all, grouped: this.isValues || this.state.grouped }) as never;
  }

  /** One row of aggregates over the whole queryset: `aggregate({ total: Sum('price'), n: Count('id') })`. */
  async aggregate<const A extends Record<string, Aggregate<unknown>>>(aggregates: A): Promise<AggregateResult<A>> {
    if (this.isSliced) throw new QueryUsageError('aggregate() over a sliced query is not supported: filter instead.');
    this.assertNotUnion('aggregate');
    if (this.state.grouped) throw new QueryUsageError('aggregate() of a grouped values().annotate() queryset is not supported: aggregate the rows, or fetch the groups.');
    const resolved = resolveAggregates(this.meta, aggregates, 'aggregate');
    const db = this.db;
    const row = this.matchesNothing ? {} : (await db.execute<Record<string, unknown>>(this.aggregateQuery(resolved))).rows[0] ?? {};
    return Object.fromEntries(resolved.map((r) => [r.name, readAggregate(r, row[`g_${r.name}`], db.dialect)])) as AggregateResult<A>;
  }

  private aggregateQuery(resolved: readonly ResolvedAggregate[]): CompiledQuery {
    const { values, distinct } = this.state;
    if (!distinct || values === undefined) return prepareAggregate(this.db, this.meta, this.state.where, resolved);
    // Over the distinct rows, each aggregate's column selected with them (as Django does).
    const sources = resolved.map((r) => {
      if (r.filter !== undefined) throw new QueryUsageError(`aggregate() of a distinct values() queryset: ${r.aggregate.name} cannot take a filter; filter the queryset instead.`);
      return r.aggregate.source === '*' ? undefined : resolveValueColumns(this.meta, [r.aggregate.source])[0]!;
    });
    const extra = sources.filter((c): c is ValueColumn => c !== undefined);
    let next = values.length;
    const columns = sources.map((c) => (c === undefined ? undefined : next++));
    const rows = { ...this.spec('rows'), values: [...values, ...extra], order: [], annotations: undefined };
    return prepareAggregateOfRows(this.db, rows, resolved, columns);
  }

  /** Rows `start` to `end` (exclusive), like Django's `qs[start:end]`. */
  slice(start: number, end?: number): QuerySet<T, F> {
    if (!Number.isInteger(start) || start < 0 || (end !== undefined && (!Number.isInteger(end) || end < start))) {
      throw new QueryUsageError(`slice() takes whole numbers with 0 <= start <= end; got (${start}, ${end}). Negative indexing is not supported.`);
    }
    const base = this.state.offset ?? 0;
    const offset = base + start;
    let limit = end === undefined ? undefined : end - start;
    if (this.state.limit !== undefined) {
      const available = Math.max(0, this.state.limit - start);
      limit = limit === undefined ? available : Math.min(limit, available);
    }
    return this.clone({ offset: offset === 0 ? undefined : offset, limit });
  }

  /** Loads forward relations in the same query with joins: `selectRelated('author', 'post__author')`. */
  selectRelated<const N extends readonly string[]>(...names: CheckRelatedNames<F, N>): QuerySet<T, F> {
    this.assertNotUnion('selectRelated() on');
    const related = [...this.state.related];
    const seen = new Set(related.map(pathKey));
    for (const name of names) {
      const path = resolveRelatedPath(this.meta, name);
      // Every prefix is joined anyway; hydrate it too, as Django does.
      for (let i = 1; i <= path.length; i++) {
        const prefix = path.slice(0, i);
        if (!seen.has(pathKey(prefix))) {
          seen.add(pathKey(prefix));
          related.push(prefix);
        }
      }
    }
    return this.clone({ related });
  }

  /** Loads relations of any kind with one extra query each: `prefetchRelated('tags', 'posts__comments')`. */
  prefetchRelated(...names: string[]): QuerySet<T, F> {
    this.assertNotUnion('prefetchRelated() on');
    return this.clone({ prefetch: [...this.state.prefetch, ...names] });
  }

  /** Plain objects with the named fields (all concrete fields when none are named). */
  values(): QuerySet<ValuesRow<F, ValueName<F>>, F>;
  values<const K extends ReadonlyArray<ValueName<F>>>(...names: K): QuerySet<ValuesRow<F, K[number]>, F>;
  values(...names: string[]): QuerySet<unknown, F> {
    this.assertNotUnion('call values() on');
    return this.clone({ values: resolveValueColumns(this.meta, names), valuesShape: 'object', related: [], prefetch: [] });
  }

  /** Lists of the named fields' values, or with `{ flat: true }` and one field, the values themselves. */
  valuesList<K extends ValueName<F>>(name: K, options: { flat: true }): QuerySet<ValueAt<F, K>, F>;
  valuesList<const K extends ReadonlyArray<ValueName<F>>>(...names: K): QuerySet<{ -readonly [I in keyof K]: ValueAt<F, K[I]> }, F>;
  valuesList(...args: Array<string | { flat: boolean }>): QuerySet<unknown, F> {
    const last = args.at(-1);
    const flat = typeof last === 'object' && last.flat === true;
    const names = args.filter((a): a is string => typeof a === 'string');
    this.assertNotUnion('call valuesList() on');
    if (flat && names.length !== 1) throw new QueryUsageError(`valuesList(…, { flat: true }) takes one field; got ${names.length}.`);
    return this.clone({ values: resolveValueColumns(this.meta, names), valuesShape: flat ? 'flat' : 'list', related: [], prefetch: [] });
  }

  /**
   * Locks the rows it reads until the transaction ends (`SELECT … FOR UPDATE`), so that another
   * transaction reading them for update waits: only inside `atomic()`. `{ skipLocked: true }`
   * leaves out rows another transaction holds; `{ nowait: true }` fails at once instead of
   * waiting. On SQLite a writing transaction locks the whole database, so nothing is added.
   */
  selectForUpdate(options: RowLock = {}): QuerySet<T, F> {
    if (options.skipLocked && options.nowait) throw new QueryUsageError('selectForUpdate() takes skipLocked or nowait, not both.');
    this.assertNotUnion('lock');
    return this.clone({ lock: options });
  }

  /**
   * Loads only these fields (and the primary key): `only('title', 'status')`. The others are
   * deferred: reading one is a DeferredFieldError until `refreshFromDb({ fields })` loads it or
   * it is set; `save()` writes the loaded fields only.
   */
  only(...names: Array<keyof T & string>): QuerySet<T, F> {
    this.assertNotUnion('call only() on');
    return this.clone({ loadOnly: new Set(names.map((n) => this.ownField(n, 'only').name)), deferred: undefined });
  }

  /** Leaves these fields out of the rows (see only()): `defer('content')` for a big text column. */
  defer(...names: Array<keyof T & string>): QuerySet<T, F> {
    this.assertNotUnion('call defer() on');
    const deferred = new Set(this.state.deferred);
    for (const name of names) {
      const field = this.ownField(name, 'defer');
      if (field === this.meta.pk) throw new QueryUsageError('defer(): the primary key is always loaded.');
      deferred.add(field.name);
    }
    return this.clone({ deferred });
  }

  private ownField(name: string, method: string) {
    const field = name === 'pk' ? this.meta.pk : this.meta.field(name);
    if (field === undefined || field.column === undefined) throw new FieldError(`${method}(): ${this.meta.label} has no field '${name}' of its own (related fields load with selectRelated()).`);
    return field;
  }

  /**
   * The rows of this queryset and of `others` (of the same model, with the same values()), as
   * one result: duplicates dropped, or kept with `{ all: true }` as the last argument. Order,
   * slice and count it; filter the parts before combining them.
   */
  union(...others: Array<QuerySet<T, F> | { all: boolean }>): QuerySet<T, F> {
    const last = others.at(-1);
    const all = last !== undefined && !(last instanceof QuerySet) ? last.all : false;
    const parts = [this, ...others.filter((o): o is QuerySet<T, F> => o instanceof QuerySet)];
    for (const part of parts) {
      if (part.meta.label !== this.meta.label) throw new QueryUsageError(`union() combines querysets of one model; got ${this.meta.label} and ${part.meta.label}.`);
      if (part.isSliced) throw new QueryUsageError('union() takes querysets that are not sliced: slice the union.');
      if (columnsOf(part.state) !== columnsOf(this.state)) throw new QueryUsageError('union() takes querysets that return the same columns (the same values(), annotate(), only() and defer()).');
      if (part.state.related.length > 0 || part.state.prefetch.length > 0 || part.state.lock !== undefined) {
        throw new QueryUsageError('union() takes querysets without selectRelated(), prefetchRelated() or selectForUpdate(): the union reads the rows of its parts as plain rows.');
      }
    }
    const flattened = parts.flatMap((p) => p.state.union?.parts ?? [p.state]);
    return this.clone({ union: { parts: flattened, all }, where: undefined, ordering: undefined, annotations: undefined });
  }

  /** Leaves out repeated rows (SELECT DISTINCT): with values() or valuesList(), repeated values. */
  distinct(): QuerySet<T, F> {
    this.assertNotUnion('call distinct() on');
    return this.clone({ distinct: true });
  }

  /** A queryset that matches nothing and runs no query. */
  none(): QuerySet<T, F> {
    return this.clone({ where: { kind: 'nothing' }, union: undefined });
  }

  /** Runs on `db` instead of the default database. */
  using(db: Database): QuerySet<T, F> {
    return this.clone({ database: db, resultCache: this.state.resultCache });
  }

  get isSliced(): boolean {
    return this.state.limit !== undefined || this.state.offset !== undefined;
  }

  get isValues(): boolean {
    return this.state.values !== undefined;
  }

  private assertNotSliced(action: string): void {
    if (this.isSliced) throw new QueryUsageError(`Cannot ${action} a query once a slice has been taken.`);
  }

  /**
   * A union's rows come from its parts, whose conditions and columns it does not hold itself:
   * what would change them, or read its conditions, is refused (as Django refuses it after
   * union()), rather than acting on every row of the table.
   */
  private assertNotUnion(action: string): void {
    if (this.state.union !== undefined) throw new QueryUsageError(`Cannot ${action} a union: fetch, count, order or slice it, or ${action} its parts before combining them.`);
  }

  private get matchesNothing(): boolean {
    return this.state.where?.kind === 'nothing' || this.state.limit === 0;
  }

  private spec(mode: SelectSpec['mode']): SelectSpec {
    const { meta, where, limit, offset, related, values, distinct, annotations, lock, grouped, loadOnly, deferred } = this.state;
    const columns = loadOnly === undefined && deferred === undefined ? undefined
      : meta.concreteFields.filter((f) => f === meta.pk || ((loadOnly === undefined || loadOnly.has(f.name)) && !deferred?.has(f.name)));
    // A model's default ordering would have to be grouped too: groups are unordered unless asked.
    const ordering = this.state.ordering ?? (meta.options.ordering && !grouped ? resolveOrdering(meta, meta.options.ordering) : []);
    return { meta, where, order: ordering, limit, offset, related, values, mode, ...(distinct ? { distinct } : {}), ...(annotations?.size ? { annotations: [...annotations.values()] } : {}), ...(lock && mode === 'rows' ? { lock } : {}), ...(grouped ? { grouped } : {}), ...(columns ? { columns } : {}) };
  }

  private unionQuery(mode: 'rows' | 'count') {
    const { parts, all } = this.state.union!;
    const db = this.db;
    const specs = parts.map((part) => new QuerySet(part).clone({ ordering: NO_ORDERING }).spec('rows'));
    const order = (this.state.ordering ?? []).map((term) => {
      if (term.annotation !== undefined || term.expression !== undefined || term.path.length > 0) throw new QueryUsageError('A union is ordered by its own columns.');
      return term;
    });
    return prepareUnion(db, { parts: specs, mode, values: this.state.values, limit: this.state.limit, offset: this.state.offset, order, all, meta: this.meta });
  }

  /** The SQL and parameters this queryset would run, for reading and debugging. */
  toSql(): { sql: string; params: readonly unknown[] } {
    const { query } = this.state.union !== undefined ? { query: this.unionQuery('rows') } : prepareSelect(this.db, this.spec('rows'));
    return { sql: query.sql, params: query.parameters };
  }

  async fetch(): Promise<T[]> {
    if (this.state.resultCache !== undefined) return [...this.state.resultCache] as T[];
    const db = this.db;
    if (this.state.lock !== undefined && !inTransaction(db)) {
      throw new QueryUsageError('selectForUpdate() locks rows until the transaction ends: run it inside atomic().');
    }
    if (this.matchesNothing) return [];
    const spec = this.spec('rows');
    const { query, relatedAliases } = this.state.union !== undefined ? { query: this.unionQuery('rows'), relatedAliases: new Map<string, string>() } : prepareSelect(db, spec);
    const { rows } = await db.execute<Record<string, unknown>>(query);
    if (spec.values !== undefined) return rows.map((row) => valuesRow(spec.values!, row, db, this.state.valuesShape ?? 'object', spec.grouped ? spec.annotations : undefined)) as T[];
    const instances = rows.map((row) => {
      const instance = hydrate(this.meta, row, db);
      if (spec.columns !== undefined) deferFields(instance, this.meta, this.meta.concreteFields.filter((f) => !spec.columns!.includes(f)).map((f) => f.attname));
      if (spec.related.length > 0) attachRelated(instance, spec.related, relatedAliases, row, db);
      for (const annotation of spec.annotations ?? []) instance[annotation.name] = readAggregate(annotation, row[`n_${annotation.name}`], db.dialect);
      return instance;
    });
    if (this.state.prefetch.length > 0) await prefetchInto(this.meta, instances, this.state.prefetch, prefetchIo(db));
    return instances as T[];
  }

  then<R1 = T[], R2 = never>(
    onFulfilled?: ((value: T[]) => R1 | PromiseLike<R1>) | null,
    onRejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.fetch().then(onFulfilled, onRejected);
  }

  async count(): Promise<number> {
    if (this.state.resultCache !== undefined) return this.state.resultCache.length;
    if (this.matchesNothing) return 0;
    const { query } = this.state.union !== undefined ? { query: this.unionQuery('count') } : prepareSelect(this.db, this.spec('count'));
    const { rows } = await this.db.execute<{ count: number | string }>(query);
    return Number(rows[0]?.count ?? 0);
  }

  async exists(): Promise<boolean> {
    if (this.state.resultCache !== undefined) return this.state.resultCache.length > 0;
    if (this.state.union !== undefined) return (await this.count()) > 0;
    if (this.matchesNothing) return false;
    const limited = this.isSliced ? this : this.clone({ limit: 1 });
    const { query } = prepareSelect(this.db, limited.spec('exists'));
    const { rows } = await this.db.execute(query);
    return rows.length > 0;
  }

  /** The single row matching the conditions; throws `Model.DoesNotExist` or `Model.MultipleObjectsReturned`. */
  async get<const W extends FilterInput<F>>(...conditions: FilterArgs<F, W> | []): Promise<T> {
    let qs: QuerySet<T, F> = this;
    if (conditions.length > 0) {
      this.assertNotSliced('filter');
      this.assertNotUnion('filter');
      const node = resolveFilterArgs(this.meta, conditions as Array<FilterDict | Q>, this.state.annotations);
      qs = this.clone({ where: withCondition(this.state.where, node) });
    }
    // Ordering cannot change which single row matches; leave it out of the SQL.
    if (!qs.isSliced) qs = new QuerySet<T, F>({ ...qs.state, ordering: NO_ORDERING, limit: MAX_GET_RESULTS });
    const rows = await qs.fetch();
    const model = this.meta.modelClass as { DoesNotExist: new (m: string) => ObjectDoesNotExist; MultipleObjectsReturned: new (m: string) => MultipleObjectsReturned };
    if (rows.length === 1) return rows[0]!;
    if (rows.length === 0) throw new model.DoesNotExist(`${this.meta.objectName} matching query does not exist.`);
    const howMany = rows.length === MAX_GET_RESULTS ? `more than ${MAX_GET_RESULTS - 1}` : String(rows.length);
    throw new model.MultipleObjectsReturned(`get() returned more than one ${this.meta.objectName} -- it returned ${howMany}!`);
  }

  /** The first row by the queryset's ordering (by primary key when it has none), or null. */
  async first(): Promise<T | null> {
    const rows = await this.orderedForEnds(false).slice(0, 1).fetch();
    return rows[0] ?? null;
  }

  /** The last row by the queryset's ordering (by primary key when it has none), or null. */
  async last(): Promise<T | null> {
    const rows = await this.orderedForEnds(true).slice(0, 1).fetch();
    return rows[0] ?? null;
  }

  private orderedForEnds(reverse: boolean): QuerySet<T, F> {
    const current = this.spec('rows').order;
    const order = current.length > 0 ? current : [{ path: [], field: this.meta.pk, descending: false }];
    if (this.isSliced && reverse) throw new QueryUsageError('Cannot call last() on a sliced query.');
    return this.clone({ ordering: reverse ? order.map(reversed) : order });
  }

  /** One UPDATE for every matching row; returns how many rows matched. Signals are not sent. */
  /** Builds, saves (on this queryset's database) and returns a new instance: `objects.using(db).create({...})`. */
  async create(data: CreateInput<F>): Promise<T> {
    const instance = new this.meta.modelClass(data) as T & { save(options: { forceInsert: boolean; using: Database }): Promise<unknown> };
    await instance.save({ forceInsert: true, using: this.db });
    return instance;
  }

  async update(values: UpdateInput<F>): Promise<number> {
    this.assertNotSliced('update');
    this.assertNotUnion('update');
    if (this.state.grouped) throw new QueryUsageError('Cannot update() a grouped values().annotate() queryset: update the rows it groups.');
    if (this.matchesNothing) return 0;
    const assignments = Object.entries(values as Record<string, unknown>).map(([name, value]) => {
      const field = this.meta.field(name);
      if (field === undefined || field.column === undefined) {
        throw new FieldError(`Cannot update '${name}': ${this.meta.label} has no such concrete field.`);
      }
      if (field === this.meta.pk) throw new FieldError(`update() cannot change the primary key of ${this.meta.label}.`);
      if (value instanceof Expression) return { field, value: undefined, expression: resolveExpression(this.meta, value) };
      return { field, value: field.clean(value) };
    });
    if (assignments.length === 0) return 0;
    const result = await this.db.execute(prepareUpdate(this.db, this.meta, assignments, this.state.where));
    return Number(result.numAffectedRows ?? 0);
  }

  /**
   * The matching rows with these keys, as a Map from key to instance (all matching rows when no
   * keys are given): `inBulk([1, 2])`, `inBulk(['a-slug'], { fieldName: 'slug' })`.
   */
  async inBulk(keys?: readonly unknown[], options: { fieldName?: string } = {}): Promise<Map<unknown, T>> {
    const field = keyField(this.meta, options.fieldName ?? 'pk');
    if (this.isSliced) throw new QueryUsageError('Cannot use inBulk() on a sliced query.');
    if (this.isValues) throw new QueryUsageError('Cannot use inBulk() after values().');
    this.assertNotUnion('inBulk()');
    const found = new Map<unknown, T>();
    const add = (rows: T[]) => rows.forEach((row) => found.set((row as InstanceLike)[field.attname], row));
    if (keys === undefined) {
      add(await this.fetch());
      return found;
    }
    const cleaned = [...new Set(keys.map((key) => field.clean(key)))];
    for (const batch of batches(cleaned)) add(await this.where({ kind: 'compare', field, column: field.column!, lookup: 'in', value: batch }).fetch());
    return found;
  }

  /** Writes `fields` of these saved instances back in one UPDATE per batch (see bulk.ts); returns the rows updated. */
  bulkUpdate(objects: readonly T[], fields: ReadonlyArray<keyof T & string>, options: BulkUpdateOptions = {}): Promise<number> {
    return bulkUpdate(this.db, this.meta, objects as readonly InstanceLike[], fields, options);
  }

  /**
   * Deletes every matching row and what depends on it (Django's on_delete rules), in one
   * transaction. On a soft-delete model the rows go to the trash instead.
   */
  delete(options: OnlineDeleteOptions): Promise<OnlineDeleteStarted>;
  delete(options?: DeleteOptions & { online?: false }): Promise<DeleteResult & { deletionId?: string }>;
  async delete(options: (DeleteOptions & { online?: boolean }) = {}): Promise<(DeleteResult & { deletionId?: string }) | OnlineDeleteStarted> {
    this.assertDeletable('delete()');
    if (options.online === true) return getDeleter().startOnline(this, undefined, { ...(options as OnlineDeleteOptions), hard: false });
    return getDeleter().deleteQuerySet(this, this, { ...options, hard: false });
  }

  /** Takes the matching trash rows out of the trash, each with what its own operation took beneath it. */
  async restore(options: RestoreOptions = {}): Promise<DeleteResult> {
    this.assertDeletable('restore()');
    return getDeleter().restoreQuerySet(this, options);
  }

  /** Deletes for real, with the full engine, even on a soft-delete model. */
  hardDelete(options: OnlineDeleteOptions): Promise<OnlineDeleteStarted>;
  hardDelete(options?: Pick<DeleteOptions, 'onProgress' | 'authorize'> & { online?: false }): Promise<DeleteResult>;
  async hardDelete(options: Pick<DeleteOptions, 'onProgress' | 'authorize'> & { online?: boolean } = {}): Promise<DeleteResult | OnlineDeleteStarted> {
    this.assertDeletable('hardDelete()');
    if (options.online === true) return getDeleter().startOnline(this, undefined, { ...(options as OnlineDeleteOptions), hard: true });
    return getDeleter().deleteQuerySet(this, this, { ...options, hard: true });
  }

  /**
   * What delete() would take, block and change, computed with counts; nothing is deleted. On a
   * soft-delete model that is the soft delete; `{ hard: true }` plans hardDelete() instead.
   */
  async planDelete(options: PlanOptions = {}): Promise<DeletePlanLike> {
    this.assertDeletable('planDelete()');
    return getDeleter().planQuerySet(this, options);
  }

  private assertDeletable(method: string): void {
    if (this.isSliced) throw new QueryUsageError(`Cannot use ${method} on a sliced query: filter by primary key instead.`);
    if (this.isValues) throw new QueryUsageError(`Cannot call ${method} after values().`);
    this.assertNotUnion(method);
  }

  /** Streams the rows in chunks, each chunk one query, so memory stays flat and the loop body may query. */
  async *iterator(options: { chunkSize?: number } = {}): AsyncGenerator<T> {
    const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
    if (!Number.isInteger(chunkSize) || chunkSize <= 0) throw new QueryUsageError('chunkSize must be a positive whole number.');
    if (this.state.resultCache !== undefined) return yield* this.state.resultCache as T[];
    const order = this.spec('rows').order;
    const byPk = order.length === 0 || (order.length === 1 && order[0]!.field === this.meta.pk && order[0]!.path.length === 0 && !order[0]!.descending);
    if (byPk && !this.isSliced && !this.isValues && this.state.union === undefined) {
      // Keyset pagination: each chunk starts after the last key seen, so no rows are skipped or repeated.
      const pk = this.meta.pk;
      let last: unknown;
      for (;;) {
        let chunk = this.clone({ ordering: [{ path: [], field: pk, descending: false }] });
        if (last !== undefined) chunk = chunk.where({ kind: 'compare', field: pk, column: pk.column!, lookup: 'gt', value: last });
        const rows = await chunk.clone({ limit: chunkSize }).fetch();
        yield* rows as T[];
        if (rows.length < chunkSize) return;
        last = (rows[rows.length - 1] as InstanceLike)[pk.attname];
      }
    }
    for (let start = 0; ; start += chunkSize) {
      const rows = await this.slice(start, start + chunkSize).fetch();
      yield* rows;
      if (rows.length < chunkSize) return;
    }
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return this.iterator();
  }
}
