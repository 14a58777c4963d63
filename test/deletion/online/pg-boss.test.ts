/**
 * The pg-boss engine on PostgreSQL: jobs commit and roll back with the transaction that submits
 * the operation, a job delivered twice runs its operation once, a job's slice hands its operation
 * on, and the sweep queues again an operation whose worker died. (Worker processes, one killed:
 * workers.test.ts.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CompiledQuery } from 'kysely';
import { atomic, getDatabase, operationProgress, OperationWorker, type WorkerEvent } from '../../../src/index.ts';
import { engineFor } from '../../../src/deletion/online/engine.ts';
import { BACKEND, withSeededDatabase } from '../../support/database.ts';
import { Remark, Story, Writer } from './models.ts';

const QUEUE = 'trove-online-operations';
const skip = BACKEND !== 'postgres' && 'pg-boss runs on PostgreSQL; elsewhere the built-in runner polls';

// Elsewhere nothing here runs, and no database is set up for it.
if (BACKEND === 'postgres') withSeededDatabase(async () => {
  // flush() leaves pg-boss's tables alone: jobs of earlier tests' operations would be fetched first.
  await (await import('../../../src/deletion/online/pg-boss.ts')).installJobQueue(getDatabase());
  await getDatabase().kysely.executeQuery(CompiledQuery.raw('DELETE FROM trove_boss.job WHERE name = $1', [QUEUE]));
  const ws = await Writer.objects.bulkCreate(Array.from({ length: 12 }, (_, i) => ({ name: `w${i}`, group: i % 2 })));
  const ss = await Story.objects.bulkCreate(ws.map((writer) => ({ writer, title: 't' })));
  await Remark.objects.bulkCreate(ss.map((story) => ({ story, editor: null })));
});

/** Loaded only on PostgreSQL, as `trove worker` does. */
const boss = async () => import('../../../src/deletion/online/pg-boss-worker.ts');

/** The states of an operation's jobs, oldest first. */
async function jobsOf(operationId: string): Promise<string[]> {
  const { rows } = await getDatabase().kysely.executeQuery<{ state: string }>(CompiledQuery.raw(
    'SELECT state FROM trove_boss.job WHERE name = $1 AND singleton_key = $2 ORDER BY created_on, id', [QUEUE, operationId],
  ));
  return rows.map((row) => row.state);
}

async function newWorker(events: WorkerEvent[] = [], options: { sliceMs?: number; leaseMs?: number } = {}) {
  const { PgBossWorker } = await boss();
  return new PgBossWorker(getDatabase(), { maxLockWaiters: 1_000, initialBatchSize: 2, maxBatchSize: 2, onEvent: (e) => events.push(e), ...options });
}

test('on PostgreSQL the engine is pg-boss, chosen by dialect for every process that submits', { skip }, () => {
  assert.equal(engineFor(getDatabase()).name, 'pg-boss');
});

test('the job is sent in the submitting transaction: rolled back, there is none; committed, one waits', { skip }, async () => {
  let rolledBack = '';
  await assert.rejects(atomic(async () => {
    rolledBack = (await Writer.objects.filter({ group: 0 }).delete({ online: true })).operationId;
    assert.deepEqual(await jobsOf(rolledBack), [], 'not visible outside the transaction before it commits');
    throw new Error('roll back');
  }), /roll back/);
  assert.deepEqual(await jobsOf(rolledBack), []);
  const { operationId } = await Writer.objects.filter({ group: 0 }).delete({ online: true });
  assert.deepEqual(await jobsOf(operationId), ['created']);
});

test('a job delivered twice runs its operation once', { skip }, async () => {
  const { operationId, plan } = await Writer.objects.filter({ group: 0 }).delete({ online: true });
  const events: WorkerEvent[] = [];
  const [a, b] = [await newWorker(events), await newWorker(events)];
  const first = await a.next();
  // The same operation's job again, while the first is active (a resume, a sweep, an expiry's retry).
  await atomic(() => engineFor(getDatabase()).enqueue(getDatabase(), operationId));
  const second = await b.next();
  assert.ok(first !== undefined && second !== undefined && first.id !== second.id);
  assert.equal(second.data.operationId, operationId);
  const ends = await Promise.all([a.handle(first), b.handle(second)]);
  assert.deepEqual([...ends].sort(), ['done', 'skipped']);
  assert.equal(events.filter((e) => e.kind === 'claimed').length, 1, 'one claim, one runner');
  const progress = await operationProgress(operationId);
  assert.equal(progress.state, 'done');
  assert.deepEqual(Object.fromEntries(progress.models.map((m) => [m.label, m.done])), plan.byModel, 'nothing counted twice');
  assert.equal(await Writer.objects.filter({ group: 0 }).count(), 0);
  assert.deepEqual(await jobsOf(operationId), ['completed', 'completed']);
});

test('a job runs one slice, then hands its operation on to the next job', { skip }, async () => {
  const { operationId } = await Writer.objects.filter({ group: 1 }).delete({ online: true });
  const events: WorkerEvent[] = [];
  // Each slice ends after its first batch: the operation goes from job to job.
  await (await newWorker(events, { sliceMs: 1 })).drain();
  assert.equal((await operationProgress(operationId)).state, 'done');
  assert.equal(await Writer.objects.filter({ group: 1 }).count(), 0);
  const handedOn = events.filter((e) => e.kind === 'handed-on').length;
  assert.ok(handedOn >= 2, `${handedOn}`);
  assert.ok(!events.some((e) => e.kind === 'released' && e.state === 'lost'), 'the end of a slice is not reported as a loss');
  const jobs = await jobsOf(operationId);
  assert.equal(jobs.length, handedOn + 1);
  assert.ok(jobs.every((state) => state === 'completed'), jobs.join());
});

test('a worker that died holding an operation: once its lease lapses, the sweep queues it again and another worker finishes it', { skip }, async () => {
  const { operationId } = await Writer.objects.all().delete({ online: true });
  const dead = await newWorker();
  // The dead worker fetched the job and claimed the operation, then stopped answering.
  assert.ok((await dead.next()) !== undefined);
  assert.equal(await new OperationWorker(getDatabase(), { leaseMs: 50 }).claim(operationId), operationId);
  const alive = await newWorker();
  assert.equal(await alive.sweep(), 0, 'a held lease is left alone');
  assert.equal(await alive.next(), undefined, 'no job waits: the dead one is active');
  await new Promise((resolve) => setTimeout(resolve, 80));
  await alive.drain();
  assert.equal((await operationProgress(operationId)).state, 'done');
  assert.equal(await Writer.objects.count(), 0);
  assert.deepEqual(await jobsOf(operationId), ['active', 'completed'], 'the dead job is left to pg-boss\'s expiry');
});
