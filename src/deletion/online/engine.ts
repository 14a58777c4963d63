/**
 * What hands operations to workers. Trove's own tables are the truth (state, lease, keys,
 * progress); an engine only wakes a worker and retries. The built-in one needs nothing: workers
 * poll for runnable operations whose lease is free, claiming with SKIP LOCKED where the
 * database has it (SQLite, MariaDB). On PostgreSQL the engine is pg-boss (./pg-boss.ts): each
 * operation has a job, sent in the transaction that writes or resumes it, that `trove worker`
 * processes fetch. `useOperationEngine` installs another for a database.
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

/**
 * PostgreSQL's default, chosen by dialect so that every process that submits or resumes an
 * operation (a request, `trove delete --online`, the shell) enqueues its job without being told.
 * pg-boss is loaded on the first enqueue, not at `connect()`: a project that never goes online
 * never loads it, and sending a job needs no pg-boss instance started, only its schema.
 */
const pgBossByDefault: OperationEngine = {
  name: 'pg-boss',
  enqueue: async (db, operationId) => (await import('./pg-boss.ts')).pgBossEngine.enqueue(db, operationId),
};

const engines = new WeakMap<Database, OperationEngine>();

export function useOperationEngine(db: Database, engine: OperationEngine): void {
  engines.set(db, engine);
}

export function engineFor(db: Database): OperationEngine {
  return engines.get(db) ?? (db.dialect === 'postgres' ? pgBossByDefault : builtInEngine);
}
