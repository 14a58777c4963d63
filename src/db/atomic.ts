import { getDatabase, type Database } from './database.ts';
import { asIntegrityError, deadlockPause, isDeadlock } from './errors.ts';
import type { ControlledTransaction } from 'kysely';
import { currentTransaction, transactionStorage, type TransactionState } from './transaction-context.ts';

export interface AtomicOptions {
  /** The database to run on; the default database otherwise. */
  using?: Database;
  /**
   * How many times to run `fn` in all when the server picks the transaction as a deadlock's
   * victim (it was rolled back whole, so a new try starts clean). Only the outermost transaction
   * is run again; `fn` must do nothing outside the database that a second run would repeat.
   */
  deadlockAttempts?: number;
}

/**
 * Runs `fn` in a transaction. Every query inside it, however deep in the call stack, joins the
 * transaction because it is bound to the async context. A nested call opens a savepoint, so an
 * inner failure that is caught undoes only the inner work.
 */
export async function atomic<T>(fn: () => Promise<T> | T, options: AtomicOptions = {}): Promise<T> {
  const db = options.using ?? getDatabase();
  const attempts = options.deadlockAttempts ?? 1;
  if (!Number.isInteger(attempts) || attempts < 1) throw new RangeError(`deadlockAttempts must be a whole number of at least 1, not ${attempts}.`);
  const outer = currentTransaction(db);
  if (outer !== undefined) return runSavepoint(outer, fn);
  for (let attempt = 1; ; attempt++) {
    try {
      return await runTransaction(db, fn);
    } catch (error) {
      if (attempt >= attempts || !isDeadlock(error)) throw error;
      await deadlockPause(attempt);
    }
  }
}

async function runTransaction<T>(db: Database, fn: () => Promise<T> | T): Promise<T> {
  const trx = await db.kysely.startTransaction().execute();
  const state: TransactionState = {
    db,
    trx,
    parent: transactionStorage.getStore(),
    outermost: { savepointCount: 0, onCommit: [] },
  };
  let result: T;
  try {
    result = await transactionStorage.run(state, fn);
  } catch (error) {
    await trx.rollback().execute().catch(() => undefined);
    throw error;
  }
  try {
    await trx.commit().execute();
  } catch (error) {
    // Deferred foreign keys are checked here. SQLite keeps the transaction open after a refused
    // COMMIT; end it so the connection is usable again.
    await trx.rollback().execute().catch(() => undefined);
    throw asIntegrityError(error) ?? error;
  }
  for (const callback of state.outermost.onCommit) await callback();
  return result;
}

async function runSavepoint<T>(outer: TransactionState, fn: () => Promise<T> | T): Promise<T> {
  const { outermost } = outer;
  const name = `trove_sp_${++outermost.savepointCount}`;
  // Savepoint names are typed for literal names; ours are generated.
  const trx: ControlledTransaction<any, any> = await (outer.trx as ControlledTransaction<any, string[]>).savepoint(name as never).execute();
  const state: TransactionState = { ...outer, trx, parent: transactionStorage.getStore() };
  const hooksBefore = outermost.onCommit.length;
  let result: T;
  try {
    result = await transactionStorage.run(state, fn);
  } catch (error) {
    await trx.rollbackToSavepoint(name).execute().catch(() => undefined);
    outermost.onCommit.length = hooksBefore;
    throw error;
  }
  await trx.releaseSavepoint(name).execute();
  return result;
}

/** Runs `callback` after the current transaction commits, or at once outside a transaction. */
export async function onCommit(callback: () => unknown, options: AtomicOptions = {}): Promise<void> {
  const db = options.using ?? getDatabase();
  const state = currentTransaction(db);
  if (state === undefined) await callback();
  else state.outermost.onCommit.push(callback);
}

export function inTransaction(db: Database = getDatabase()): boolean {
  return currentTransaction(db) !== undefined;
}
