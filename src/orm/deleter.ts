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

/** Who deleted, why and from where: recorded with a soft delete's operation. */
export interface DeleteOptions {
  actor?: string | null;
  reason?: string;
  /** `shell`, `view`, `admin`, `api`, `purge`…; `api` when not given. */
  source?: string;
  /**
   * Called as each model's rows go (one statement per model), e.g. for a progress bar. Awaited,
   * inside the transaction: throwing stops the delete and rolls it all back (Ctrl+C in `trove delete`).
   */
  onProgress?: (progress: DeleteProgress) => unknown;
  /**
   * Called with the plan once what the delete takes is fixed, before its first write and inside
   * its transaction: throw to refuse, and nothing changes. The plan is exactly what then goes,
   * so a permission check here covers every row (see `trove/auth`'s deletion permissions).
   */
  authorize?: (plan: DeletePlanLike) => void | Promise<void>;
}

export interface DeleteProgress {
  /** The model whose rows just went. */
  model: string;
  /** How many of its rows. */
  rows: number;
  /** Rows gone so far, every model included. */
  deleted: number;
}

export interface Deleter {
  /** Deletes what the queryset matches; `origin` is what delete() was called on. */
  deleteQuerySet(queryset: unknown, origin: unknown, options: DeleteOptions & { hard: boolean }): Promise<DeleteResult>;
  /** Deletes one saved instance. */
  deleteInstance(instance: object, options: DeleteOptions & { hard: boolean }): Promise<DeleteResult>;
  /** Takes a soft-deleted instance, and what its operation took beneath it, out of the trash. */
  restoreInstance(instance: object, options: RestoreOptions): Promise<DeleteResult>;
  /** Restores the trash rows a queryset matches, each with its operation's rows beneath it. */
  restoreQuerySet(queryset: unknown, options: RestoreOptions): Promise<DeleteResult>;
  /** What deleting the queryset would do (a soft delete unless `hard`); nothing is deleted. */
  planQuerySet(queryset: unknown, options: PlanOptions): Promise<DeletePlanLike>;
  /** Deletes objects by key or instance, in batches, in one transaction. */
  bulkDelete(queryset: unknown, objects: readonly unknown[], options: BulkDeleteOptionsLike): Promise<DeleteResult & { deletionId?: string }>;
  /** Writes an online operation for what the queryset (or these objects) would lose, and returns at once; workers carry it out. */
  startOnline(queryset: unknown, objects: readonly unknown[] | undefined, options: OnlineDeleteOptions & { hard: boolean }): Promise<OnlineDeleteStarted>;
}

/** `delete({ online: true })`: the delete is written down and carried out by workers, in batches. */
export interface OnlineDeleteOptions extends Pick<DeleteOptions, 'actor' | 'reason' | 'source' | 'authorize'> {
  online: true;
}

/** What an online delete answers at once (see deletion/online). */
export interface OnlineDeleteStarted {
  /** `trove operations <id>`, `operationProgress(id)`: how far it got. */
  operationId: string;
  kind: 'delete' | 'softDelete';
  /** What the plan says it takes, when it was submitted. */
  plan: DeleteResult;
  /** A soft delete's trash operation: its root rows are already hidden under this id. */
  deletionId?: string;
}

export interface RestoreOptions {
  /**
   * Called with what the restore brings back, per model, before it changes anything and inside
   * its transaction: throw to refuse, and nothing changes.
   */
  authorize?: (plan: DeleteResult) => void | Promise<void>;
}

export interface PlanOptions {
  /** Plan a hard delete even on a soft-delete model (what `hardDelete()` would do). */
  hard?: boolean;
}

/** The deletion engine's plan, as the ORM sees it (see deletion/plan.ts). */
export interface DeletePlanLike extends DeleteResult {
  /** True when the plan moves rows to the trash rather than deleting them. */
  soft: boolean;
  protected: Record<string, object[]>;
  restricted: Record<string, object[]>;
  /** Live objects without a trash that a soft delete would cascade into: they block it. */
  untrashable: Record<string, object[]>;
  /**
   * A hard delete only: rows already in the trash that it takes, per soft-delete operation (its
   * id) and model label. Those operations become partial, or purged once nothing of them is left.
   */
  operations: Record<string, Record<string, number>>;
  updates: Record<string, number>;
  allowed: boolean;
  /** Up to `limit` of the objects of a model (a class, or its label) that would go. */
  sample<C extends abstract new (...args: any) => object>(model: C & { meta: { label: string } }, limit?: number): Promise<InstanceType<C>[]>;
  sample(model: string, limit?: number): Promise<object[]>;
}

export interface BulkDeleteOptionsLike extends Pick<DeleteOptions, 'actor' | 'reason' | 'source' | 'authorize'> {
  batchSize?: number;
  /** On a soft-delete model, delete for good instead of moving the rows to the trash. */
  hard?: boolean;
  onProgress?: (progress: { done: number; total: number; deleted: number }) => void;
}

let deleter: Deleter | undefined;

export function installDeleter(engine: Deleter): void {
  deleter = engine;
}

export function getDeleter(): Deleter {
  if (deleter === undefined) throw new QueryUsageError("The deletion engine is not loaded: import from 'trove', not from its orm folder alone.");
  return deleter;
}
