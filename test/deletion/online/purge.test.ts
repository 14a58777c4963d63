/**
 * Online purges: the trash of one soft delete removed for good by a worker's batches leaves what
 * one transaction's purge leaves; while it runs, that trash is the purge's alone; what it would
 * take beyond its trash is refused when it is submitted and, if it came later, by the batch that
 * reaches it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { model, fields as f, CASCADE, DO_NOTHING, IntegrityError, OnlineOperation } from '../../../src/index.ts';
import { cancelOperation, Deletion, getDatabase, operationProgress, purge, purgeDeletion, PurgeOverlapError, QueryUsageError, restoreDeletion } from '../../../src/index.ts';
import { runBatch } from '../../../src/deletion/online/batch.ts';
import { withSeededDatabase } from '../../support/database.ts';
import { referenceAfter, seedShelves, snapshot, worker } from './fixtures.ts';
import { Branch, Node, Owner, Page, Pet, Shelf, Volume } from './models.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 12);

withSeededDatabase(async () => undefined);

test('an online purge, batch by batch, leaves what one transaction\'s purge leaves, and the counts are right', async () => {
  await fc.assert(fc.asyncProperty(
    fc.integer({ min: 1, max: 8 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 2 }), fc.integer({ min: 1, max: 6 }),
    async (shelves, volumes, pages, group, batchSize) => {
      await getDatabase().flush();
      await seedShelves(shelves, volumes, pages);
      // Other trash and live rows beside it, which the purge must not touch.
      const other = await Shelf.objects.filter({ group: (group + 1) % 3 }).delete();
      const { deletionId } = await Shelf.objects.filter({ group }).delete();
      if (deletionId === undefined) return;
      const expected = await referenceAfter(() => purgeDeletion(deletionId));
      const trashed = (await Deletion.objects.get({ id: deletionId })).counts;
      const started = await purgeDeletion(deletionId, { online: true });
      assert.deepEqual(started.plan.byModel, trashed);
      await worker({ initialBatchSize: batchSize, maxBatchSize: batchSize }).drain();
      assert.deepEqual(await snapshot(), expected);
      const progress = await operationProgress(started.operationId);
      assert.equal(progress.state, 'done');
      assert.deepEqual(Object.fromEntries(progress.models.map((m) => [m.label, m.done])), trashed);
      assert.equal(progress.keysDone, progress.keysTotal);
      assert.equal((await Deletion.objects.get({ id: deletionId })).state, 'purged');
      if (other.deletionId !== undefined) assert.equal((await Deletion.objects.get({ id: other.deletionId })).state, 'active');
    },
  ), { numRuns: RUNS });
});

test('while an online purge runs, its trash cannot be restored or purged by anyone else; cancelled, what is left can be restored', async () => {
  await seedShelves(6, 2, 2);
  const { deletionId } = await Shelf.objects.all().delete();
  const started = await purgeDeletion(deletionId!, { online: true });
  const purging = new RegExp(`Deletion ${deletionId} is being purged by online operation ${started.operationId} \\((queued|running)\\): cancel the purge to keep what it has not deleted yet \\(then that can be restored\\)`);
  await assert.rejects(purgeDeletion(deletionId!, { online: true }), purging);
  const w = worker({ initialBatchSize: 2, maxBatchSize: 2 });
  assert.equal(await w.claim(), started.operationId);
  // One batch: two pages gone for good.
  const batch = { operationId: started.operationId, owner: w.owner, size: 2, leaseMs: 10_000, timeouts: { lockTimeoutMs: 1000, statementTimeoutMs: 5000 } };
  assert.equal((await runBatch(getDatabase(), batch)).kind, 'took');
  await assert.rejects(restoreDeletion(deletionId!), purging);
  await assert.rejects(purgeDeletion(deletionId!), purging);
  await assert.rejects((await Volume.deletedObjects.first())!.hardDelete(), purging);
  assert.equal(await cancelOperation(started.operationId), 'cancelling');
  assert.equal(await w.run(started.operationId), 'cancelled');
  // A cancelled purge stops: what it removed is gone, the rest is the trash's again.
  assert.equal((await Deletion.objects.get({ id: deletionId! })).state, 'partial');
  await restoreDeletion(deletionId!);
  assert.equal(await Shelf.objects.count(), 6);
  assert.equal(await Page.objects.count(), 22);
});

test('an online purge that would take another operation\'s trash is refused when submitted, and takes one deletion alone', async () => {
  await seedShelves(2, 2, 1);
  const volume = (await Volume.objects.first())!;
  const first = await volume.delete();
  const second = await Shelf.objects.all().delete();
  await assert.rejects(purgeDeletion(second.deletionId!, { online: true }), PurgeOverlapError);
  await assert.rejects(purgeDeletion(second.deletionId!, { online: true, overlapping: 'purge' } as never), /takes one deletion's trash alone/);
  const alone = await purgeDeletion(first.deletionId!, { online: true });
  await worker().drain();
  assert.equal((await operationProgress(alone.operationId)).state, 'done');
  assert.equal(await Page.deletedObjects.filter({ deletionId: first.deletionId! }).count(), 0);
  assert.equal(await Page.deletedObjects.filter({ deletionId: second.deletionId! }).count(), 3);
});

test('a live row that came to refer to the trash after the purge was planned stops the batch that reaches it', async () => {
  await seedShelves(3, 1, 0);
  const { deletionId } = await Shelf.objects.all().delete();
  const started = await purgeDeletion(deletionId!, { online: true });
  // A page added under a trashed volume is live: a purge would destroy it with no trash to keep it.
  const trashedVolume = (await Volume.deletedObjects.orderBy('id').first())!;
  await Page.objects.create({ volume: trashedVolume });
  await worker({ initialBatchSize: 1, maxBatchSize: 1 }).drain();
  const failed = await operationProgress(started.operationId);
  assert.equal(failed.state, 'failed');
  assert.match(failed.error, /would now also delete for good 1 page not in the trash/);
  assert.equal(await Page.objects.count(), 1);
  assert.equal(await Volume.deletedObjects.filter({ id: trashedVolume.id }).count(), 1);
});

test('a trash whose rows RESTRICT each other in a loop is refused in batches (no batch could go first); a CASCADE tree is purged', async () => {
  const root = await Node.objects.create({ parent: null });
  await Node.objects.create({ parent: await Node.objects.create({ parent: root }) });
  const tree = await Node.objects.all().delete();
  await assert.rejects(purgeDeletion(tree.deletionId!, { online: true }), (error: unknown) => error instanceof QueryUsageError && /ol\.Node\.parent RESTRICTs rows that refer back to it[^]*Purge it in one transaction instead/.test(error.message));
  const owner = await Owner.objects.create({ pet: null });
  await Owner.objects.filter({ id: owner.id }).update({ pet: await Pet.objects.create({ owner }) });
  const pair = await Owner.objects.all().delete();
  await assert.rejects(purgeDeletion(pair.deletionId!, { online: true }), /ol\.Owner\.pet RESTRICTs rows that refer back to it/);
  // In one transaction both go, as before.
  await purgeDeletion(tree.deletionId!);
  await purgeDeletion(pair.deletionId!);
  assert.equal(await Node.allObjects.count() + await Owner.allObjects.count() + await Pet.allObjects.count(), 0);

  const top = await Branch.objects.create({ parent: null });
  for (let i = 0; i < 4; i++) await Branch.objects.create({ parent: i % 2 === 0 ? top : (await Branch.objects.orderBy('-id').first())! });
  const branches = await Branch.objects.all().delete();
  const started = await purgeDeletion(branches.deletionId!, { online: true });
  await worker({ initialBatchSize: 1, maxBatchSize: 1 }).drain();
  assert.equal((await operationProgress(started.operationId)).state, 'done');
  assert.equal(await Branch.allObjects.count(), 0);
});

/** A trash whose posts may answer others of the same trash, through a key the database checks. */
class Board extends model('olp.Board', { name: f.char({ maxLength: 10 }) }, { softDelete: true }) {}
class Message extends model('olp.Message', {
  board: f.foreignKey(() => Board, { onDelete: CASCADE }),
  replyTo: f.foreignKey('self', { onDelete: DO_NOTHING, null: true }),
}, { softDelete: true }) {}
/** Outside the trash: a bookmark keeps its message from being purged. */
class Bookmark extends model('olp.Bookmark', { message: f.foreignKey(() => Message, { onDelete: DO_NOTHING }) }) {}
class Pin extends model('olp.Pin', { board: f.foreignKey(() => Board, { onDelete: CASCADE }), message: f.foreignKey(() => Message, { onDelete: DO_NOTHING }) }, { softDelete: true }) {}

test('a trash whose rows point at others of it through a checked DO_NOTHING key is refused in batches (one could take the row pointed at first); without such a pair it is purged', async () => {
  const boards = await Board.objects.bulkCreate([{ name: 'a' }, { name: 'b' }]);
  const first = await Message.objects.bulkCreate(boards.map((board) => ({ board })));
  // Replies, above what they answer in key order: batches in key order would take the answers first.
  await Message.objects.bulkCreate(first.map((message) => ({ board: message.board, replyTo: message })));
  const { deletionId } = await Board.objects.all().delete();
  await assert.rejects(purgeDeletion(deletionId!, { online: true }), (error: unknown) => error instanceof QueryUsageError && /olp\.Message\.replyTo, a DO_NOTHING key the database checks[^]*Purge it in one transaction instead/.test(error.message));
  assert.equal(await OnlineOperation.objects.count(), 0);
  assert.equal(await Message.allObjects.count(), 4);
  await purgeDeletion(deletionId!);
  assert.equal(await Message.allObjects.count(), 0);
  // A pin of a message of the same trash, though the two keys are equal: another model's row.
  const [pinned] = await Board.objects.bulkCreate([{ name: 'p' }]);
  const [message] = await Message.objects.bulkCreate([{ board: pinned! }]);
  await Pin.objects.bulkCreate([{ id: message!.id, board: pinned!, message: message! }]);
  const pinnedTrash = await Board.objects.all().delete();
  await assert.rejects(purgeDeletion(pinnedTrash.deletionId!, { online: true }), /olp\.Pin\.message, a DO_NOTHING key the database checks/);
  await purgeDeletion(pinnedTrash.deletionId!);
  // A bookmark outside the trash: one transaction fails on its key, so the batches are not started.
  const [marked] = await Board.objects.bulkCreate([{ name: 'm' }]);
  const kept = await Message.objects.bulkCreate([{ board: marked! }, { board: marked! }, { board: marked! }]);
  await Bookmark.objects.create({ message: kept[2]! });
  const markedTrash = await Board.objects.all().delete();
  await assert.rejects(purgeDeletion(markedTrash.deletionId!), IntegrityError);
  await assert.rejects(purgeDeletion(markedTrash.deletionId!, { online: true }), (error: unknown) => error instanceof IntegrityError && /olp\.Bookmark\.message \(DO_NOTHING\)/.test(String(error)));
  assert.equal(await OnlineOperation.objects.count(), 0);
  assert.equal(await Message.allObjects.count(), 3);
  await Bookmark.objects.all().delete();
  await purgeDeletion(markedTrash.deletionId!);
  // The same models, no reply: purged in batches of one.
  const [board] = await Board.objects.bulkCreate([{ name: 'c' }]);
  await Message.objects.bulkCreate([{ board: board! }, { board: board! }]);
  const again = await Board.objects.all().delete();
  const { operationId } = await purgeDeletion(again.deletionId!, { online: true });
  await worker({ initialBatchSize: 1, maxBatchSize: 1 }).drain();
  assert.equal((await operationProgress(operationId)).state, 'done');
  assert.equal(await Message.allObjects.count(), 0);
});

test('purge() by retention leaves a deletion an online operation is working on, and purges the others', async () => {
  await seedShelves(6, 1, 1);
  const first = await Shelf.objects.filter({ group: 0 }).delete();
  const online = await Shelf.objects.filter({ group: 1 }).delete();
  const last = await Shelf.objects.filter({ group: 2 }).delete();
  const started = await purgeDeletion(online.deletionId!, { online: true });
  const result = await purge({ olderThan: 0 });
  assert.deepEqual(result.deletions.sort(), [first.deletionId!, last.deletionId!].sort());
  assert.deepEqual(result.skipped, [{ deletionId: online.deletionId!, reason: `online operation ${started.operationId} (queued) is working on it` }]);
});
