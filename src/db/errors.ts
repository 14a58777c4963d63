/** A constraint of the database refused the statement: unique, foreign key, not null or check. */
export class IntegrityError extends Error {
  override name = 'IntegrityError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

const SQLITE_CONSTRAINT = /^SQLITE_CONSTRAINT/;
const MYSQL_INTEGRITY_CODES = new Set([1048, 1062, 1169, 1216, 1217, 1451, 1452, 1557, 1586, 3819, 4025]);

/** Recognises each driver's constraint errors, so callers can catch one class on every database. */
export function asIntegrityError(error: unknown): IntegrityError | undefined {
  if (!(error instanceof Error)) return undefined;
  const e = error as Error & { code?: unknown; errno?: unknown };
  const isIntegrity =
    (typeof e.code === 'string' && (SQLITE_CONSTRAINT.test(e.code) || /^23[0-9A-Z]{3}$/.test(e.code))) ||
    (typeof e.errno === 'number' && MYSQL_INTEGRITY_CODES.has(e.errno));
  return isIntegrity ? new IntegrityError(e.message, { cause: error }) : undefined;
}

/**
 * The server chose this statement's transaction as a deadlock's victim (PostgreSQL 40P01,
 * MySQL/MariaDB 1213): it was rolled back whole, and may be run again.
 */
export function isDeadlock(error: unknown): boolean {
  const e = error as { code?: unknown; errno?: unknown } | null;
  return e !== null && typeof e === 'object' && (e.code === '40P01' || e.errno === 1213);
}

/** How long to wait before running a deadlock's victim again: a little longer each time, so that the transaction it collided with can finish. */
export function deadlockPause(attempt: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.min(25 * attempt, 250)));
}
