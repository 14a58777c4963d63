/**
 * Online operations in one process: what a worker's batches leave equals what one transaction
 * leaves, and pause, resume, cancel, a lease taken over and a failing batch each end as they say.
 */
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  atomic, cancelOperation, connect, getDatabase, listOperations, OnlineOperation, operationProgress, OperationWorker, pauseOperation, ProtectedError, QueryUsageError,
  restoreDeletion, resumeOperation, purgeDeletion, signals, type WorkerEvent,
} from '../../../src/index.ts';
import { runBatch } from '../../../src/deletion/online/batch.ts';
import { BACKEND, TEST_DATABASE_URL, withSeededDatabase } from '../../support/database.ts';
import { referenceAfter, seedShelves, seedWriters, snapshot, worker } from './fixtures.ts';
import { Genre, Knot, Node, Page, Prize, Remark, Shelf, Story, Token, TokenUse, Volume, Writer } from './models.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 12);

withSeededDatabase(async () => undefined);

test('an online hard delete, batch by batch, leaves what one transaction leaves', async () => {
  await fc.assert(fc.asyncProperty(
    fc.integer({ min: 0, max: 12 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 2 }),
    fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 20 }),
    async (writers, stories, remarks, group, initialBatchSize, maxBatchSize) => {
      await getDatabase().flush();
      await seedWriters(writers, stories, remarks);
      const filter = { group__lte: group };
      const expected = await referenceAfter(() => Writer.objects.filter(filter).delete());
      const planned = await Writer.objects.filter(filter).planDelete();
      const started = await Writer.objects.filter(filter).delete({ online: true });
      assert.deepEqual(started.plan.byModel, planned.byModel);
      await worker({ initialBatchSize, maxBatchSize }).drain();
      assert.deepEqual(await snapshot(), expected);
      const progress = await operationProgress(started.operationId);
      assert.equal(progress.state, 'done');
      assert.deepEqual(Object.fromEntries(progress.models.filter((m) => m.done > 0).map((m) => [m.label, m.done])), planned.byModel);
      assert.equal(progress.keysDone, progress.keysTotal);
    },
  ), { numRuns: RUNS });
});

test('an online soft delete hides its roots at once, trashes the rest in batches under one id, and restores whole', async () => {
  await fc.assert(fc.asyncProperty(
    fc.integer({ min: 1, max: 10 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 1, max: 5 }),
    async (shelves, volumes, pages, initialBatchSize) => {
      await getDatabase().flush();
      await seedShelves(shelves, volumes, pages);
      const before = await snapshot();
      const expected = await referenceAfter(() => Shelf.objects.filter({ group: 0 }).delete());
      const started = await Shelf.objects.filter({ group: 0 }).delete({ online: true });
      // Before any worker ran: no root of it is visible, and nothing else moved yet.
      assert.equal(await Shelf.objects.filter({ group: 0 }).count(), 0);
      assert.equal(await Volume.deletedObjects.count(), 0);
      await worker({ initialBatchSize, maxBatchSize: initialBatchSize }).drain();
      assert.deepEqual(await snapshot(), expected);
      assert.equal(new Set((await Page.deletedObjects.values('deletionId').fetch()).map((r) => r.deletionId)).size <= 1, true);
      await restoreDeletion(started.deletionId!);
      assert.deepEqual(await snapshot(), before);
    },
  ), { numRuns: RUNS });
});

test('pause stops between batches, resume goes on from there', async () => {
  await seedWriters(20, 2, 1);
  const { operationId } = await Writer.objects.all().delete({ online: true });
  const w = worker({ initialBatchSize: 3, maxBatchSize: 3, onEvent: (e) => { if (e.kind === 'batch' && e.operationId === operationId) void 0; } });
  const id = await w.claim();
  assert.equal(id, operationId);
  // Two batches, then a pause from elsewhere: the worker sees it before its third.
  let batches = 0;
  const paused = new OperationWorker(getDatabase(), {
    owner: w.owner, initialBatchSize: 3, maxBatchSize: 3, maxLockWaiters: 1_000,
    onEvent: (e: WorkerEvent) => { if (e.kind === 'batch' && ++batches === 2) void pauseOperation(operationId); },
  });
  assert.equal(await paused.run(operationId), 'paused');
  const mid = await operationProgress(operationId);
  assert.equal(mid.state, 'paused');
  assert.ok(mid.keysDone >= 6 && mid.keysDone < 20, `${mid.keysDone}`);
  assert.equal(await Writer.objects.count(), 20 - mid.keysDone);
  assert.equal(await w.claim(), undefined, 'a paused operation is not claimed');
  assert.equal(await resumeOperation(operationId), 'queued');
  await worker().drain();
  assert.equal((await operationProgress(operationId)).state, 'done');
  assert.equal(await Writer.objects.count(), 0);
  assert.equal(await Remark.objects.count(), 0);
});

test('cancelling a soft delete puts back all it moved; cancelling a hard delete stops it and says what is gone', async () => {
  await seedShelves(9, 2, 2);
  const before = await snapshot();
  const soft = await Shelf.objects.all().delete({ online: true });
  // Batches run one by one, and the cancel lands between two of them, whatever the machine's pace.
  const w = worker({ initialBatchSize: 2, maxBatchSize: 2 });
  assert.equal(await w.claim(), soft.operationId);
  const timeouts = { lockTimeoutMs: 1000, statementTimeoutMs: 5000 };
  for (let i = 0; i < 2; i++) assert.equal((await runBatch(getDatabase(), { operationId: soft.operationId, owner: w.owner, size: 2, leaseMs: 10_000, timeouts })).kind, 'took');
  assert.equal(await cancelOperation(soft.operationId), 'cancelling');
  assert.equal(await w.run(soft.operationId), 'cancelled');
  assert.deepEqual(await snapshot(), before);
  const undone = await operationProgress(soft.operationId);
  assert.equal(undone.state, 'cancelled');
  // Everything is back, so nothing reads as done (the batches had moved 4 shelves and theirs).
  assert.deepEqual([undone.done, undone.keysDone], [0, 0]);

  await seedWriters(10, 1, 1);
  const hard = await Writer.objects.all().delete({ online: true });
  const h = worker({ initialBatchSize: 4, maxBatchSize: 4 });
  assert.equal(await h.claim(), hard.operationId);
  assert.equal((await runBatch(getDatabase(), { operationId: hard.operationId, owner: h.owner, size: 4, leaseMs: 10_000, timeouts })).kind, 'took');
  assert.equal(await cancelOperation(hard.operationId), 'cancelling');
  assert.equal(await h.run(hard.operationId), 'cancelled');
  const p = await operationProgress(hard.operationId);
  assert.equal(p.state, 'cancelled');
  assert.equal(p.keysDone, 4);
  assert.equal(await Writer.objects.count(), 6);
  assert.equal(p.models.find((x) => x.label === 'ol.Writer')!.done, 4);
  // A queued operation no worker holds is cancelled at once.
  const queued = await Writer.objects.all().delete({ online: true });
  assert.equal(await cancelOperation(queued.operationId), 'cancelled');
  assert.equal(await Writer.objects.count(), 6);
  await assert.rejects(resumeOperation(queued.operationId), QueryUsageError);
});

test('a worker presumed dead loses its lease: another goes on, and the first may not write again', async () => {
  await seedWriters(12, 1, 1);
  const { operationId } = await Writer.objects.all().delete({ online: true });
  const first = worker({ leaseMs: 50, initialBatchSize: 2, maxBatchSize: 2 });
  assert.equal(await first.claim(), operationId);
  await new Promise((resolve) => setTimeout(resolve, 80));
  const second = worker({ initialBatchSize: 5 });
  assert.equal(await second.claim(), operationId, 'the lapsed lease is taken over');
  assert.equal(await first.run(operationId), 'lost');
  assert.equal(await Writer.objects.count(), 12, 'the first worker wrote nothing');
  assert.equal(await second.run(operationId), 'done');
  assert.equal(await Writer.objects.count(), 0);
});

test('a batch that keeps failing marks the operation failed with the reason; fixed and resumed, it finishes', async () => {
  await seedWriters(6, 1, 0);
  const { operationId } = await Writer.objects.all().delete({ online: true });
  // A row that blocks the delete, committed after the plan.
  const prize = await Prize.objects.create({ writer: (await Writer.objects.orderBy('-id').first())! });
  assert.equal(await worker({ initialBatchSize: 2, maxBatchSize: 2, maxFailures: 2 }).drain(), undefined);
  const failed = await operationProgress(operationId);
  assert.equal(failed.state, 'failed');
  assert.match(failed.error, /protected foreign keys: 'Prize.writer'/);
  assert.equal(await Writer.objects.count(), 2, 'the batches before the blocked one are done');
  await prize.delete();
  await resumeOperation(operationId);
  await worker().drain();
  assert.equal((await operationProgress(operationId)).state, 'done');
  assert.equal(await Writer.objects.count(), 0);
});

test('an online delete checks blockers and the permission on its plan before it is written', async () => {
  await seedWriters(3, 1, 1);
  await Prize.objects.create({ writer: (await Writer.objects.first())! });
  await assert.rejects(Writer.objects.all().delete({ online: true }), ProtectedError);
  await assert.rejects(Writer.objects.all().delete({ online: true, authorize: () => { throw new Error('no'); } }), /no/);
  assert.equal(await OnlineOperation.objects.count(), 0);
});

test('the trash of a soft delete still running cannot be restored or purged; an empty one is done at once', async () => {
  await seedShelves(3, 1, 1);
  const started = await Shelf.objects.all().delete({ online: true });
  await assert.rejects(restoreDeletion(started.deletionId!), /still being made by online operation/);
  await assert.rejects(purgeDeletion(started.deletionId!), /still being made by online operation/);
  await worker().drain();
  await restoreDeletion(started.deletionId!);
  const none = await Shelf.objects.filter({ name: 'nobody' }).delete({ online: true });
  assert.equal((await operationProgress(none.operationId)).state, 'done');
  assert.equal(none.deletionId, undefined);
});

test('bulkDelete online takes the given keys, and the queryset\'s filter still holds', async () => {
  await seedWriters(8, 1, 1);
  const ids = (await Writer.objects.orderBy('id').values('id').fetch()).map((r) => r.id);
  const started = await Writer.objects.bulkDelete([...ids.slice(0, 5), ids[0]!], { online: true });
  assert.equal(started.plan.byModel['ol.Writer'], 5);
  await worker({ initialBatchSize: 2 }).drain();
  assert.deepEqual((await Writer.objects.orderBy('id').values('id').fetch()).map((r) => r.id), ids.slice(5));
});

test('a cancel whose rows cannot come back ends failed with the reason, and can be cancelled again once fixed', async () => {
  await Shelf.objects.create({ name: 'a', code: 'x' });
  const started = await Shelf.objects.all().delete({ online: true });
  // The hidden root freed its code among live rows, and someone took it.
  const taker = await Shelf.objects.create({ name: 'b', code: 'x' });
  assert.equal(await cancelOperation(started.operationId), 'failed');
  const failed = await operationProgress(started.operationId);
  assert.equal(failed.state, 'failed');
  assert.match(failed.error, /The cancel could not put the rows back/);
  await taker.hardDelete();
  assert.equal(await cancelOperation(started.operationId), 'cancelled');
  assert.equal(await Shelf.objects.filter({ code: 'x' }).count(), 1);
});

test('while a cancel is pending, the trash stays the operation\'s: restore, purge and hard deletes of it are refused', async () => {
  await seedShelves(4, 1, 1);
  const started = await Shelf.objects.all().delete({ online: true });
  const w = worker({ initialBatchSize: 1 });
  assert.equal(await w.claim(), started.operationId);
  assert.equal(await cancelOperation(started.operationId), 'cancelling');
  await assert.rejects(restoreDeletion(started.deletionId!), /still being made by online operation/);
  await assert.rejects(purgeDeletion(started.deletionId!, { overlapping: 'purge' }), /still being made by online operation/);
  const hidden = (await Shelf.deletedObjects.first())!;
  await assert.rejects(hidden.hardDelete(), /still being made by online operation/);
  assert.equal(await w.run(started.operationId), 'cancelled');
  assert.equal(await Shelf.objects.count(), 4);
  assert.equal(await Page.objects.count(), 4);
});

test('a soft delete online of a model keyed by UUID', async () => {
  const tokens = await Token.objects.bulkCreate([{}, {}, {}]);
  await TokenUse.objects.bulkCreate(tokens.map((token) => ({ token })));
  const started = await Token.objects.filter({ id__in: [tokens[0]!.id, tokens[1]!.id] }).delete({ online: true });
  assert.equal(await Token.objects.count(), 1);
  await worker({ initialBatchSize: 1 }).drain();
  assert.equal((await operationProgress(started.operationId)).state, 'done');
  assert.equal(await TokenUse.objects.count(), 1);
  assert.equal(await TokenUse.deletedObjects.count(), 2);
});

test('a batch that would take rows of a model its plan did not approve fails, doing nothing of that batch', async () => {
  await seedWriters(3, 1, 0);
  const started = await Writer.objects.all().delete({ online: true });
  assert.equal(started.plan.byModel['ol.Remark'], undefined);
  await Remark.objects.create({ story: (await Story.objects.first())! });
  await worker({ initialBatchSize: 10 }).drain();
  const failed = await operationProgress(started.operationId);
  assert.equal(failed.state, 'failed');
  assert.match(failed.error, /ol\.Remark, which the plan approved when the operation was submitted did not include/);
  assert.equal(await Writer.objects.count(), 3);
  assert.equal(await Remark.objects.count(), 1);
});

test('an online soft delete sends postSoftDelete once it is whole, with every row it moved, in the transaction that ends it', async () => {
  await seedShelves(4, 2, 2);
  const seen: { label: string; count: number; deletionId: unknown }[] = [];
  const receiver = ({ sender, instances, deletionId }: { sender: { meta: { label: string } }; instances: readonly unknown[]; deletionId: unknown }) => {
    seen.push({ label: sender.meta.label, count: instances.length, deletionId });
  };
  const off = [Shelf, Volume, Page].map((model) => signals.postSoftDelete.connect(receiver, { sender: model }));
  try {
    const started = await Shelf.objects.filter({ group: 0 }).delete({ online: true });
    assert.equal(seen.length, 0, 'nothing is whole before the workers ran');
    await worker({ initialBatchSize: 1, maxBatchSize: 1 }).drain();
    const byLabel = Object.fromEntries(seen.map((s) => [s.label, s.count]));
    assert.deepEqual(byLabel, started.plan.byModel);
    assert.ok(seen.every((s) => s.deletionId === started.deletionId));
  } finally {
    for (const disconnect of off) disconnect();
  }
});

test('a cancelled online soft delete sends no postRestore: postSoftDelete never announced its rows', async () => {
  await seedShelves(4, 2, 2);
  const sent: string[] = [];
  const off = [Shelf, Volume, Page].flatMap((model) => [
    signals.postSoftDelete.connect(() => void sent.push('postSoftDelete'), { sender: model }),
    signals.postRestore.connect(() => void sent.push('postRestore'), { sender: model }),
  ]);
  try {
    const started = await Shelf.objects.all().delete({ online: true });
    const w = worker({ initialBatchSize: 1, maxBatchSize: 1 });
    assert.equal(await w.claim(), started.operationId);
    const batch = { operationId: started.operationId, owner: w.owner, size: 1, leaseMs: 10_000, timeouts: { lockTimeoutMs: 1000, statementTimeoutMs: 5000 } };
    assert.equal((await runBatch(getDatabase(), batch)).kind, 'took');
    assert.equal(await cancelOperation(started.operationId), 'cancelling');
    assert.equal(await w.run(started.operationId), 'cancelled');
    assert.equal(await Page.objects.count(), 16);
    assert.deepEqual(sent, []);
  } finally {
    for (const disconnect of off) disconnect();
  }
});

test("an online hard delete's preDelete and postDelete name the operation's record as their origin, for every row it took", async () => {
  await seedWriters(3, 2, 1);
  const origins: unknown[] = [];
  const receiver = ({ origin }: { origin: unknown }) => void origins.push(origin);
  const off = [signals.preDelete.connect(receiver, { sender: Story }), signals.postDelete.connect(receiver, { sender: Story })];
  try {
    const started = await Writer.objects.all().delete({ online: true });
    await worker({ initialBatchSize: 1, maxBatchSize: 1 }).drain();
    assert.equal(origins.length, 2 * started.plan.byModel['ol.Story']!);
    for (const origin of origins) {
      assert.ok(origin instanceof OnlineOperation);
      assert.equal(origin.id, started.operationId);
    }
  } finally {
    for (const disconnect of off) disconnect();
  }
});

test("one root key whose cascade alone runs past the statement timeout fails the operation with the way out, instead of retrying forever", { skip: BACKEND === 'sqlite' && 'SQLite has no statement timeout' }, async () => {
  await seedWriters(1, 40, 40);
  const started = await Writer.objects.all().delete({ online: true });
  const events: WorkerEvent[] = [];
  const stuck = worker({ initialBatchSize: 1, maxBatchSize: 1, statementTimeoutMs: 1, maxFailures: 2, onEvent: (e) => events.push(e) });
  await stuck.drain();
  const progress = await operationProgress(started.operationId);
  assert.equal(progress.state, 'failed');
  assert.match(progress.error, /^One root key's cascade takes longer than the statement timeout \(1 ms\) on its own: run the workers with a longer --statement-timeout-ms/);
  assert.ok(!events.some((e) => e.kind === 'waiting'), 'not taken for a wait on a lock');
  assert.equal(await Writer.objects.count(), 1, 'nothing of the batch was done');
  // With room enough, the same operation resumed finishes.
  await resumeOperation(started.operationId);
  await worker().drain();
  assert.equal((await operationProgress(started.operationId)).state, 'done');
  assert.equal(await Remark.objects.count(), 0);
});

test('a delete whose rows RESTRICT others it takes is refused online at submit, where batches could take them in the wrong order', async () => {
  // Node has a trash, Knot has none: the same refusal for a soft and a hard delete.
  for (const Tree of [Knot, Node as unknown as typeof Knot]) {
    const knots = await Tree.objects.bulkCreate(Array.from({ length: 6 }, () => ({ parent: null })));
    // Nothing RESTRICTs yet: online is fine.
    const plain = await Tree.objects.filter({ id: knots[5]!.id }).delete({ online: true });
    await worker().drain();
    assert.equal((await operationProgress(plain.operationId)).state, 'done');
    // The last row's parent is the first: one transaction lifts RESTRICT, batches of one key would not.
    await Tree.objects.filter({ id: knots[4]!.id }).update({ parent: knots[0]! });
    await assert.rejects(Tree.objects.all().delete({ online: true }), (error: Error) => {
      assert.ok(error instanceof QueryUsageError);
      assert.match(error.message, new RegExp(`^This delete cannot run in batches: some of the rows it takes RESTRICT others it takes, through '${Tree.meta.objectName}.parent'`));
      return true;
    });
    assert.equal(await Tree.objects.count(), 5, 'nothing hidden or deleted');
    assert.equal(await OnlineOperation.objects.filter({ rootLabel: Tree.meta.label, state: 'queued' }).count(), 0);
    assert.equal((await Tree.objects.all().delete()).total, 5, 'one transaction takes them');
  }
});

test('a cancel asked while the worker gives up on a failing operation is kept: the operation ends cancelled, not failed', async () => {
  await seedWriters(2, 1, 1);
  const started = await Writer.objects.all().delete({ online: true });
  await Prize.objects.create({ writer: (await Writer.objects.orderBy('id').first())! });
  let cancel: Promise<unknown> | undefined;
  const giving = worker({ initialBatchSize: 1, maxBatchSize: 1, maxFailures: 2, onEvent: (e) => {
    if (e.kind === 'failed-batch' && e.failures === 2) cancel = cancelOperation(started.operationId);
  } });
  await giving.drain();
  await cancel;
  await worker().drain();
  const progress = await operationProgress(started.operationId);
  assert.equal(progress.state, 'cancelled');
  assert.equal(await Writer.objects.count(), 2, 'the blocked batch took nothing');
});

test('rows added under a root not reached yet: link rows go with it; rows of a model the plan had none of fail the batch, doing nothing', async () => {
  await seedWriters(3, 1, 0);
  const genre = await Genre.objects.create({ name: 'noir' });
  const started = await Writer.objects.all().delete({ online: true });
  assert.deepEqual(started.plan.byModel, { 'ol.Writer': 3, 'ol.Story': 3 });
  const stories = await Story.objects.orderBy('id');
  await stories[1]!.genres.add(genre);
  await worker({ initialBatchSize: 1, maxBatchSize: 1 }).drain();
  assert.equal((await operationProgress(started.operationId)).state, 'done', 'a link row needs no approval of its own');
  assert.equal(await Story.objects.count(), 0);

  await seedWriters(2, 1, 0);
  const again = await Writer.objects.all().delete({ online: true });
  await Remark.objects.create({ story: (await Story.objects.orderBy('-id').first())!, editor: null });
  await worker({ initialBatchSize: 1, maxBatchSize: 1 }).drain();
  const progress = await operationProgress(again.operationId);
  assert.equal(progress.state, 'failed');
  assert.match(progress.error, /^A batch would take rows of ol\.Remark, which the plan approved when the operation was submitted did not include/);
  assert.equal(await Remark.objects.count(), 1, 'nothing of that batch was done');
});

test('listOperations puts those still going (failed included) before the finished ones, however old', async () => {
  await seedWriters(3, 0, 0);
  const old = await Writer.objects.filter({ name: 'w0' }).delete({ online: true });
  await Prize.objects.create({ writer: (await Writer.objects.get({ name: 'w0' })) });
  await worker({ maxFailures: 1 }).drain();
  assert.equal((await operationProgress(old.operationId)).state, 'failed');
  const newer = [];
  for (const name of ['w1', 'w2']) newer.push((await Writer.objects.filter({ name }).delete({ online: true })).operationId);
  await worker().drain();
  assert.deepEqual((await listOperations(getDatabase(), 2)).map((p) => p.id), [old.operationId, newer[1]]);
  assert.deepEqual((await listOperations()).map((p) => p.id), [old.operationId, newer[1], newer[0]]);
});

test('a pause or cancel asked while the worker waits for the database to be healthy is carried out during the wait', { skip: BACKEND === 'sqlite' && 'SQLite has no lock waiters to count' }, async () => {
  await seedShelves(6, 1, 1);
  await Genre.objects.create({ name: 'held' });
  const db = getDatabase();
  // The database looks unhealthy to this worker (maxLockWaiters: 0) while one session waits on a row lock.
  const [holderDb, waiterDb] = [await connect(TEST_DATABASE_URL), await connect(TEST_DATABASE_URL)];
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  const holding = atomic(async () => { await Genre.objects.using(holderDb).selectForUpdate().fetch(); await held; }, { using: holderDb });
  await sleep(200);
  const waiting = atomic(() => Genre.objects.using(waiterDb).selectForUpdate().fetch(), { using: waiterDb });
  try {
    for (const control of ['pause', 'cancel'] as const) {
      const before = await snapshot();
      const started = await Shelf.objects.all().delete({ online: true });
      const waits: string[] = [];
      const w = new OperationWorker(db, { maxLockWaiters: 0, leaseMs: 10_000, onEvent: (e) => { if (e.kind === 'waiting') waits.push(e.reason); } });
      assert.equal(await w.claim(), started.operationId);
      const run = w.run(started.operationId);
      for (let i = 0; waits.length === 0 && i < 250; i++) await sleep(20);
      assert.ok(waits.length > 0, 'the worker waits for the database to be healthy');
      const asked = control === 'pause' ? await pauseOperation(started.operationId) : await cancelOperation(started.operationId);
      assert.equal(asked, control === 'pause' ? 'paused' : 'cancelling');
      // Within a wait or two, not once the database is healthy again (it is not, until the end).
      const ended = await Promise.race([run, sleep(8_000).then(() => 'still waiting for health')]);
      assert.equal(ended, control === 'pause' ? 'paused' : 'cancelled');
      const op = await OnlineOperation.objects.get({ id: started.operationId });
      assert.equal(op.leaseOwner, null, 'the lease is let go');
      if (control === 'cancel') assert.deepEqual(await snapshot(), before, 'the hidden roots are back');
      else await cancelOperation(started.operationId);
    }
  } finally {
    release();
    await holding;
    await waiting;
    await holderDb.close();
    await waiterDb.close();
  }
});
