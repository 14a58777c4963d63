/**
 * Whether the database can take another batch now. Batches wait while writers queue for locks
 * (someone else's long transaction, or a hot table) and while replicas fall behind: deleting
 * faster than a replica replays only makes its lag, and the reads served from it, worse.
 */
import { CompiledQuery } from 'kysely';
import type { Database } from '../../db/index.ts';

export interface HealthLimits {
  /** Sessions waiting for a lock at most (default 20). */
  maxLockWaiters: number;
  /** Replication lag at most, where there are replicas (default 10 s). */
  maxReplicationLagMs: number;
}

export const DEFAULT_HEALTH: HealthLimits = { maxLockWaiters: 20, maxReplicationLagMs: 10_000 };

export interface Health {
  healthy: boolean;
  /** Why not, in a sentence. */
  reason?: string;
}

export async function databaseHealth(db: Database, limits: HealthLimits): Promise<Health> {
  const probe = PROBES[db.dialect];
  if (probe === undefined) return { healthy: true };
  const { rows } = await db.execute<{ waiters: number | string | null; lag: number | string | null }>(CompiledQuery.raw(probe));
  const waiters = Number(rows[0]?.waiters ?? 0);
  const lag = Number(rows[0]?.lag ?? 0);
  if (waiters > limits.maxLockWaiters) return { healthy: false, reason: `${waiters} sessions wait for locks (at most ${limits.maxLockWaiters})` };
  if (lag > limits.maxReplicationLagMs) return { healthy: false, reason: `a replica is ${Math.round(lag)} ms behind (at most ${limits.maxReplicationLagMs} ms)` };
  return { healthy: true };
}

const PROBES: Partial<Record<Database['dialect'], string>> = {
  postgres: `SELECT (SELECT count(*) FROM pg_locks WHERE NOT granted) AS waiters,
    (SELECT coalesce(max(extract(epoch FROM replay_lag)) * 1000, 0) FROM pg_stat_replication) AS lag`,
  // A primary does not know its replicas' lag; lock waits are what it can see.
  mysql: 'SELECT (SELECT count(*) FROM information_schema.innodb_lock_waits) AS waiters, 0 AS lag',
};
