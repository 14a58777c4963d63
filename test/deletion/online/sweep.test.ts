/**
 * The sweep of an online hard delete: models it takes much of go first, in their own key order,
 * and what the operation leaves is what one transaction leaves, whether the sweep ran whole, was
 * cut short by a cancel, or taken over by another worker. Also the DO_NOTHING keys the database
 * checks, which decide where a sweep may go and which deletes may go online at all.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { cancelOperation, getDatabase, operationProgress, OperationWorker, pauseOperation, resumeOperation, signals, sweepLimits, type WorkerEvent } from '../../../src/index.ts';
import { OperationKey, OperationSweep } from '../../../src/deletion/index.ts';
import { withSeededDatabase } from '../../support/database.ts';
import { referenceAfter, seedWriters, snapshot, worker } from './fixtures.ts';
import { model, fields as f, CASCADE, DO_NOTHING, IntegrityError, OnlineOperation, PROTECT, QueryUsageError } from '../../../src/index.ts';
import { Remark, Story, Writer } from './models.ts';

/** Blocks the delete of a story while it exists: nothing of this kind is there when the tests submit. */
class Badge extends model('ol.Badge', { story: f.foreignKey(() => Story, { onDelete: PROTECT }) }) {}

/** A forum whose posts are pointed at by DO_NOTHING keys the database checks: from pins taken through the forum, and from replies. */
class Forum extends model('sw.Forum', { name: f.char({ maxLength: 20 }) }) {}
class Post extends model('sw.Post', {
  forum: f.foreignKey(() => Forum, { onDelete: CASCADE }),
  replyTo: f.foreignKey('self', { onDelete: DO_NOTHING, null: true }),
}) {}
class Pin extends model('sw.Pin', { forum: f.foreignKey(() => Forum, { onDelete: CASCADE }), post: f.foreignKey(() => Post, { onDelete: DO_NOTHING }) }) {}
/** A trash whose rows such a key points at: a soft delete leaves them in place, so nothing dangles. */
class Notice extends model('sw.Notice', { title: f.char({ maxLength: 20 }) }, { softDelete: true }) {}
class NoticeLink extends model('sw.NoticeLink', { notice: f.foreignKey(() => Notice, { onDelete: DO_NOTHING }) }) {}
/** Threads whose messages are flagged through a checked DO_NOTHING key: a thread's slice takes its messages. */
class Board extends model('sw.Board', { name: f.char({ maxLength: 20 }) }) {}
class Thread extends model('sw.Thread', { board: f.foreignKey(() => Board, { onDelete: CASCADE }) }) {}
class Message extends model('sw.Message', { thread: f.foreignKey(() => Thread, { onDelete: CASCADE }) }) {}
class Flag extends model('sw.Flag', { board: f.foreignKey(() => Board, { onDelete: CASCADE }), message: f.foreignKey(() => Message, { onDelete: DO_NOTHING }) }) {}
/** A topic's last post: a DO_NOTHING key back up the CASCADE chain, a loop of keys but no cycle of CASCADE. */
class Topic extends model('sw.Topic', { forum: f.foreignKey(() => Forum, { onDelete: CASCADE }), lastPost: f.foreignKey('sw.TopicPost', { onDelete: DO_NOTHING, null: true }) }) {}
class TopicPost extends model('sw.TopicPost', { topic: f.foreignKey(() => Topic, { onDelete: CASCADE }) }) {}

const RUNS = Number(process.env.FUZZ_RUNS ?? 12);

withSeededDatabase(async () => undefined);

// These tests' tables and batches are small: the sweep goes on in small batches, each slice a
// few keys wide, so that there are several (the limits are for real tables).
const defaults = { ...sweepLimits };
before(() => Object.assign(sweepLimits, { minBatchSize: 1, keysPerBatchKey: 5 }));
after(() => Object.assign(sweepLimits, defaults));

/** Runs `fn` with the sweep limits given, and puts the process's own back after. */
async function withLimits<T>(limits: Partial<typeof sweepLimits>, fn: () => Promise<T>): Promise<T> {
  const saved = { ...sweepLimits };
  Object.assign(sweepLimits, limits);
  try {
    return await fn();
  } finally {
    Object.assign(sweepLimits, saved);
  }
}

const SWEEP_ALL = { minRows: 1, maxKeysPerRow: Infinity };

async function sweptLabels(operation: string): Promise<string[]> {
  return (await OperationSweep.objects.filter({ operation }).orderBy('position').values('label').fetch()).map((row) => row.label);
}

test('a hard delete sweeps each model it takes, deepest first, and leaves what one transaction leaves', async () => {
  await fc.assert(fc.asyncProperty(
    fc.integer({ min: 0, max: 12 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 2 }), fc.integer({ min: 1, max: 7 }),
    async (writers, stories, remarks, group, batch) => {
      await getDatabase().flush();
      await seedWriters(writers, stories, remarks);
      const filter = { group__lte: group };
      const expected = await referenceAfter(() => Writer.objects.filter(filter).delete());
      const planned = await Writer.objects.filter(filter).planDelete();
      const { operationId } = await withLimits(SWEEP_ALL, () => Writer.objects.filter(filter).delete({ online: true }));
      // Remarks before the stories they point at; models the plan takes nothing of are not swept.
      const expectedSweep = ['ol.Remark', 'ol.Story'].filter((label) => (planned.byModel[label] ?? 0) > 0);
      assert.deepEqual(await sweptLabels(operationId), expectedSweep);
      const sweeps: number[] = [];
      await worker({ initialBatchSize: batch, maxBatchSize: batch, onEvent: (e: WorkerEvent) => { if (e.kind === 'batch' && e.keys === 0) sweeps.push(e.rows); } }).drain();
      assert.deepEqual(await snapshot(), expected);
      const progress = await operationProgress(operationId);
      assert.equal(progress.state, 'done');
      assert.deepEqual(Object.fromEntries(progress.models.filter((m) => m.done > 0).map((m) => [m.label, m.done])), planned.byModel);
      assert.equal(progress.keysDone, progress.keysTotal);
      if (expectedSweep.length > 0) assert.ok(sweeps.length > 0, 'no batch swept');
      // The sweep took the children: what the root slices took was the roots alone.
      const sweptRows = sweeps.reduce((a, b) => a + b, 0);
      assert.equal(sweptRows, (planned.byModel['ol.Remark'] ?? 0) + (planned.byModel['ol.Story'] ?? 0) + (planned.byModel['ol.Story_genres'] ?? 0));
      assert.equal(await OperationSweep.objects.filter({ operation: operationId }).count(), 0);
      assert.equal(await OperationKey.objects.count(), 0, 'keys written for the sweep are left');
    },
  ), { numRuns: RUNS });
});

test('a model is swept only where the delete takes enough of it, densely enough', async () => {
  await seedWriters(10, 4, 1);
  // The first four writers: 16 of the 40 stories (and remarks), over a range of 40 keys.
  const some = { id__in: (await Writer.objects.orderBy('id').values('id').fetch()).slice(0, 4).map((r) => r.id) };
  const dense = await withLimits({ minRows: 16, maxKeysPerRow: 3 }, () => Writer.objects.filter(some).delete({ online: true }));
  assert.deepEqual(await sweptLabels(dense.operationId), ['ol.Remark', 'ol.Story']);
  await cancelOperation(dense.operationId);
  const sparse = await withLimits({ minRows: 16, maxKeysPerRow: 2 }, () => Writer.objects.filter(some).delete({ online: true }));
  assert.deepEqual(await sweptLabels(sparse.operationId), []);
  await cancelOperation(sparse.operationId);
  const few = await withLimits({ minRows: 17, maxKeysPerRow: 3 }, () => Writer.objects.filter(some).delete({ online: true }));
  assert.deepEqual(await sweptLabels(few.operationId), []);
  await cancelOperation(few.operationId);
  // The defaults: a delete this small never sweeps.
  const small = await Writer.objects.filter(some).delete({ online: true });
  assert.deepEqual(await sweptLabels(small.operationId), []);
  await cancelOperation(small.operationId);
});

test('a cancelled sweep stops, says what is gone, and leaves neither keys nor sweep behind', async () => {
  await seedWriters(12, 3, 2);
  const before = { stories: await Story.objects.count(), remarks: await Remark.objects.count() };
  const { operationId } = await withLimits(SWEEP_ALL, () => Writer.objects.all().delete({ online: true }));
  let batches = 0;
  const w = worker({ initialBatchSize: 1, maxBatchSize: 1, onEvent: (e: WorkerEvent) => { if (e.kind === 'batch' && ++batches === 2) void cancelOperation(operationId); } });
  await w.drain();
  const progress = await operationProgress(operationId);
  assert.equal(progress.state, 'cancelled');
  assert.equal(progress.keysDone, 0, 'no root slice ran');
  assert.equal(await Writer.objects.count(), 12);
  const gone = { stories: before.stories - (await Story.objects.count()), remarks: before.remarks - (await Remark.objects.count()) };
  assert.ok(gone.remarks > 0 && gone.remarks < before.remarks, `${gone.remarks}`);
  assert.deepEqual({ stories: progress.models.find((m) => m.label === 'ol.Story')?.done ?? 0, remarks: progress.models.find((m) => m.label === 'ol.Remark')!.done }, gone);
  assert.equal(await OperationSweep.objects.filter({ operation: operationId }).count(), 0);
  assert.equal(await OperationKey.objects.count(), 0, 'keys written for the sweep are left');
});

test('a worker that takes over a sweep goes on from its last slice', async () => {
  await seedWriters(10, 3, 3);
  const expected = await referenceAfter(() => Writer.objects.filter({ group: 1 }).delete());
  const { operationId } = await withLimits(SWEEP_ALL, () => Writer.objects.filter({ group: 1 }).delete({ online: true }));
  // The first worker stops after two slices of remarks, as one shut down would.
  const first = new AbortController();
  let seen = 0;
  const a = worker({ initialBatchSize: 1, maxBatchSize: 1, onEvent: (e: WorkerEvent) => { if (e.kind === 'batch' && ++seen === 2) first.abort(); } });
  assert.equal(await a.claim(), operationId);
  await a.run(operationId, first.signal);
  const [step] = await OperationSweep.objects.filter({ operation: operationId }).orderBy('position').fetch();
  assert.equal(step!.label, 'ol.Remark');
  const firstRemark = Number((await Remark.objects.orderBy('id').values('id').fetch())[0]?.id ?? 0);
  assert.ok(Number(step!.after) >= firstRemark, 'the cursor moved');
  await new OperationWorker(getDatabase(), { maxLockWaiters: 1_000, initialBatchSize: 4 }).drain();
  assert.deepEqual(await snapshot(), expected);
  assert.equal((await operationProgress(operationId)).state, 'done');
});

test('a row inserted since the plan that PROTECTs a swept row gives up the sweep; the root slices meet it as one transaction would', async () => {
  await seedWriters(4, 2, 1);
  const { operationId } = await withLimits(SWEEP_ALL, () => Writer.objects.all().delete({ online: true }));
  assert.deepEqual(await sweptLabels(operationId), ['ol.Remark', 'ol.Story']);
  await Badge.objects.create({ story: (await Story.objects.orderBy('id').first())! });
  await worker({ initialBatchSize: 100, maxFailures: 1 }).drain();
  const progress = await operationProgress(operationId);
  assert.equal(progress.state, 'failed');
  assert.match(progress.error, /protected/);
  // The remarks were swept; the sweep of the stories was given up, and the first root slice refused.
  assert.equal(await Remark.objects.count(), 0);
  assert.equal(await Story.objects.count(), 8);
  assert.equal(await OperationSweep.objects.filter({ operation: operationId }).count(), 0);
});

test('delete receivers hear every row a sweep takes, once', async () => {
  await seedWriters(5, 2, 2);
  const heard: string[] = [];
  const disconnect = signals.postDelete.connect(({ instance }) => void heard.push(`ol.Remark:${String((instance as { id: unknown }).id)}`), { sender: Remark });
  try {
    const remarks = (await Remark.objects.values('id').fetch()).map((r) => `ol.Remark:${String(r.id)}`).sort();
    await withLimits(SWEEP_ALL, () => Writer.objects.all().delete({ online: true }));
    await worker({ initialBatchSize: 2, maxBatchSize: 2 }).drain();
    assert.deepEqual(heard.sort(), remarks);
  } finally {
    disconnect();
  }
});

test('rows the plan counted are taken where a sweep wrote their keys, even if moved since; a row moved under a root is taken with it', async () => {
  await seedWriters(6, 2, 2);
  const [doomed, kept] = [await Writer.objects.filter({ group: 0 }).orderBy('id').fetch(), await Writer.objects.filter({ group: 1 }).orderBy('id').fetch()];
  const { operationId } = await withLimits(SWEEP_ALL, () => Writer.objects.filter({ group: 0 }).delete({ online: true }));
  // The stories' keys were written for the remarks' sweep: a story of a doomed writer moved to a kept one is still taken.
  assert.deepEqual(await sweptLabels(operationId), ['ol.Remark', 'ol.Story']);
  const movedAway = (await Story.objects.filter({ writer: doomed[0]! }).orderBy('id').first())!;
  await Story.objects.filter({ id: movedAway.id }).update({ writer: kept[0]! });
  // A story moved under a doomed writer goes with that writer's root slice.
  const movedUnder = (await Story.objects.filter({ writer: kept[1]! }).orderBy('id').first())!;
  await Story.objects.filter({ id: movedUnder.id }).update({ writer: doomed[1]! });
  // A remark moved from a doomed story to a kept one is found through its story: it stays.
  const keptStory = (await Story.objects.filter({ writer: kept[0]! }).exclude({ id: movedAway.id }).first())!;
  const rescued = (await Remark.objects.filter({ story__writer: doomed[1]! }).first())!;
  await Remark.objects.filter({ id: rescued.id }).update({ story: keptStory });
  await worker({ initialBatchSize: 2, maxBatchSize: 2 }).drain();
  assert.equal((await operationProgress(operationId)).state, 'done');
  assert.equal(await Story.objects.filter({ id__in: [movedAway.id, movedUnder.id] }).count(), 0);
  assert.equal(await Remark.objects.filter({ id: rescued.id }).count(), 1);
  assert.equal(await Writer.objects.filter({ group: 0 }).count(), 0);
  assert.equal(await Story.objects.filter({ writer__in: kept }).count(), kept.length * 2 - 1);
});

test('batches smaller than the sweep\'s minimum give the sweep up; the root slices take it all', async () => {
  await seedWriters(8, 2, 2);
  const expected = await referenceAfter(() => Writer.objects.filter({ group__lte: 1 }).delete());
  const { operationId } = await withLimits(SWEEP_ALL, () => Writer.objects.filter({ group__lte: 1 }).delete({ online: true }));
  assert.deepEqual(await sweptLabels(operationId), ['ol.Remark', 'ol.Story']);
  const sweeps: number[] = [];
  await withLimits({ minBatchSize: 3 }, () => worker({ initialBatchSize: 2, maxBatchSize: 2, onEvent: (e: WorkerEvent) => { if (e.kind === 'batch' && e.keys === 0) sweeps.push(e.rows); } }).drain());
  assert.deepEqual(sweeps, []);
  assert.deepEqual(await snapshot(), expected);
  assert.equal(await OperationSweep.objects.count(), 0);
  assert.equal(await OperationKey.objects.count(), 0);
});

test('sweep limits set wrong are refused with a RangeError naming the limit: at submit before anything is written, in a batch before its slice', async () => {
  await seedWriters(6, 2, 2);
  const expected = await referenceAfter(() => Writer.objects.filter({ group__lte: 1 }).delete());
  const wrong: Partial<typeof sweepLimits>[] = [
    { keysPerBatchKey: NaN }, { keysPerBatchKey: 0.5 }, { keysPerBatchKey: 0 }, { keysPerBatchKey: Infinity },
    { minRows: -1 }, { minRows: NaN }, { maxKeysPerRow: 0 }, { maxKeysPerRow: NaN }, { minBatchSize: NaN }, { minBatchSize: -2 },
  ];
  for (const limits of wrong) {
    const [name] = Object.keys(limits);
    await withLimits(limits, () => assert.rejects(Writer.objects.filter({ group__lte: 1 }).delete({ online: true }), (error) => error instanceof RangeError && error.message.startsWith(`sweepLimits.${name} must be`)));
    assert.equal(await OnlineOperation.objects.count(), 0);
  }
  // An edge that means something is taken: minRows of Infinity never sweeps.
  const never = await withLimits({ minRows: Infinity, minBatchSize: 0 }, () => Writer.objects.filter({ group__lte: 1 }).delete({ online: true }));
  assert.deepEqual(await sweptLabels(never.operationId), []);
  await cancelOperation(never.operationId);
  // Set wrong after the submit: the batch fails on it with nothing taken, and goes on once they are right.
  const { operationId } = await withLimits(SWEEP_ALL, () => Writer.objects.filter({ group__lte: 1 }).delete({ online: true }));
  const failures: string[] = [];
  await withLimits({ keysPerBatchKey: NaN }, () => worker({ maxFailures: 1, onEvent: (e: WorkerEvent) => { if (e.kind === 'failed-batch') failures.push(e.error); } }).drain());
  assert.match(failures[0] ?? '', /sweepLimits\.keysPerBatchKey must be/);
  assert.equal((await operationProgress(operationId)).done, 0);
  await resumeOperation(operationId);
  await worker().drain();
  assert.equal((await operationProgress(operationId)).state, 'done');
  assert.deepEqual(await snapshot(), expected);
});

test('while it sweeps, progress counts rows and the time left follows them (no root key is done yet)', async () => {
  await seedWriters(10, 3, 3);
  const { operationId } = await withLimits(SWEEP_ALL, () => Writer.objects.all().delete({ online: true }));
  let batches = 0;
  await worker({ initialBatchSize: 1, maxBatchSize: 1, onEvent: (e: WorkerEvent) => { if (e.kind === 'batch' && ++batches === 2) void pauseOperation(operationId); } }).drain();
  const progress = await operationProgress(operationId);
  assert.equal(progress.state, 'paused');
  assert.equal(progress.keysDone, 0);
  assert.ok(progress.done > 0 && progress.done < progress.planned, `${progress.done}/${progress.planned}`);
  assert.ok(progress.secondsLeft !== undefined && progress.secondsLeft > 0, String(progress.secondsLeft));
  await resumeOperation(operationId);
  await worker({ initialBatchSize: 100 }).drain();
  assert.equal((await operationProgress(operationId)).secondsLeft, 0);
});

test('each step of a sweep, and the root slices after it, start again from the initial batch size', async () => {
  await seedWriters(20, 3, 3);
  await withLimits(SWEEP_ALL, () => Writer.objects.all().delete({ online: true }));
  const batches: { keys: number; rows: number; nextSize: number }[] = [];
  // Batches far under the target: each size doubles the last, up to 8.
  await worker({ initialBatchSize: 1, maxBatchSize: 8, targetBatchMs: 60_000, onEvent: (e: WorkerEvent) => { if (e.kind === 'batch') batches.push(e); } }).drain();
  const firstRootSlice = batches.findIndex((b) => b.keys > 0);
  assert.ok(firstRootSlice > 3, 'the sweep ran first, in several batches');
  assert.equal(batches[firstRootSlice - 1]!.nextSize, 1);
  assert.equal(batches[firstRootSlice]!.keys, 1);
  assert.equal(batches[firstRootSlice + 1]!.keys, 2);
  // The remarks' sweep grew to the largest size before it ended.
  assert.ok(batches.slice(0, firstRootSlice).some((b) => b.nextSize === 8));
});

test('a model that DO_NOTHING keys the database checks point at is not swept: one transaction deletes their rows first, a slice would not', async () => {
  const forums = await Forum.objects.bulkCreate(Array.from({ length: 6 }, (_, i) => ({ name: `f${i}` })));
  const posts = await Post.objects.bulkCreate(forums.flatMap((forum) => Array.from({ length: 4 }, () => ({ forum }))));
  // Replies far above what they answer, in another slice of the posts' keys; a pin per forum.
  await Post.objects.bulkCreate(posts.map((post) => ({ forum: post.forum, replyTo: post })));
  await Pin.objects.bulkCreate(forums.map((forum, i) => ({ forum, post: posts[i * 4]! })));
  const count = async () => ({ forums: await Forum.objects.count(), posts: await Post.objects.count(), pins: await Pin.objects.count() });
  const { operationId } = await withLimits(SWEEP_ALL, () => Forum.objects.all().delete({ online: true }));
  assert.deepEqual(await sweptLabels(operationId), ['sw.Pin']);
  await worker({ initialBatchSize: 1, maxBatchSize: 2 }).drain();
  const progress = await operationProgress(operationId);
  assert.equal(progress.state, 'done', progress.error);
  assert.deepEqual(await count(), { forums: 0, posts: 0, pins: 0 });
});

test('a checked DO_NOTHING key between rows taken under different roots refuses the online delete at submit; under one root, batches take both together', async () => {
  await fc.assert(fc.asyncProperty(
    fc.integer({ min: 2, max: 5 }),
    fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 4 }),
    fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 4 }),
    fc.array(fc.boolean(), { minLength: 5, maxLength: 5 }),
    fc.integer({ min: 1, max: 3 }),
    async (forumCount, pinSpecs, replySpecs, doomedFlags, batch) => {
      await getDatabase().flush();
      const forums = await Forum.objects.bulkCreate(Array.from({ length: forumCount }, (_, i) => ({ name: `f${i}` })));
      const posts = await Post.objects.bulkCreate(forums.flatMap((forum) => [{ forum }, { forum }]));
      const forumOf = (postIndex: number) => Math.floor(postIndex / 2);
      const pins = pinSpecs.map(([forum, post]) => ({ forum: forum % forumCount, post: post % posts.length }));
      const replies = replySpecs.map(([forum, post]) => ({ forum: forum % forumCount, post: post % posts.length }));
      await Pin.objects.bulkCreate(pins.map(({ forum, post }) => ({ forum: forums[forum]!, post: posts[post]! })));
      await Post.objects.bulkCreate(replies.map(({ forum, post }) => ({ forum: forums[forum]!, replyTo: posts[post]! })));
      const doomed = forums.map((_, i) => doomedFlags[i]!);
      // A DO_NOTHING key from a row that stays to one that goes fails one transaction too: not this test's case.
      if ([...pins, ...replies].some(({ forum, post }) => !doomed[forum] && doomed[forumOf(post)])) return;
      const across = [...pins, ...replies].some(({ forum, post }) => doomed[forum] && doomed[forumOf(post)] && forum !== forumOf(post));
      const filter = { id__in: forums.filter((_, i) => doomed[i]).map((forum) => forum.id) };
      const count = async () => ({ forums: await Forum.objects.count(), posts: await Post.objects.count(), pins: await Pin.objects.count() });
      const before = await count();
      if (across) {
        await assert.rejects(Forum.objects.filter(filter).delete({ online: true }), (error) => error instanceof QueryUsageError && /^This delete cannot run in batches: .*DO_NOTHING.*'(Pin\.post|Post\.replyTo)'/.test(error.message));
        assert.equal(await OnlineOperation.objects.count(), 0);
        assert.deepEqual(await count(), before);
        // What the refusal advises: one transaction deletes the rows holding such keys first.
        await Forum.objects.filter(filter).delete();
      } else {
        const { operationId } = await withLimits(SWEEP_ALL, () => Forum.objects.filter(filter).delete({ online: true }));
        await worker({ initialBatchSize: batch, maxBatchSize: batch }).drain();
        const progress = await operationProgress(operationId);
        assert.equal(progress.state, 'done', progress.error);
      }
      const kept = (forum: number) => !doomed[forum];
      assert.deepEqual(await count(), {
        forums: doomed.slice(0, forumCount).filter((d) => !d).length,
        posts: posts.filter((_, i) => kept(forumOf(i))).length + replies.filter(({ forum }) => kept(forum)).length,
        pins: pins.filter(({ forum }) => kept(forum)).length,
      });
    },
  ), { numRuns: RUNS * 2 });
});

test('a model whose slices would take rows that checked DO_NOTHING keys point at is not swept, though it is not pointed at itself', async () => {
  const boards = await Board.objects.bulkCreate(Array.from({ length: 8 }, (_, i) => ({ name: `b${i}` })));
  const threads = await Thread.objects.bulkCreate(boards.flatMap((board) => [{ board }, { board }]));
  const messages = await Message.objects.bulkCreate(threads.map((thread) => ({ thread })));
  // Each board flags a message of its other thread: one root, two slices of the threads' keys.
  await Flag.objects.bulkCreate(boards.map((board, i) => ({ board, message: messages[i * 2 + 1]! })));
  const { operationId } = await withLimits(SWEEP_ALL, () => Board.objects.all().delete({ online: true }));
  assert.deepEqual(await sweptLabels(operationId), ['sw.Flag']);
  await worker({ initialBatchSize: 1, maxBatchSize: 1 }).drain();
  const progress = await operationProgress(operationId);
  assert.equal(progress.state, 'done', progress.error);
  assert.deepEqual([await Board.objects.count(), await Thread.objects.count(), await Message.objects.count(), await Flag.objects.count()], [0, 0, 0, 0]);
});

test('a DO_NOTHING key that closes a loop of keys without a CASCADE cycle (a topic\'s last post) still gives each row one root: it goes online', async () => {
  const forums = await Forum.objects.bulkCreate([{ name: 'a' }, { name: 'b' }, { name: 'c' }]);
  const topics = await Topic.objects.bulkCreate(forums.flatMap((forum) => [{ forum }, { forum }]));
  const posts = await TopicPost.objects.bulkCreate(topics.flatMap((topic) => [{ topic }, { topic }]));
  for (const [i, topic] of topics.entries()) await Topic.objects.filter({ id: topic.id }).update({ lastPost: posts[i * 2 + 1]! });
  const { operationId } = await Forum.objects.filter({ id__in: [forums[0]!.id, forums[1]!.id] }).delete({ online: true });
  await worker({ initialBatchSize: 1, maxBatchSize: 1 }).drain();
  assert.equal((await operationProgress(operationId)).state, 'done');
  assert.deepEqual([await Topic.objects.count(), await TopicPost.objects.count()], [2, 4]);
  // A last post under another forum's topic, both taken: another root, refused.
  await Topic.objects.filter({ id: topics[4]!.id }).update({ lastPost: null });
  const [other] = await Forum.objects.bulkCreate([{ name: 'd' }]);
  await Topic.objects.bulkCreate([{ forum: other!, lastPost: posts[8]! }]);
  await assert.rejects(Forum.objects.all().delete({ online: true }), (error) => error instanceof QueryUsageError && /'Topic\.lastPost'/.test(error.message));
});

test('bulkDelete online judges DO_NOTHING keys over all its chunks: a row of another chunk is taken, not staying', async () => {
  const [forum] = await Forum.objects.bulkCreate([{ name: 'big' }]);
  const posts = await Post.objects.bulkCreate(Array.from({ length: 5_001 }, () => ({ forum: forum! })));
  // The first post answers the last: 5,000 keys a chunk puts them in two.
  await Post.objects.filter({ id: posts[0]!.id }).update({ replyTo: posts[5_000]! });
  const keys = posts.map((post) => post.id);
  await assert.rejects(Post.objects.bulkDelete(keys, { online: true }), (error) => error instanceof QueryUsageError && /'Post\.replyTo'/.test(error.message));
  // Without the first post, the last stays pointed at by a row that stays: the database's refusal.
  await assert.rejects(Post.objects.bulkDelete(keys.slice(1), { online: true }), (error) => error instanceof IntegrityError && /sw\.Post\.replyTo \(DO_NOTHING\)/.test(error.message));
  assert.equal(await OnlineOperation.objects.count(), 0);
  assert.equal(await Post.objects.count(), 5_001);
});

test('a checked DO_NOTHING key of a row that stays refuses the online delete at submit, as one transaction fails on it, with nothing written', async () => {
  const [doomed, kept] = await Forum.objects.bulkCreate([{ name: 'doomed' }, { name: 'kept' }]);
  const post = await Post.objects.create({ forum: doomed! });
  await Pin.objects.create({ forum: kept!, post });
  await assert.rejects(Forum.objects.filter({ id: doomed!.id }).delete(), IntegrityError);
  await assert.rejects(Forum.objects.filter({ id: doomed!.id }).delete({ online: true }), (error) => error instanceof IntegrityError && /sw\.Pin\.post \(DO_NOTHING\)/.test(error.message));
  assert.equal(await OnlineOperation.objects.count(), 0);
  assert.equal(await OperationKey.objects.count(), 0);
  assert.equal(await Post.objects.count(), 1);
  // A soft delete moves such rows to the trash, where the keys still find them: it goes online.
  const notice = await Notice.objects.create({ title: 'n' });
  await NoticeLink.objects.create({ notice });
  const { operationId } = await Notice.objects.all().delete({ online: true });
  await worker().drain();
  assert.equal((await operationProgress(operationId)).state, 'done');
  assert.equal(await Notice.deletedObjects.count(), 1);
  await assert.rejects(Notice.allObjects.all().hardDelete({ online: true }), IntegrityError);
});
