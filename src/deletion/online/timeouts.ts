/**
 * Every batch runs under a lock timeout and a statement timeout, so that it never queues behind
 * (or holds up) other writers for long: one that times out is split and tried again.
 */
import { CompiledQuery } from 'kysely';
import type { Database } from '../../db/index.ts';

function run<R>(db: Database, text: string) {
  return db.execute<R>(CompiledQuery.raw(text));
}

export interface BatchTimeouts {
  /** How long a statement of a batch may wait for a row lock. */
  lockTimeoutMs: number;
  /** How long one statement of a batch may run. */
  statementTimeoutMs: number;
}

/** Sets the timeouts for the rest of the current transaction; returns what undoes them (MariaDB sets them per session). */
export async function applyTimeouts(db: Database, { lockTimeoutMs, statementTimeoutMs }: BatchTimeouts): Promise<() => Promise<void>> {
  const lock = Math.max(1, Math.round(lockTimeoutMs));
  const statement = Math.max(1, Math.round(statementTimeoutMs));
  switch (db.dialect) {
    case 'postgres':
      // SET LOCAL ends with the transaction.
      await run(db, `SET LOCAL lock_timeout = ${lock}`);
      await run(db, `SET LOCAL statement_timeout = ${statement}`);
      return async () => {};
    case 'mysql': {
      const { rows } = await run<{ l: number; s: number }>(db, 'SELECT @@SESSION.innodb_lock_wait_timeout AS l, @@SESSION.max_statement_time AS s');
      const before = rows[0]!;
      // InnoDB counts whole seconds; a statement's limit may be a fraction.
      await run(db, `SET SESSION innodb_lock_wait_timeout = ${Math.max(1, Math.ceil(lock / 1000))}, SESSION max_statement_time = ${statement / 1000}`);
      return async () => {
        await run(db, `SET SESSION innodb_lock_wait_timeout = ${Number(before.l)}, SESSION max_statement_time = ${Number(before.s)}`);
      };
    }
    default:
      // SQLite has one writer at a time and no statement that waits on a row.
      return async () => {};
  }
}

/**
 * A statement of the batch ran past the statement timeout (not a wait for a lock): a batch of
 * one root key that does is one whose cascade alone takes longer, which waiting cannot fix.
 */
export function isStatementTimeout(error: unknown): boolean {
  for (let e = error as { code?: unknown; errno?: unknown; cause?: unknown } | undefined; e !== undefined && e !== null; e = e.cause as typeof e) {
    if (e.code === '57014' || e.errno === 1969 || e.errno === 3024) return true;
  }
  return false;
}

/** A batch that ran into a timeout, or lost a deadlock: split it, and try again. */
export function isTimeout(error: unknown): boolean {
  for (let e = error as { code?: unknown; errno?: unknown; cause?: unknown } | undefined; e !== undefined && e !== null; e = e.cause as typeof e) {
    if (e.code === '55P03' || e.code === '57014' || e.code === '40P01') return true;
    if (e.errno === 1205 || e.errno === 1969 || e.errno === 3024 || e.errno === 1213) return true;
    if (e.code === 'SQLITE_BUSY') return true;
  }
  return false;
}
