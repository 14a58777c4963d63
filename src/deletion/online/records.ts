/**
 * The durable side of an online operation: one row that says what it is and how far it got,
 * and the root keys still to do. Both are the truth a worker resumes from; a job engine only
 * decides which worker runs an operation and when.
 */
import { model, fields as f } from '../../orm/index.ts';

/**
 *   queued      written, waiting for a worker;
 *   running     a worker holds its lease and deletes batch after batch;
 *   paused      stopped on request between two batches; resume queues it again;
 *   cancelling  asked to stop for good; the worker (or the caller, when none holds it) finishes it;
 *   cancelled   stopped for good: a soft delete's rows are back, a hard delete's are gone as far as it got;
 *   failed      a batch kept failing (a PROTECT row inserted since the plan, say): fix it and resume;
 *   done        every root key and its cascade is gone.
 */
export type OperationState = 'queued' | 'running' | 'paused' | 'cancelling' | 'cancelled' | 'failed' | 'done';
export const OPERATION_STATES: readonly OperationState[] = ['queued', 'running', 'paused', 'cancelling', 'cancelled', 'failed', 'done'];
/** States a worker may take an operation in. */
export const RUNNABLE_STATES: readonly OperationState[] = ['queued', 'running', 'cancelling'];
export const FINISHED_STATES: readonly OperationState[] = ['cancelled', 'done'];
/** Controls and workers lock the same record: on MariaDB either may be a deadlock's victim, and runs again. */
export const RECORD_DEADLOCK_ATTEMPTS = 5;

/**
 * What each batch does: deletes (or moves to the trash) its slice of root keys with their cascade;
 * or, for a purge, removes for good the next slice of a trash operation's rows with theirs.
 */
export type OperationKind = 'delete' | 'softDelete' | 'purge';
export const OPERATION_KINDS: readonly OperationKind[] = ['delete', 'softDelete', 'purge'];

export class OnlineOperation extends model('trove.OnlineOperation', {
  id: f.uuid({ primaryKey: true }),
  kind: f.char({ maxLength: 20, choices: OPERATION_KINDS }),
  state: f.char({ maxLength: 12, default: 'queued', choices: OPERATION_STATES }),
  rootLabel: f.char({ maxLength: 150 }),
  /** What the plan said it would take, per model label, when it was submitted. */
  plan: f.json<Record<string, number>>(),
  /** What the batches took so far, per model label. */
  done: f.json<Record<string, number>>(),
  /** Root keys to take (a purge: the rows its plan takes). */
  keysTotal: f.bigInteger({ default: 0 }),
  keysDone: f.bigInteger({ default: 0 }),
  batches: f.integer({ default: 0 }),
  /** Root keys per batch, adapted after each to the target duration. */
  batchSize: f.integer({ default: 100 }),
  slowestBatchMs: f.integer({ default: 0 }),
  /** Batches that failed in a row; reset by one that succeeds. */
  failures: f.integer({ default: 0 }),
  error: f.text({ default: '' }),
  /** A soft delete's trash operation (`trove_deletion`), which every batch stamps its rows with; a purge's, which it empties. */
  deletionId: f.char({ maxLength: 36, null: true }),
  actor: f.char({ maxLength: 150, null: true }),
  source: f.char({ maxLength: 30, default: 'api' }),
  reason: f.text({ default: '' }),
  createdAt: f.dateTime(),
  startedAt: f.dateTime({ null: true }),
  finishedAt: f.dateTime({ null: true }),
  /** The worker that runs it, until `leaseUntil`: each batch renews the lease, and checks it is still its own. */
  leaseOwner: f.char({ maxLength: 100, null: true }),
  leaseUntil: f.dateTime({ null: true }),
  heartbeatAt: f.dateTime({ null: true }),
}, { table: 'trove_operation', internal: true, ordering: ['-createdAt'], indexes: [['state', 'leaseUntil']] }) {}

/** Root keys not done yet: a batch takes the smallest, and removes them in its own transaction. */
export class OperationKey extends model('trove.OperationKey', {
  operation: f.char({ maxLength: 36 }),
  /** Integer keys. */
  intKey: f.bigInteger({ null: true }),
  /** Other keys (UUIDs, strings). */
  textKey: f.char({ maxLength: 255, null: true }),
}, { table: 'trove_operation_key', internal: true, indexes: [['operation', 'intKey'], ['operation', 'textKey']] }) {}

/**
 * A hard delete's sweep still to do, one row per model (see sweep.ts): that model's rows the
 * operation takes, in slices of its own key order after `after` up to `until`. A row goes when
 * its sweep is done. The keys it finds rows through are in `trove_operation_key`.
 */
export class OperationSweep extends model('trove.OperationSweep', {
  operation: f.char({ maxLength: 36 }),
  /** Deepest models first: a model's sweep starts once those referring to it are done. */
  position: f.integer(),
  label: f.char({ maxLength: 150 }),
  /** The rows swept are those whose `field` (a foreign key's name; empty: the primary key) is among the keys written under `keys`. */
  field: f.char({ maxLength: 100, blank: true }),
  keys: f.char({ maxLength: 36 }),
  /** The last key swept; the sweep starts after the smallest key the table had. */
  after: f.bigInteger(),
  /** The largest key the table had when the operation was submitted: rows added since are left to the root slices. */
  until: f.bigInteger(),
}, { table: 'trove_operation_sweep', internal: true, indexes: [['operation', 'position']] }) {}
