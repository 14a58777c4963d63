/**
 * Operations own their rows, and their state tells the truth whatever acts on them: a purge
 * never takes another operation's trash unless asked to (and then takes it whole), a hard
 * delete settles the operations it took rows of, and a restored operation cannot be purged.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { atomic, connect, Deletion, getDatabase, purge, purgeDeletion, planPurgeDeletion, PurgeOverlapError, QueryUsageError, restoreDeletion } from '../../src/index.ts';
import { BACKEND, TEST_DATABASE_URL, withSeededDatabase } from '../support/database.ts';
import { Article, Note, Writer } from './soft-models.ts';

const seeded = withSeededDatabase(async () => {
  const ann = await Writer.objects.create({ name: 'Ann' });
  const post = await Article.objects.create({ title: 'Post', slug: 'post', writer: ann });
  const other = await Article.objects.create({ title: 'Other', slug: 'other', writer: ann });
  const notes = await Note.objects.bulkCreate([1, 2, 3].map((i) => ({ article: post, text: `n${i}` })));
  return { ann, post, other, notes };
});

const stateOf = async (id: string) => (await Deletion.objects.get({ id })).state;

/** Trash note 3 alone (operation C), then its article (operation D), as finding 2 did. */
async function overlapping() {
  const { post, notes } = seeded();
  const c = (await notes[2]!.delete()).deletionId!;
  const d = (await post.delete()).deletionId!;
  return { c, d };
}

describe('a purge takes its own operation only', () => {
  test("purging D, whose cascade reaches C's trash, is refused by default and changes nothing", async () => {
    const { c, d } = await overlapping();
    const plan = await planPurgeDeletion(d);
    assert.equal(plan.selfContained, false);
    assert.deepEqual(plan.operations, { [c]: { 'ts.Note': 1 } });
    const error = await purgeDeletion(d).then(() => null, (e: unknown) => e);
    assert.ok(error instanceof PurgeOverlapError, String(error));
    assert.match(error.message, new RegExp(`1 note still in the trash with deletion ${c}`));
    assert.equal(await Note.allObjects.count(), 3);
    assert.equal(await stateOf(c), 'active');
    assert.equal(await stateOf(d), 'active');
    // C can still be undone, and gets its row back.
    await Article.deletedObjects.filter({ id: seeded().post.id }).restore();
    assert.equal((await restoreDeletion(c)).total, 1);
  });

  test("asked to, it purges C whole too, and both say purged", async () => {
    const { c, d } = await overlapping();
    const result = await purgeDeletion(d, { overlapping: 'purge' });
    assert.deepEqual(result.deletions.sort(), [c, d].sort());
    assert.deepEqual(result.byModel, { 'ts.Note': 3, 'ts.Article': 1 });
    assert.equal(await stateOf(c), 'purged');
    assert.equal(await stateOf(d), 'purged');
    await assert.rejects(restoreDeletion(c), /was purged: nothing of it is in the trash to restore/);
  });

  test('purging C first is self-contained; D stays whole', async () => {
    const { c, d } = await overlapping();
    assert.equal((await planPurgeDeletion(c)).selfContained, true);
    assert.deepEqual((await purgeDeletion(c)).byModel, { 'ts.Note': 1 });
    assert.equal(await stateOf(d), 'active');
    assert.equal((await restoreDeletion(d)).total, 3);
  });

  test('live rows of a soft-delete model that point into the trash are named and refused too', async () => {
    const { post } = seeded();
    const d = (await post.delete()).deletionId!;
    const late = await Note.objects.create({ article: post, text: 'late' });
    const plan = await planPurgeDeletion(d);
    assert.deepEqual(plan.live, { 'ts.Note': 1 });
    await assert.rejects(purgeDeletion(d), PurgeOverlapError);
    assert.equal(await Note.objects.filter({ id: late.id }).exists(), true);
    assert.equal((await purgeDeletion(d, { overlapping: 'purge' })).byModel['ts.Note'], 4);
  });

  test('retention purge: oldest first, and one that reaches a newer operation is skipped', async () => {
    const { c, d } = await overlapping();
    // D is old enough, C is not: purging D alone would take C's row.
    await Deletion.objects.filter({ id: d }).update({ createdAt: new Date(Date.now() - 40 * 86_400_000) });
    const result = await purge({ olderThan: '30d' });
    assert.deepEqual(result.deletions, []);
    assert.deepEqual(result.skipped?.map((s) => s.deletionId), [d]);
    assert.equal(await stateOf(d), 'active');
    // Both due: they go together.
    const all = await purge();
    assert.deepEqual(all.deletions.sort(), [c, d].sort());
  });
});

describe('states that tell the truth', () => {
  test('a restored operation cannot be purged, and stays restored', async () => {
    const { post } = seeded();
    const d = (await post.delete()).deletionId!;
    await restoreDeletion(d);
    await assert.rejects(purgeDeletion(d), (e: unknown) => e instanceof QueryUsageError && /was restored: nothing of it is in the trash to purge/.test(e.message));
    assert.equal(await stateOf(d), 'restored');
    assert.equal(await Note.objects.count(), 3);
  });

  test('hardDelete() of a trashed root purges its operation; restore then refuses in a sentence', async () => {
    const { post } = seeded();
    const d = (await post.delete()).deletionId!;
    const trashed = await Article.allObjects.get({ id: post.id });
    assert.deepEqual((await trashed.planDelete({ hard: true })).operations, { [d]: { 'ts.Article': 1, 'ts.Note': 3 } });
    await trashed.hardDelete();
    assert.equal(await stateOf(d), 'purged');
    await assert.rejects(restoreDeletion(d), /was purged/);
  });

  test('a hard delete that takes part of an operation leaves it partial; a restore brings back the rest', async () => {
    const { post, notes } = seeded();
    const d = (await post.delete()).deletionId!;
    await Note.allObjects.filter({ id: notes[0]!.id }).hardDelete();
    assert.equal(await stateOf(d), 'partial');
    const restored = await restoreDeletion(d);
    assert.deepEqual(restored.byModel, { 'ts.Note': 2, 'ts.Article': 1 });
    assert.equal(await stateOf(d), 'restored');
  });

  test('a partly restored operation stays active until nothing is left in the trash', async () => {
    const { post, notes } = seeded();
    const d = (await post.delete()).deletionId!;
    await Note.deletedObjects.filter({ id: notes[0]!.id }).restore().catch(() => undefined);
    await (await Article.allObjects.get({ id: post.id })).restore();
    assert.equal(await stateOf(d), 'restored');
  });

  test('restore and purge of one operation in one transaction: the second sees the first', async () => {
    const { post } = seeded();
    const d = (await post.delete()).deletionId!;
    await assert.rejects(atomic(async () => {
      await restoreDeletion(d);
      await purgeDeletion(d);
    }), /was restored/);
    assert.equal(await stateOf(d), 'active', 'rolled back whole');
    assert.equal(await Article.deletedObjects.count(), 1);
  });
});

test('a purge racing a restore from another connection waits for it, then refuses: never purged over live rows', { skip: BACKEND === 'sqlite' && 'one writer at a time: SQLite has no race to lose' }, async () => {
  const { post } = seeded();
  const d = (await post.delete()).deletionId!;
  const main = getDatabase();
  const other = await connect(TEST_DATABASE_URL, { setDefault: false });
  try {
    let purging: Promise<unknown> | undefined;
    await atomic(async () => {
      await restoreDeletion(d, { db: main });
      // The restore holds the operation's lock until it commits: the purge must wait for it.
      purging = purgeDeletion(d, { db: other }).then(() => 'purged', (e: unknown) => e);
      await new Promise((resolve) => setTimeout(resolve, 300));
    }, { using: main });
    const outcome = await purging;
    assert.ok(outcome instanceof QueryUsageError && /was restored/.test(outcome.message), String(outcome));
    assert.equal(await stateOf(d), 'restored');
    assert.equal(await Note.objects.count(), 3);
  } finally {
    await other.close();
  }
});
