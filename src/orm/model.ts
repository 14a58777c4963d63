/**
 * `model(label, fields, options)` defines a model: it returns a class that users extend, whose
 * instances are rows and whose `objects` manager starts queries.
 */
import { inspect } from 'node:util';
import { atomic, setSchemaSource, type Database } from '../db/index.ts';
import { postSave, preSave } from '../signals.ts';
import { getDeleter, type DeleteOptions, type DeletePlanLike, type DeleteResult, type PlanOptions, type RestoreOptions } from './deleter.ts';
import { FieldError, MultipleObjectsReturned, ObjectDoesNotExist, QueryUsageError } from './errors.ts';
import { Field } from './fields/field.ts';
import { fields as f } from './fields/index.ts';
import { CASCADE } from './fields/on-delete.ts';
import { ForeignKeyField, ManyToManyField } from './fields/relations.ts';
import { AutoField } from './fields/scalar.ts';
import { databaseOf, FROM_DB, isLoaded, RelationNotLoadedError, STATE, relationCache, stateOf, type InstanceLike, type InstanceState } from './instance.ts';
import { ModelMeta, type ModelOptions, type ReverseRelation } from './meta.ts';
import { fullClean, type FullCleanOptions } from './validation.ts';
import { instanceMember, markReverseAccessor } from './instance-members.ts';
import { camelCase, snakeCase } from './naming.ts';
import { insertInstances, prepareForSave, updateInstance } from './persistence.ts';
import { Manager } from './query/manager.ts';
import type { Scope } from './query/queryset.ts';
import { prefetchIo } from './query/rows.ts';
import { prefetchInto } from './query/prefetch.ts';
import { ManyRelatedManager, RelatedManager } from './query/related.ts';
import { allModels, defaultRegistry, noteModelClass, registerModel, setRegistryHooks, type ModelRegistry } from './registry.ts';
import type { CreateInput, FieldMap, ModelInstance } from './types.ts';

export interface SaveOptions {
  /** Always INSERT, even if the instance has a primary key. */
  forceInsert?: boolean;
  /** UPDATE only these fields. */
  updateFields?: readonly string[];
  /** The database to write to; by default the one the instance came from, else the default. */
  using?: Database;
}

const managers = new WeakMap<object, Manager<unknown>>();
const scopedManagers = new WeakMap<object, Map<Scope, Manager<unknown>>>();

function scopedManager(cls: typeof Model, scope: Scope): Manager<unknown> {
  if (!cls.meta.softDelete) throw new QueryUsageError(`${cls.meta.label} has no trash: give it { softDelete: true } to use allObjects and deletedObjects.`);
  let byScope = scopedManagers.get(cls);
  if (byScope === undefined) scopedManagers.set(cls, (byScope = new Map()));
  let manager = byScope.get(scope);
  if (manager === undefined) byScope.set(scope, (manager = new Manager(cls as never, scope)));
  return manager;
}

/** The base of every model class. */
export class Model {
  declare static readonly meta: ModelMeta;
  declare [STATE]: InstanceState;

  constructor(data?: object) {
    if ((data as unknown) === FROM_DB) {
      // Rows are hydrated with the class the registry already knows.
      this[STATE] = { adding: false, cache: undefined };
      return;
    }
    const meta = (new.target as unknown as typeof Model).meta;
    noteModelClass(meta, new.target);
    this[STATE] = { adding: true, cache: undefined };
    initialise(meta, this as unknown as InstanceLike, (data ?? {}) as Record<string, unknown>);
  }

  /** The manager of the model: `Post.objects.filter(...)`. */
  static get objects(): Manager<unknown> {
    let manager = managers.get(this);
    if (manager === undefined) {
      noteModelClass(this.meta, this);
      manager = new Manager(this as never);
      managers.set(this, manager);
    }
    return manager;
  }

  /** Every row, the trash included (soft-delete models). */
  static get allObjects(): Manager<unknown> {
    return scopedManager(this, 'all');
  }

  /** The trash: soft-deleted rows only (soft-delete models). */
  static get deletedObjects(): Manager<unknown> {
    return scopedManager(this, 'deleted');
  }

  /** True once a soft delete has put the row in the trash. */
  get isDeleted(): boolean {
    return this.meta.softDelete && (this as unknown as InstanceLike).deletedAt != null;
  }

  /** The primary key's value, whatever the field is called. */
  get pk(): unknown {
    return (this as unknown as InstanceLike)[this.meta.pk.attname];
  }

  /** The model's metadata, from an instance. */
  get meta(): ModelMeta {
    return (this.constructor as typeof Model).meta;
  }

  /** INSERT when the instance is new, UPDATE otherwise; sends preSave and postSave. */
  async save(options: SaveOptions = {}): Promise<this> {
    const meta = this.meta;
    const instance = this as unknown as InstanceLike;
    const sender = this.constructor;
    const db = options.using ?? databaseOf(this);
    // An instance with deferred fields saves the fields it has, as Django does.
    const deferred = this[STATE].deferred;
    const names = options.updateFields ?? (deferred?.size && !this[STATE].adding ? meta.concreteFields.filter((f) => !deferred.has(f.attname) && f !== meta.pk).map((f) => f.name) : undefined);
    const only = names?.map((name) => {
      const field = meta.field(name);
      if (field?.column === undefined) throw new FieldError(`updateFields: ${meta.label} has no concrete field '${name}'.`);
      return field;
    });
    const run = async () => {
      const inserting = options.forceInsert === true || this[STATE].adding;
      await preSave.send({ sender, instance: this, using: db, updateFields: options.updateFields });
      prepareForSave(meta, instance, inserting);
      let created = inserting;
      if (inserting) {
        await insertInstances(db, meta, [instance]);
      } else if ((await updateInstance(db, meta, instance, only)) === 0) {
        if (only !== undefined) throw new QueryUsageError(`save() with updateFields matched no ${meta.objectName} with pk ${String(this.pk)}.`);
        // The row is gone (or was never there): write it, as Django does.
        await insertInstances(db, meta, [instance]);
        created = true;
      }
      await postSave.send({ sender, instance: this, created, using: db, updateFields: options.updateFields });
    };
    // With receivers, a throwing receiver must undo the write: run both in one transaction.
    if (preSave.hasReceivers(sender as never) || postSave.hasReceivers(sender as never)) await atomic(run, { using: db });
    else await run();
    // Saved there, it belongs there now (Django's `_state.db`), updated or inserted.
    this[STATE].db = db;
    return this;
  }

  /**
   * Deletes the row and what depends on it (Django's on_delete rules); the instance's pk becomes
   * null. On a soft-delete model it moves the row, and what cascades from it, to the trash.
   */
  async delete(options: DeleteOptions = {}): Promise<DeleteResult & { deletionId?: string }> {
    this.assertSaved('deleted');
    return getDeleter().deleteInstance(this, { ...options, hard: false });
  }

  /**
   * Takes the instance out of the trash with exactly what the same soft delete took beneath it;
   * refused if a parent is still in the trash or a unique value is taken by a live row.
   */
  async restore(options: RestoreOptions = {}): Promise<DeleteResult> {
    this.assertSaved('restored');
    return getDeleter().restoreInstance(this, options);
  }

  /** Deletes for real, with the full engine, even on a soft-delete model. */
  async hardDelete(options: Pick<DeleteOptions, 'onProgress' | 'authorize'> = {}): Promise<DeleteResult> {
    this.assertSaved('deleted');
    return getDeleter().deleteInstance(this, { ...options, hard: true });
  }

  private assertSaved(what: string): void {
    if (this[STATE].adding || this.pk === null || this.pk === undefined) {
      throw new QueryUsageError(`${this.meta.objectName} object can't be ${what} because its ${this.meta.pk.name} attribute is set to null.`);
    }
  }

  /**
   * Validates the instance as Django's `full_clean()`: every field (type, length, blank, null,
   * choices, validators), then `clean()`, then foreign keys and unique rules against the
   * database. Throws a ValidationError whose `errors` maps field names to messages.
   */
  async fullClean(options: FullCleanOptions = {}): Promise<void> {
    await fullClean(databaseOf(this), this.meta, this as unknown as InstanceLike, () => this.clean(), options);
  }

  /** The model's own check, run by fullClean(): override it and throw a ValidationError to refuse. */
  clean(): void | Promise<void> {}

  /** What delete() would take, block and change (`{ hard: true }`: what hardDelete() would); nothing is deleted. */
  async planDelete(options: PlanOptions = {}): Promise<DeletePlanLike> {
    if (this[STATE].adding || this.pk === null || this.pk === undefined) {
      throw new QueryUsageError(`${this.meta.objectName} object can't be planned for deletion because its ${this.meta.pk.name} attribute is set to null.`);
    }
    // The row itself, in the trash or not, as delete() and hardDelete() take it.
    const manager = new Manager<InstanceLike>(this.constructor as never, 'all');
    return manager.getQuerySet().using(databaseOf(this)).where({ kind: 'compare', field: this.meta.pk, column: this.meta.pk.column!, lookup: 'exact', value: this.pk }).planDelete(options);
  }

  /** Reloads every field from the database and forgets loaded relations. */
  /** Reads the row again (or only `fields`, e.g. ones only() left out) and keeps the values. */
  async refreshFromDb(options: { fields?: readonly string[] } = {}): Promise<this> {
    const meta = this.meta;
    const fields = options.fields?.map((name) => {
      const field = meta.field(name);
      if (field?.column === undefined) throw new FieldError(`refreshFromDb(): ${meta.label} has no concrete field '${name}'.`);
      return field;
    }) ?? meta.concreteFields;
    const manager = new Manager<InstanceLike>(this.constructor as never, 'all');
    let qs = manager.getQuerySet().using(databaseOf(this)).where({ kind: 'compare', field: meta.pk, column: meta.pk.column!, lookup: 'exact', value: this.pk });
    if (options.fields !== undefined) qs = qs.only(...fields.map((f) => f.name));
    const fresh = await qs.get();
    for (const field of fields) (this as unknown as InstanceLike)[field.attname] = fresh[field.attname];
    if (options.fields === undefined) this[STATE].cache = undefined;
    return this;
  }

  /**
   * Loads a relation with one query and keeps it on the instance: `await post.load('author')`
   * makes `post.author` usable; `await author.load('posts')` returns the posts. Paths such as
   * `'post__author'` load each step.
   */
  async load<K extends string>(relation: K): Promise<K extends keyof this ? (this[K] extends Manager<infer T> ? T[] : this[K]) : unknown> {
    await prefetchInto(this.meta, [this as unknown as InstanceLike], [relation], prefetchIo(databaseOf(this)));
    const head = relation.split('__')[0]!;
    return relationCache(this).get(head) as never;
  }

  toString(): string {
    return `${this.meta.objectName} object (${String(this.pk)})`;
  }

  /** The row's values: concrete fields, foreign keys by their `<name>Id`. */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const field of this.meta.concreteFields) if (isLoaded(this, field.attname)) out[field.attname] = (this as unknown as InstanceLike)[field.attname];
    return out;
  }

  [inspect.custom](depth: number, options: object): string {
    return `${this.constructor.name} ${inspect(this.toJSON(), { ...options, depth })}`;
  }
}

function initialise(meta: ModelMeta, instance: InstanceLike, data: Record<string, unknown>): void {
  for (const key of Object.keys(data)) {
    const field = meta.field(key);
    if (field === undefined) throw new FieldError(`${meta.objectName}() got an unexpected field '${key}'.`);
    if (field instanceof ManyToManyField) {
      throw new FieldError(`${meta.objectName}(): '${key}' is many-to-many; save first, then use instance.${key}.set(...).`);
    }
  }
  for (const field of meta.concreteFields) {
    if (field instanceof ForeignKeyField && data[field.name] !== undefined) {
      instance[field.name] = data[field.name];
    } else if (data[field.attname] !== undefined) {
      instance[field.attname] = data[field.attname];
    } else {
      instance[field.attname] = field.getDefault() ?? null;
    }
  }
}

// ---- accessors ------------------------------------------------------------------------------

function notLoaded(meta: ModelMeta, name: string): RelationNotLoadedError {
  return new RelationNotLoadedError(
    `${meta.objectName}.${name} is not loaded: use selectRelated('${name}') or prefetchRelated('${name}'), or await instance.load('${name}') first.`,
  );
}

/** `post.author` reads the loaded object; assigning an instance also sets `post.authorId`. */
function installForeignKeyAccessor(prototype: object, field: ForeignKeyField): void {
  Object.defineProperty(prototype, field.name, {
    configurable: true,
    get(this: InstanceLike) {
      const id = this[field.attname];
      if (id === null || id === undefined) return null;
      const cache = stateOf(this).cache;
      if (cache?.has(field.name)) {
        const cached = cache.get(field.name) as InstanceLike | null;
        // Loaded and found nothing: the row is gone or in the trash.
        if (cached === null) return null;
        if (cached[field.target.pk.attname] === id) return cached;
      }
      throw notLoaded(field.model, field.name);
    },
    set(this: InstanceLike, value: unknown) {
      if (value === null || value === undefined) {
        this[field.attname] = null;
        relationCache(this).delete(field.name);
        return;
      }
      this[field.attname] = field.clean(value);
      relationCache(this).set(field.name, value);
    },
  });
}

function installManyToManyAccessor(prototype: object, field: ManyToManyField): void {
  Object.defineProperty(prototype, field.name, {
    configurable: true,
    get(this: InstanceLike) {
      const prefetched = stateOf(this).cache?.get(field.name) as unknown[] | undefined;
      return new ManyRelatedManager(field.target.modelClass, this, field, 'forward', prefetched);
    },
  });
}

function installReverseAccessor(relation: ReverseRelation): void {
  const { accessorName, field, relatedModel } = relation;
  const target = field.target;
  // A member of the instances (save(), pk, a method of the model's own) keeps its name, as a
  // field does: `writer.save()` would throw. `trove check` reports the clash (fields.E350).
  if (instanceMember(target.modelClass.prototype, accessorName) !== undefined) return;
  Object.defineProperty(target.modelClass.prototype, accessorName, {
    configurable: true,
    get: markedReverseAccessor(function (this: InstanceLike) {
      const cached = stateOf(this).cache?.get(accessorName);
      if (field instanceof ManyToManyField) {
        return new ManyRelatedManager(relatedModel.modelClass, this, field, 'reverse', cached as unknown[] | undefined);
      }
      if (relation.multiple) return new RelatedManager(relatedModel.modelClass, this, field, cached as unknown[] | undefined);
      if (cached !== undefined) return cached;
      throw notLoaded(target, accessorName);
    }),
  });
}

function markedReverseAccessor<G extends object>(getter: G): G {
  markReverseAccessor(getter);
  return getter;
}

/** The link model of a many-to-many field without `through`: `blog.Post_tags`, table `blog_post_tags`. */
function createThroughModel(field: ManyToManyField): ModelMeta {
  const source = field.model;
  const target = field.target;
  const sameModel = source.label === target.label;
  const from = sameModel ? `from${source.objectName}` : camelCase(source.objectName);
  const to = sameModel ? `to${target.objectName}` : camelCase(target.objectName);
  const Through = model(
    `${source.label}_${field.name}`,
    {
      [from]: f.foreignKey(source.label, { onDelete: CASCADE, relatedName: '+' }),
      [to]: f.foreignKey(target.label, { onDelete: CASCADE, relatedName: '+' }),
    },
    // Named as Django names its auto-created link models: "post-tag relationship".
    { table: `${source.table}_${snakeCase(field.name)}`, uniqueTogether: [[from, to]], verboseName: `${from.toLowerCase()}-${to.toLowerCase()} relationship` },
    source.registry,
  );
  Through.meta.autoCreated = true;
  return Through.meta;
}

setRegistryHooks({ createThroughModel, installReverseAccessor });
setSchemaSource(() => allModels().map((meta) => meta.tableSpec()));

// ---- model() ----------------------------------------------------------------------------------

/** The columns `softDelete: true` adds: when a row went to the trash, and with which operation. */
function softDeleteFields() {
  return {
    deletedAt: f.dateTime({ null: true, dbIndex: true }),
    deletionId: f.char({ maxLength: 36, null: true, dbIndex: true }),
  };
}
export type SoftDeleteFields = ReturnType<typeof softDeleteFields>;

/** The class `model()` returns; extend it to add methods. */
export interface ModelClass<F extends FieldMap, L extends string = string> {
  new (data?: CreateInput<F>): ModelInstance<F, L>;
  readonly meta: ModelMeta;
  /** Phantom: the field map and label, for the type layer. */
  readonly __fields?: F;
  readonly __label?: L;
  readonly objects: Manager<ModelInstance<F, L>, F>;
  /** Soft-delete models: every row, the trash included. */
  readonly allObjects: Manager<ModelInstance<F, L>, F>;
  /** Soft-delete models: the trash only. */
  readonly deletedObjects: Manager<ModelInstance<F, L>, F>;
  readonly DoesNotExist: new (message?: string) => ObjectDoesNotExist;
  readonly MultipleObjectsReturned: new (message?: string) => MultipleObjectsReturned;
}


/**
 * Defines a model. `label` is `'app.Model'`; the table is `app_model`. Every model gets an
 * auto-increment `id` unless a field is the primary key.
 */
export function model<const L extends string, const F extends FieldMap, const O extends ModelOptions = {}>(
  label: L,
  fieldMap: F,
  options: O = {} as O,
  registry: ModelRegistry = defaultRegistry,
): ModelClass<O extends { softDelete: true } ? F & SoftDeleteFields : F, L> {
  const list: Field[] = [];
  const declared = Object.entries(fieldMap);
  if (!declared.some(([, field]) => field?.primaryKey)) {
    const id = new AutoField();
    id.name = 'id';
    list.push(id);
  }
  for (const [name, field] of declared) {
    if (!(field instanceof Field)) throw new FieldError(`${label}.${name} is not a field: build it with f.char(), f.foreignKey() and so on.`);
    if (field.name !== '') throw new FieldError(`${label}.${name}: this field object already belongs to ${field.qualifiedName}; build a new one.`);
    if (name.includes('__') || name === 'pk') throw new FieldError(`${label}.${name}: field names cannot contain '__' or be 'pk'.`);
    field.name = name;
    list.push(field);
  }
  if (options.softDelete) {
    for (const [name, field] of Object.entries(softDeleteFields())) {
      if (list.some((f) => f.name === name)) throw new FieldError(`${label}.${name} is added by softDelete: true; choose another name.`);
      field.name = name;
      list.push(field);
    }
  }
  const meta = new ModelMeta(label, list, options, registry);
  const objectName = meta.objectName;
  const Base = { [objectName]: class extends Model {} }[objectName]!;
  const DoesNotExist = class extends ObjectDoesNotExist {
    override name = `${objectName}.DoesNotExist`;
  };
  const Multiple = class extends MultipleObjectsReturned {
    override name = `${objectName}.MultipleObjectsReturned`;
  };
  Object.defineProperties(Base, {
    meta: { value: meta },
    DoesNotExist: { value: DoesNotExist },
    MultipleObjectsReturned: { value: Multiple },
  });
  meta.modelClass = Base;
  for (const field of list) {
    if (field instanceof ForeignKeyField) installForeignKeyAccessor(Base.prototype, field);
    if (field instanceof ManyToManyField) installManyToManyAccessor(Base.prototype, field);
  }
  registerModel(meta);
  return Base as never;
}
