/** Managers: `Post.objects`, the entry point of queries on a model. */
import { atomic, IntegrityError, type Database } from '../../db/index.ts';
import { getDeleter, type BulkDeleteOptionsLike, type DeleteResult, type OnlineDeleteOptions, type OnlineDeleteStarted } from '../deleter.ts';
import { ObjectDoesNotExist, ValidationError } from '../errors.ts';
import type { InstanceLike } from '../instance.ts';
import type { ModelMeta } from '../meta.ts';
import { insertInstances, prepareForSave } from '../persistence.ts';
import type { CheckOrderNames, CheckRelatedNames, CreateInput, FieldMap, FilterInput, UpdateInput, ValueAt, ValueName, ValuesRow } from '../types.ts';
import { initialState, QuerySet, type FilterArgs, type Scope } from './queryset.ts';
import type { Aggregate, AggregateResult, AnnotatedFields, AnnotationInput } from '../aggregates.ts';
import type { Expression, OrderByExpression } from '../expressions.ts';
import type { BulkUpdateOptions } from './bulk.ts';
import type { RowLock } from './compiler.ts';
import { RawQuerySet } from './raw.ts';

/** A model class as a manager sees it. */
export interface ManagedClass {
  readonly meta: ModelMeta;
  new (data?: any): any;
}

export interface Saveable {
  save(options?: { forceInsert?: boolean }): Promise<unknown>;
}

export class Manager<T, F extends FieldMap = FieldMap> {
  constructor(
    readonly model: ManagedClass,
    /** For soft-delete models: live rows (`objects`), all (`allObjects`) or the trash (`deletedObjects`). */
    readonly scope: Scope = 'live',
  ) {}

  get meta(): ModelMeta {
    return this.model.meta;
  }

  /** The queryset every method starts from; subclasses narrow it. */
  getQuerySet(): QuerySet<T, F> {
    return new QuerySet<T, F>(initialState(this.meta, this.scope));
  }

  all(): QuerySet<T, F> {
    return this.getQuerySet();
  }
  filter<const W extends FilterInput<F>>(...conditions: FilterArgs<F, W>): QuerySet<T, F> {
    return this.getQuerySet().filter(...conditions);
  }
  exclude<const W extends FilterInput<F>>(...conditions: FilterArgs<F, W>): QuerySet<T, F> {
    return this.getQuerySet().exclude(...conditions);
  }
  get<const W extends FilterInput<F>>(...conditions: FilterArgs<F, W> | []): Promise<T> {
    return this.getQuerySet().get(...conditions);
  }
  orderBy<const N extends ReadonlyArray<string | Expression | OrderByExpression>>(...names: CheckOrderNames<F, N>): QuerySet<T, F> {
    return this.getQuerySet().orderBy(...(names as ReadonlyArray<string | Expression | OrderByExpression>));
  }
  selectRelated<const N extends readonly string[]>(...names: CheckRelatedNames<F, N>): QuerySet<T, F> {
    return this.getQuerySet().selectRelated(...(names as readonly string[]));
  }
  prefetchRelated(...names: string[]): QuerySet<T, F> {
    return this.getQuerySet().prefetchRelated(...names);
  }
  values(): QuerySet<ValuesRow<F, ValueName<F>>, F>;
  values<const K extends ReadonlyArray<ValueName<F>>>(...names: K): QuerySet<ValuesRow<F, K[number]>, F>;
  values(...names: string[]): QuerySet<unknown, F> {
    return (this.getQuerySet().values as (...n: string[]) => QuerySet<unknown, F>)(...names);
  }
  valuesList<K extends ValueName<F>>(name: K, options: { flat: true }): QuerySet<ValueAt<F, K>, F>;
  valuesList<const K extends ReadonlyArray<ValueName<F>>>(...names: K): QuerySet<{ -readonly [I in keyof K]: ValueAt<F, K[I]> }, F>;
  valuesList(...args: any[]): QuerySet<unknown, F> {
    return (this.getQuerySet().valuesList as (...a: unknown[]) => QuerySet<unknown, F>)(...args);
  }
  annotate<const A extends Record<string, AnnotationInput>>(annotations: A): QuerySet<T & AggregateResult<A>, F & AnnotatedFields<AggregateResult<A>>> {
    return this.getQuerySet().annotate(annotations);
  }
  aggregate<const A extends Record<string, Aggregate<unknown>>>(aggregates: A): Promise<AggregateResult<A>> {
    return this.getQuerySet().aggregate(aggregates);
  }
  /** Rows of SQL of your own, as instances: `raw('select * from blog_post where status = ?', ['draft'])` (see raw.ts). */
  raw(sql: string, params: readonly unknown[] = []): RawQuerySet<T> {
    return new RawQuerySet<T>(this.meta, sql, params, () => this.getQuerySet().db);
  }
  only(...names: Array<keyof T & string>): QuerySet<T, F> {
    return this.getQuerySet().only(...names);
  }
  defer(...names: Array<keyof T & string>): QuerySet<T, F> {
    return this.getQuerySet().defer(...names);
  }
  selectForUpdate(options?: RowLock): QuerySet<T, F> {
    return this.getQuerySet().selectForUpdate(options);
  }
  distinct(): QuerySet<T, F> {
    return this.getQuerySet().distinct();
  }
  inBulk(keys?: readonly unknown[], options?: { fieldName?: string }): Promise<Map<unknown, T>> {
    return this.getQuerySet().inBulk(keys, options);
  }
  bulkUpdate(objects: readonly T[], fields: ReadonlyArray<keyof T & string>, options?: BulkUpdateOptions): Promise<number> {
    return this.getQuerySet().bulkUpdate(objects, fields, options);
  }
  slice(start: number, end?: number): QuerySet<T, F> {
    return this.getQuerySet().slice(start, end);
  }
  using(db: Database): QuerySet<T, F> {
    return this.getQuerySet().using(db);
  }
  none(): QuerySet<T, F> {
    return this.getQuerySet().none();
  }
  count(): Promise<number> {
    return this.getQuerySet().count();
  }
  exists(): Promise<boolean> {
    return this.getQuerySet().exists();
  }
  first(): Promise<T | null> {
    return this.getQuerySet().first();
  }
  last(): Promise<T | null> {
    return this.getQuerySet().last();
  }
  update(values: UpdateInput<F>): Promise<number> {
    return this.getQuerySet().update(values);
  }
  iterator(options?: { chunkSize?: number }): AsyncGenerator<T> {
    return this.getQuerySet().iterator(options);
  }

  /**
   * Deletes objects given by primary key or as instances, `batchSize` keys at a time, each
   * batch with full cascade semantics, all in one transaction. Django has no such method.
   */
  bulkDelete(objects: ReadonlyArray<T | number | string>, options: OnlineDeleteOptions & { hard?: boolean; batchSize?: number }): Promise<OnlineDeleteStarted>;
  bulkDelete(objects: ReadonlyArray<T | number | string>, options?: BulkDeleteOptionsLike & { online?: false }): Promise<DeleteResult & { deletionId?: string }>;
  bulkDelete(objects: ReadonlyArray<T | number | string>, options: BulkDeleteOptionsLike & { online?: boolean } = {}): Promise<(DeleteResult & { deletionId?: string }) | OnlineDeleteStarted> {
    if (options.online === true) return getDeleter().startOnline(this.getQuerySet(), objects, { ...(options as OnlineDeleteOptions), hard: options.hard === true });
    return getDeleter().bulkDelete(this.getQuerySet(), objects, options);
  }

  /** Builds, saves and returns a new instance. */
  async create(data: CreateInput<F>): Promise<T> {
    return this.getQuerySet().create(data);
  }

  /**
   * The object matching `lookup`, or a new one made from `lookup`'s plain fields and `defaults`.
   * Returns `[object, created]`. A concurrent insert of the same object is caught and re-read.
   */
  async getOrCreate(lookup: FilterInput<F>, defaults: Partial<CreateInput<F>> = {}): Promise<[T, boolean]> {
    const qs = this.getQuerySet().filter(lookup as never);
    try {
      return [await qs.get(), false];
    } catch (error) {
      if (!(error instanceof ObjectDoesNotExist)) throw error;
    }
    const data: Record<string, unknown> = { ...defaults };
    for (const [key, value] of Object.entries(lookup as Record<string, unknown>)) if (!key.includes('__')) data[key] = value;
    try {
      return [await atomic(() => this.create(data as CreateInput<F>), { using: qs.db }), true];
    } catch (error) {
      if (error instanceof IntegrityError) return [await qs.get(), false];
      throw error;
    }
  }

  /** Updates the object matching `lookup` with `defaults`, or creates it. Returns `[object, created]`. */
  async updateOrCreate(lookup: FilterInput<F>, defaults: Partial<CreateInput<F>> = {}): Promise<[T, boolean]> {
    return atomic(async () => {
      const [object, created] = await this.getOrCreate(lookup, defaults);
      if (!created) {
        Object.assign(object as object, defaults);
        await (object as Saveable).save();
      }
      return [object, created] as [T, boolean];
    });
  }

  /**
   * Inserts many objects with as few statements as the database allows and sets their ids.
   * Like Django's bulk_create, it sends no save signals.
   */
  async bulkCreate(objects: ReadonlyArray<T | CreateInput<F>>, options: { batchSize?: number } = {}): Promise<T[]> {
    const instances = objects.map((o) => (o instanceof this.model ? o : new this.model(o))) as InstanceLike[];
    if (options.batchSize !== undefined && (!Number.isInteger(options.batchSize) || options.batchSize <= 0)) {
      throw new ValidationError('bulkCreate() batchSize must be a positive whole number.');
    }
    for (const instance of instances) prepareForSave(this.meta, instance, true);
    const db = this.getQuerySet().db;
    await atomic(() => insertInstances(db, this.meta, instances, options.batchSize), { using: db });
    return instances as T[];
  }
}
