/**
 * The per-instance bookkeeping that Trove keeps out of the user's properties, and the
 * construction of instances from database rows.
 */
import { getDatabase, type Database } from '../db/index.ts';
import { FieldError } from './errors.ts';
import type { ModelMeta } from './meta.ts';

export const STATE: unique symbol = Symbol('trove.instanceState');
/** Passed to a model's constructor to build an instance from a row without applying defaults. */
export const FROM_DB: unique symbol = Symbol('trove.fromDb');

export interface InstanceState {
  /** True until the row is inserted. */
  adding: boolean;
  /** Loaded relations: forward objects, prefetched lists. */
  cache: Map<string, unknown> | undefined;
  /** The database the row was read from or written to (Django's `_state.db`); the default otherwise. */
  db?: Database;
  /** Fields left out by only() or defer(): reading one is an error until it is loaded or set. */
  deferred?: Set<string>;
}

export interface InstanceLike {
  [STATE]: InstanceState;
  [key: string]: unknown;
}

export function stateOf(instance: object): InstanceState {
  return (instance as InstanceLike)[STATE];
}

/** The database `instance` was read from or saved to (Django's `_state.db`), else the default. */
export function databaseOf(instance: object): Database {
  return stateOf(instance).db ?? getDatabase();
}

export function relationCache(instance: object): Map<string, unknown> {
  const state = stateOf(instance);
  return (state.cache ??= new Map());
}

/** Builds an instance of `meta`'s model from a row whose columns may carry a prefix. */
export function hydrate(meta: ModelMeta, row: Record<string, unknown>, db: Database, prefix = ''): InstanceLike {
  const instance = new meta.modelClass(FROM_DB) as InstanceLike;
  instance[STATE].db = db;
  const { dialect } = db;
  const fields = meta.concreteFields;
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i]!;
    const value = row[prefix + field.column];
    instance[field.attname] = value === null || value === undefined ? null : field.fromDb(value, dialect);
  }
  return instance;
}

export class RelationNotLoadedError extends FieldError {
  override name = 'RelationNotLoadedError';
}

/** A field left out by only() or defer(), read before it was loaded. */
export class DeferredFieldError extends FieldError {
  override name = 'DeferredFieldError';
}

/**
 * Marks `fields` of a fresh instance as not loaded: reading one throws a DeferredFieldError that
 * says how to load it (a property cannot wait for a query); setting one makes it an ordinary
 * value again.
 */
export function deferFields(instance: InstanceLike, meta: ModelMeta, attnames: readonly string[]): void {
  if (attnames.length === 0) return;
  const state = instance[STATE];
  state.deferred = new Set(attnames);
  for (const attname of attnames) {
    Object.defineProperty(instance, attname, {
      configurable: true,
      enumerable: false,
      get(): never {
        throw new DeferredFieldError(`${meta.objectName}.${attname} was not loaded (only() or defer()): load it with await instance.refreshFromDb({ fields: ['${attname}'] }).`);
      },
      set(value: unknown) {
        Object.defineProperty(this, attname, { value, writable: true, enumerable: true, configurable: true });
        stateOf(this).deferred?.delete(attname);
      },
    });
  }
}

/** The fields of `instance` that are loaded (all but the deferred ones). */
export function isLoaded(instance: object, attname: string): boolean {
  return !(stateOf(instance).deferred?.has(attname) ?? false);
}
