/**
 * What hands operations to workers. Trove's own tables are the truth (state, lease, keys,
 * progress); an engine only wakes a worker and retries. The built-in one needs nothing: workers
 * poll for runnable operations whose lease is free, claiming with SKIP LOCKED where the
 * database has it. A job engine (pg-boss on PostgreSQL) is installed with `useOperationEngine`.
 */
import type { Database } from '../../db/index.ts';

export interface OperationEngine {
  readonly name: string;
  /** Called inside the transaction that writes (or resumes) the operation: the job commits with it. */
  enqueue(db: Database, operationId: string): Promise<void>;
}

export const builtInEngine: OperationEngine = {
  name: 'built-in',
  enqueue: async () => {},
};

const engines = new WeakMap<Database, OperationEngine>();

export function useOperationEngine(db: Database, engine: OperationEngine): void {
  engines.set(db, engine);
}

export function engineFor(db: Database): OperationEngine {
  return engines.get(db) ?? builtInEngine;
}
