/**
 * The ORM calls the deletion engine through this seam: `deletion/` sits beside `orm/` and
 * imports it, so `orm/` must not import `deletion/` back.
 */
import { QueryUsageError } from './errors.ts';

export interface DeleteResult {
  /** Rows deleted, every model included. */
  total: number;
  /** Rows deleted per model label; models with none are left out. */
  byModel: Record<string, number>;
}

export interface Deleter {
  /** Deletes what the queryset matches; `origin` is what delete() was called on. */
  deleteQuerySet(queryset: unknown, origin: unknown): Promise<DeleteResult>;
  /** Deletes one saved instance. */
  deleteInstance(instance: object): Promise<DeleteResult>;
}

let deleter: Deleter | undefined;

export function installDeleter(engine: Deleter): void {
  deleter = engine;
}

export function getDeleter(): Deleter {
  if (deleter === undefined) throw new QueryUsageError("The deletion engine is not loaded: import from 'trove', not from its orm folder alone.");
  return deleter;
}
