/**
 * pg-boss on a Trove database (PostgreSQL): the job queue that hands online operations to
 * `trove worker` processes. pg-boss runs its SQL through Trove's own connections, so there is no
 * second pool to configure, `onQuery` sees its statements, and a job can be sent inside the
 * caller's open transaction: it commits, or rolls back, with the operation it announces.
 *
 * The queue's policy is `short`: at most one job per operation waits at a time (its key is the
 * operation's id), however often it is enqueued (submit, resume, a slice's continuation, the
 * sweep). pg-boss's `singleton` and `stately` policies would also keep a second job of an
 * operation from becoming active, but at a price: in pg-boss 10 a waiting job that may not become
 * active yet fails the whole fetch, so one operation whose worker died would stall every other
 * operation's jobs until pg-boss expired the dead one. One runner per operation is Trove's lease
 * (claimed under a row lock, checked by every batch, fencing a stale worker), which pg-boss's
 * policies could not replace anyway: a job that outlives its expiry is delivered again while its
 * first handler still runs.
 */
import { CompiledQuery } from 'kysely';
import PgBoss from 'pg-boss';
import type { Database } from '../../db/index.ts';
import type { OperationEngine } from './engine.ts';

/** pg-boss's own schema, beside the project's tables; `flush()`, `dropTables()` and migrations never touch it. */
export const BOSS_SCHEMA = 'trove_boss';
export const OPERATIONS_QUEUE = 'trove-online-operations';

/** What a job carries: Trove's tables hold everything else. */
export interface OperationJob {
  operationId: string;
}

/**
 * How pg-boss retries a job whose handler threw (the database went away, say): soon, then
 * backing off. A job that runs out of retries loses nothing: the operation's record is the truth,
 * and a worker's sweep queues a runnable operation that no worker holds again.
 */
const QUEUE: PgBoss.Queue = {
  name: OPERATIONS_QUEUE,
  policy: 'short',
  retryLimit: 10,
  retryDelay: 1,
  retryBackoff: true,
  // A job is one time slice of an operation (a minute by default): far longer means its worker died.
  expireInSeconds: 15 * 60,
  retentionMinutes: 7 * 24 * 60,
};

/** Statements on the pool, never inside the caller's transaction: pg-boss's own bookkeeping. */
function onPool(db: Database): PgBoss.Db {
  return { executeSql: (text, values) => db.kysely.executeQuery(CompiledQuery.raw(text, values ?? [])) };
}

/** Statements in the transaction open in this async context (`atomic()`), if there is one. */
function inCallersTransaction(db: Database): PgBoss.Db {
  return { executeSql: (text, values) => db.execute(CompiledQuery.raw(text, values ?? [])) };
}

/**
 * A pg-boss instance over `db`. Constructing one costs nothing (no connection, no timer); only
 * `start()` installs or migrates the schema and, with `supervise`, runs its maintenance.
 */
export function bossFor(db: Database, options: Omit<PgBoss.ConstructorOptions, 'db' | 'schema'> = {}): PgBoss {
  if (db.dialect !== 'postgres') throw new Error(`pg-boss runs on PostgreSQL only, not on ${db.dialect}.`);
  const boss = new PgBoss({ schedule: false, supervise: false, ...options, db: onPool(db), schema: BOSS_SCHEMA });
  // pg-boss reports maintenance errors as events; unheard, an 'error' event would end the process.
  boss.on('error', () => undefined);
  return boss;
}

/**
 * Creates (or migrates) pg-boss's schema and the operations' queue; does nothing when they are
 * there. `trove migrate` and `trove worker` call it, and so does the first enqueue of a process
 * that finds them missing. Answers whether it had anything to do.
 */
export async function installJobQueue(db: Database): Promise<boolean> {
  if (await queueExists(db, db.kysely)) return false;
  const boss = bossFor(db, { migrate: true });
  await boss.start();
  try {
    await boss.createQueue(OPERATIONS_QUEUE, QUEUE);
  } finally {
    await boss.stop({ graceful: false, close: false });
  }
  return true;
}

/** Asked on `on` (the caller's transaction, or the pool), without failing when the schema is missing. */
async function queueExists(db: Database, on: { executeQuery: Database['kysely']['executeQuery'] }): Promise<boolean> {
  const table = await on.executeQuery<{ t: string | null }>(CompiledQuery.raw(`SELECT to_regclass('${BOSS_SCHEMA}.queue')::text AS t`));
  if (table.rows[0]?.t === null || table.rows[0]?.t === undefined) return false;
  const queue = await on.executeQuery(CompiledQuery.raw(`SELECT 1 FROM ${BOSS_SCHEMA}.queue WHERE name = $1`, [OPERATIONS_QUEUE]));
  return queue.rows.length > 0;
}

/**
 * Enqueues an operation's job in the caller's transaction. The first enqueue of a process checks
 * that the queue is installed (and installs it, on a connection of its own, when it is not: DDL
 * must not join, nor commit, the caller's transaction); `trove migrate` installs it beforehand,
 * so that in production no request ever does.
 */
export class PgBossEngine implements OperationEngine {
  readonly name = 'pg-boss';
  private readonly installed = new WeakMap<Database, Promise<void>>();
  private readonly bosses = new WeakMap<Database, PgBoss>();

  async enqueue(db: Database, operationId: string): Promise<void> {
    await this.ready(db);
    let boss = this.bosses.get(db);
    if (boss === undefined) this.bosses.set(db, (boss = bossFor(db)));
    const job: OperationJob = { operationId };
    // null when a job of this operation already waits: one is enough.
    await boss.send(OPERATIONS_QUEUE, job, { singletonKey: operationId, db: inCallersTransaction(db) });
  }

  private ready(db: Database): Promise<void> {
    let ready = this.installed.get(db);
    if (ready === undefined) {
      ready = (async () => {
        // The check reads the catalog on the caller's connection, so that a pool busy with open transactions cannot hold it up.
        if (!(await queueExists(db, db.executor()))) await installJobQueue(db);
      })();
      ready.catch(() => this.installed.delete(db));
      this.installed.set(db, ready);
    }
    return ready;
  }
}

export const pgBossEngine = new PgBossEngine();
