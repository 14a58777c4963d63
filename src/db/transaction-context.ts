import { AsyncLocalStorage } from 'node:async_hooks';
import type { ControlledTransaction } from 'kysely';
import type { Database } from './database.ts';

/** One open transaction: the connection it holds and how many savepoints it has named. */
export interface TransactionState {
  readonly db: Database;
  readonly trx: ControlledTransaction<any, any>;
  readonly parent: TransactionState | undefined;
  /** Shared by a transaction and its savepoints. */
  readonly outermost: { savepointCount: number; onCommit: Array<() => unknown> };
}

export const transactionStorage = new AsyncLocalStorage<TransactionState>();

/** The transaction on `db` that the running async context is inside, if any. */
export function currentTransaction(db: Database): TransactionState | undefined {
  for (let state = transactionStorage.getStore(); state !== undefined; state = state.parent) {
    if (state.db === db) return state;
  }
  return undefined;
}
