/**
 * A delete, purge or restore takes what its plan (the one authorize() saw) showed, or nothing:
 * rows committed by another connection meanwhile either wait for it (they refer to rows it
 * locked) or make it fail whole (RowsChangedError), and a receiver that writes cannot widen it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { atomic, CASCADE, connect, fields as f, model, purgeDeletion, restoreDeletion, RowsChangedError, signals, type Database } from '../../src/index.ts';
import { BACKEND, TEST_DATABASE_URL, withSeededDatabase } from '../support/database.ts';

class Folder extends model('holds.Folder', { name: f.char({ maxLength: 30 }) }) {}
class Doc extends model('holds.Doc', { title: f.char({ maxLength: 30 }), folder: f.foreignKey(() => Folder, { onDelete: CASCADE }) }) {}

class Sheet extends model('holds.Sheet', { title: f.char({ maxLength: 30 }) }, { softDelete: true }) {}
class Line extends model('holds.Line', { sheet: f.foreignKey(() => Sheet, { onDelete: CASCADE }), text: f.char({ maxLength: 30 }) }, { softDelete: true }) {}
/** No trash: a purge of a sheet takes its stamps for good. */
class Stamp extends model('holds.Stamp', { sheet: f.foreignKey(() => Sheet, { onDelete: CASCADE }) }) {}

/** Post <- Note <- Reply, all with a trash: notes are rows others point at, so deletes lock them. */
class Post extends model('holds.Post', { title: f.char({ maxLength: 30 }) }, { softDelete: true }) {}
class Note extends model('holds.Note', { post: f.foreignKey(() => Post, { onDelete: CASCADE }) }, { softDelete: true }) {}
class Reply extends model('holds.Reply', { note: f.foreignKey(() => Note, { onDelete: CASCADE }) }, { softDelete: true }) {}

const seeded = withSeededDatabase(async () => {
  const old = await Folder.objects.create({ name: 'old' });
  const keep = await Folder.objects.create({ name: 'keep' });
  await Doc.objects.create({ title: 'in old', folder: old });
  const precious = await Doc.objects.create({ title: 'precious, in keep', folder: keep });
  const sheet = await Sheet.objects.create({ title: 'trashed' });
  await Line.objects.create({ sheet, text: 'in the operation' });
  const op = (await sheet.delete()).deletionId!;
  return { old, keep, precious, sheet, op };
});

for (const authorized of [true, false]) {
  test(`a receiver that writes cannot widen a delete${authorized ? ' authorized on its plan' : ''}: what it moves under a deleted row makes the delete fail whole`, async () => {
    const { old, precious } = seeded();
    const off = signals.preDelete.connect(async () => {
      await Doc.objects.filter({ id: precious.id }).update({ folder: old.id } as never);
    }, { sender: Folder });
    let planned: Record<string, number> | undefined;
    try {
      const options = authorized ? { authorize: (plan: { byModel: Record<string, number> }) => void (planned = { ...plan.byModel }) } : {};
      const result = await old.delete(options).catch((error: Error) => error);
      assert.ok(result instanceof Error, 'the delete failed');
    } finally {
      off();
    }
    if (authorized) assert.deepEqual(planned, { 'holds.Folder': 1, 'holds.Doc': 1 });
    assert.equal(await Doc.objects.filter({ id: precious.id }).exists(), true, 'the document outside the fixed rows was not deleted');
    assert.equal(await Folder.objects.filter({ id: old.id }).exists(), true, 'nothing was deleted');
  });
}

const server = BACKEND === 'sqlite' ? 'needs a second connection that writes (SQLite has one writer)' : false;

/** Runs `write` on another connection without waiting for it: it may wait for this one's locks. */
async function meanwhile<T>(write: (other: Database) => Promise<T>): Promise<{ outcome: Promise<T | Error>; done: () => Promise<void> }> {
  const other = await connect(TEST_DATABASE_URL, { setDefault: false });
  const outcome = write(other).catch((error: Error) => error);
  return { outcome, done: () => other.close() };
}

test('a purge takes what its plan showed: a row committed meanwhile that refers to the purged rows waits, then fails', { skip: server }, async () => {
  const { sheet, op } = seeded();
  let late: Awaited<ReturnType<typeof meanwhile>> | undefined;
  let planned: Record<string, number> = {};
  try {
    const result = await purgeDeletion(op, {
      authorize: async (plan) => {
        planned = { ...plan.byModel };
        late = await meanwhile(async (other) => {
          await Line.objects.using(other).create({ sheet, text: 'live, added meanwhile' });
          await Stamp.objects.using(other).create({ sheet });
        });
        await sleep(300);
      },
    });
    assert.deepEqual(result.byModel, planned);
    assert.deepEqual(planned, { 'holds.Sheet': 1, 'holds.Line': 1 });
    assert.ok((await late!.outcome) instanceof Error, 'the insert referring to a purged row failed once the purge committed');
  } finally {
    await late?.done();
  }
  assert.equal(await Line.allObjects.count(), 0);
  assert.equal(await Stamp.objects.count(), 0);
});

test('a soft delete takes what its plan showed: a row committed meanwhile under it waits, and stays live', { skip: server }, async () => {
  const live = await Sheet.objects.create({ title: 'live' });
  let late: Awaited<ReturnType<typeof meanwhile>> | undefined;
  let planned: Record<string, number> = {};
  try {
    const result = await live.delete({
      authorize: async (plan) => {
        planned = { ...plan.byModel };
        late = await meanwhile((other) => Line.objects.using(other).create({ sheet: live, text: 'added meanwhile' }));
        await sleep(300);
      },
    });
    assert.deepEqual(result.byModel, planned);
    assert.deepEqual(planned, { 'holds.Sheet': 1 });
    assert.ok(!((await late!.outcome) instanceof Error));
  } finally {
    await late?.done();
  }
  assert.equal(await Line.objects.filter({ sheet: live.id }).count(), 1, 'the line came after the delete, and is live');
});

test('rows committed meanwhile that no lock holds off make the delete (soft or for good), or the restore, fail whole with RowsChangedError', { skip: server }, async () => {
  const { sheet, op } = seeded();
  await Line.objects.create({ sheet: await Sheet.objects.create({ title: 'other' }), text: 'x' });
  let late: Awaited<ReturnType<typeof meanwhile>> | undefined;
  try {
    const deleting = Line.objects.filter({ text: 'x' }).delete({
      authorize: async () => {
        late = await meanwhile(async (other) => {
          const elsewhere = await Sheet.objects.using(other).create({ title: 'elsewhere' });
          return Line.objects.using(other).create({ sheet: elsewhere, text: 'x' });
        });
        await late.outcome;
      },
    });
    await assert.rejects(deleting, RowsChangedError);
  } finally {
    await late?.done();
  }
  assert.equal(await Line.objects.filter({ text: 'x' }).count(), 2, 'nothing was deleted');
  // A delete for good likewise.
  const { keep } = seeded();
  let hardLate: Awaited<ReturnType<typeof meanwhile>> | undefined;
  try {
    const deleting = Doc.objects.filter({ title__startswith: 'in' }).delete({
      authorize: async () => {
        hardLate = await meanwhile((other) => Doc.objects.using(other).create({ title: 'in keep, meanwhile', folder: keep }));
        await hardLate.outcome;
      },
    });
    await assert.rejects(deleting, RowsChangedError);
  } finally {
    await hardLate?.done();
  }
  assert.equal(await Doc.objects.filter({ title__startswith: 'in' }).count(), 2, 'nothing was deleted for good');
  // A restore's plan likewise: another connection restores one of the rows meanwhile.
  let restoreLate: Awaited<ReturnType<typeof meanwhile>> | undefined;
  try {
    const restoring = restoreDeletion(op, {
      authorize: async () => {
        restoreLate = await meanwhile((other) => Line.allObjects.using(other).filter({ sheet: sheet.id }).update({ deletedAt: null, deletionId: null } as never));
        await restoreLate.outcome;
      },
    });
    await assert.rejects(restoring, RowsChangedError);
  } finally {
    await restoreLate?.done();
  }
  assert.equal(await Sheet.objects.filter({ id: sheet.id }).exists(), false, 'the sheet stayed in the trash');
});

test('a purge and a hard delete of the same trashed rows lock in one order: no deadlock', { skip: server }, async () => {
  const [p1, p2] = [await Post.objects.create({ title: 'one' }), await Post.objects.create({ title: 'two' })];
  for (const post of [p1, p2]) await Reply.objects.create({ note: await Note.objects.create({ post }) });
  const op = (await Post.objects.filter({ id__in: [p1.id, p2.id] }).delete()).deletionId!;
  const holder = await connect(TEST_DATABASE_URL, { setDefault: false });
  const other = await connect(TEST_DATABASE_URL, { setDefault: false });
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  try {
    // Another writer holds post 1 for a moment, so that the two deletes overlap.
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const holding = atomic(async () => {
      await holder.execute(holder.kysely.selectFrom(Post.meta.table).select('id').where('id', '=', p1.id).forUpdate().compile());
      locked();
      await released;
    }, { using: holder });
    await isLocked;
    const purging = purgeDeletion(op).then(() => 'purged', (error: Error) => error);
    await sleep(300);
    const hard = Post.deletedObjects.using(other).filter({ id: p2.id }).hardDelete().then(() => 'deleted', (error: Error) => error);
    await sleep(300);
    release();
    await holding;
    const outcomes = (await Promise.all([purging, hard])).map(String);
    assert.ok(!outcomes.some((o) => /deadlock/i.test(o)), outcomes.join('; '));
  } finally {
    release();
    await holder.close();
    await other.close();
  }
});
