/** Managers reached from an instance: `author.posts` (reverse foreign key) and `post.tags` (many-to-many). */
import { atomic } from '../../db/index.ts';
import { QueryUsageError, ValidationError } from '../errors.ts';
import type { ForeignKeyField, ManyToManyField } from '../fields/relations.ts';
import { stateOf, type InstanceLike } from '../instance.ts';
import type { ModelMeta } from '../meta.ts';
import { insertInstances, prepareForSave } from '../persistence.ts';
import type { CreateInput, FieldMap } from '../types.ts';
import { Manager, type ManagedClass } from './manager.ts';
import { QuerySet } from './queryset.ts';
import { and, liveRows, type WhereNode } from './where.ts';

function pkOf(meta: ModelMeta, instance: InstanceLike, use: string): unknown {
  const pk = instance[meta.pk.attname];
  if (pk === null || pk === undefined || stateOf(instance).adding) {
    throw new QueryUsageError(`${meta.objectName} instance needs to be saved before ${use} can be used.`);
  }
  return pk;
}

function equals(field: ForeignKeyField, value: unknown): WhereNode {
  return { kind: 'compare', field, column: field.column!, lookup: 'exact', value };
}

/** Keys of objects given as instances or as keys. */
function keysOf(meta: ModelMeta, objects: readonly unknown[]): unknown[] {
  return objects.map((o) => {
    if (typeof o === 'object' && o !== null) {
      if ((o.constructor as { meta?: ModelMeta }).meta?.label !== meta.label) {
        throw new ValidationError(`Expected ${meta.objectName} instances or keys, got ${(o.constructor as { name?: string }).name ?? typeof o}.`);
      }
      return pkOf(meta, o as InstanceLike, 'a relation');
    }
    return meta.pk.clean(o);
  });
}

/** `author.posts`: the objects whose foreign key points at one instance. */
export class RelatedManager<T, F extends FieldMap = FieldMap> extends Manager<T, F> {
  constructor(
    model: ManagedClass,
    private readonly instance: InstanceLike,
    private readonly fk: ForeignKeyField,
    private readonly prefetched: readonly unknown[] | undefined,
  ) {
    super(model);
  }

  override getQuerySet(): QuerySet<T, F> {
    const pk = pkOf(this.fk.target, this.instance, `the relation '${this.fk.relatedName ?? this.fk.name}'`);
    const qs = super.getQuerySet().where(equals(this.fk, pk));
    return this.prefetched === undefined ? qs : new QuerySet<T, F>({ ...qs.state, resultCache: this.prefetched });
  }

  /** Creates an object pointing at this instance; the foreign key is filled in. */
  override create(data: Partial<CreateInput<F>>): Promise<T> {
    return super.create({ ...data, [this.fk.name]: this.instance } as CreateInput<F>);
  }

  /** Points the objects' foreign key at this instance, in one UPDATE. */
  async add(...objects: T[]): Promise<void> {
    const pk = pkOf(this.fk.target, this.instance, 'add()');
    const keys = keysOf(this.meta, objects);
    await super.getQuerySet().filter({ pk__in: keys } as never).update({ [this.fk.attname]: pk } as never);
    for (const o of objects) (o as InstanceLike)[this.fk.attname] = pk;
  }

  /** Detaches the objects (sets their foreign key to NULL); only for nullable foreign keys. */
  async remove(...objects: T[]): Promise<void> {
    this.assertNullable('remove');
    const keys = keysOf(this.meta, objects);
    await this.getQuerySet().filter({ pk__in: keys } as never).update({ [this.fk.attname]: null } as never);
    for (const o of objects) (o as InstanceLike)[this.fk.attname] = null;
  }

  async clear(): Promise<void> {
    this.assertNullable('clear');
    await this.getQuerySet().update({ [this.fk.attname]: null } as never);
  }

  /** Makes exactly `objects` point at this instance. */
  async set(objects: T[]): Promise<void> {
    this.assertNullable('set');
    const keep = keysOf(this.meta, objects);
    await atomic(async () => {
      await this.getQuerySet().exclude({ pk__in: keep } as never).update({ [this.fk.attname]: null } as never);
      await this.add(...objects);
    });
  }

  private assertNullable(method: string): void {
    if (!this.fk.nullable) {
      throw new QueryUsageError(`${method}() would set ${this.fk.qualifiedName} to NULL, which it does not allow; delete the objects instead.`);
    }
  }
}

/** `post.tags` and `tag.posts`: both ends of a many-to-many relation, through its link table. */
export class ManyRelatedManager<T, F extends FieldMap = FieldMap> extends Manager<T, F> {
  constructor(
    model: ManagedClass,
    private readonly instance: InstanceLike,
    private readonly field: ManyToManyField,
    /** 'forward' from the model that declares the field, 'reverse' from its target. */
    private readonly direction: 'forward' | 'reverse',
    private readonly prefetched: readonly unknown[] | undefined,
  ) {
    super(model);
  }

  private get near(): ForeignKeyField {
    return this.direction === 'forward' ? this.field.sourceLink : this.field.targetLink;
  }

  private get far(): ForeignKeyField {
    return this.direction === 'forward' ? this.field.targetLink : this.field.sourceLink;
  }

  private sourcePk(use: string): unknown {
    return pkOf(this.near.target, this.instance, use);
  }

  override getQuerySet(): QuerySet<T, F> {
    const pk = this.sourcePk(`the relation '${this.field.name}'`);
    const links = equals(this.near, pk);
    const live = liveRows(this.field.through);
    // A link row in the trash (an explicit through model with softDelete) links nothing.
    const qs = super.getQuerySet().where({
      kind: 'subquery', column: this.meta.pk.column!, nullable: false, table: this.field.through.table,
      selectColumn: this.far.column!, where: live === undefined ? links : and([links, live]),
    });
    return this.prefetched === undefined ? qs : new QuerySet<T, F>({ ...qs.state, resultCache: this.prefetched });
  }

  private links(): QuerySet<InstanceLike> {
    return new Manager<InstanceLike>(this.field.through.modelClass).getQuerySet().where(equals(this.near, this.sourcePk('the relation')));
  }

  /** Links the objects (instances or keys); links that exist already are left alone. */
  async add(...objects: Array<T | number | string>): Promise<void> {
    const source = this.sourcePk('add()');
    const wanted = [...new Set(keysOf(this.meta, objects))];
    if (wanted.length === 0) return;
    await atomic(async () => {
      const existing = await this.links().filter({ [`${this.far.attname}__in`]: wanted } as never).values(this.far.attname).fetch();
      const present = new Set(existing.map((row) => (row as Record<string, unknown>)[this.far.attname]));
      const through = this.field.through;
      const rows = wanted
        .filter((key) => !present.has(key))
        .map((key) => new through.modelClass({ [this.near.attname]: source, [this.far.attname]: key }) as InstanceLike);
      for (const row of rows) prepareForSave(through, row, true);
      await insertInstances(this.links().db, through, rows);
    });
  }

  /**
   * Unlinks the objects; the objects themselves stay. The link rows go through the deletion
   * engine, as in Django: what refers to a link row of an explicit through model follows its
   * on_delete rule, receivers hear of it, and a through model with a trash keeps them there.
   */
  async remove(...objects: Array<T | number | string>): Promise<void> {
    const keys = keysOf(this.meta, objects);
    if (keys.length === 0) return;
    await this.links().filter({ [`${this.far.attname}__in`]: keys } as never).delete();
  }

  async clear(): Promise<void> {
    await this.links().delete();
  }

  /** Makes the links exactly `objects`. */
  async set(objects: Array<T | number | string>): Promise<void> {
    const keys = keysOf(this.meta, objects);
    await atomic(async () => {
      await this.links().exclude({ [`${this.far.attname}__in`]: keys } as never).delete();
      await this.add(...keys as Array<number | string>);
    });
  }

  /** Creates an object and links it. */
  override async create(data: CreateInput<F>): Promise<T> {
    return atomic(async () => {
      const object = await super.create(data);
      await this.add(object);
      return object;
    });
  }
}
