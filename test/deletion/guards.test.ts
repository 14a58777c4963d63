/**
 * Guards of the deletion engine that a mutation once removed unnoticed: batches for receivers
 * that must go on to the end and never repeat a row, a retention purge that must leave restored
 * operations alone, an operation restored in parts, and a relation into the trash read as missing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Deletion, purge, signals } from '../../src/index.ts';
import { SIGNAL_BATCH } from '../../src/deletion/collector.ts';
import { withSeededDatabase } from '../support/database.ts';
import { Album, Artist } from './models.ts';
import { Article, Note, Writer } from './soft-models.ts';

const seeded = withSeededDatabase(async () => {
  const writer = await Writer.objects.create({ name: 'W' });
  return { writer };
});

test('with receivers, rows go in batches to the last one, each row once', async () => {
  const ann = await Artist.objects.create({ name: 'Ann' });
  const total = SIGNAL_BATCH * 2 + 7;
  await Album.objects.bulkCreate(Array.from({ length: total }, (_, i) => ({ artist: ann, title: `a${i}` })));
  const pre: number[] = [];
  const post: number[] = [];
  const offPre = signals.preDelete.connect(({ instance }) => void pre.push((instance as { id: number }).id), { sender: Album });
  const offPost = signals.postDelete.connect(({ instance }) => void post.push((instance as { id: number }).id), { sender: Album });
  try {
    const result = await ann.delete();
    assert.equal(result.byModel['td.Album'], total);
  } finally {
    offPre();
    offPost();
  }
  assert.equal(await Album.objects.count(), 0);
  for (const seen of [pre, post]) {
    assert.equal(seen.length, total, 'every row, past the first batch');
    assert.equal(new Set(seen).size, total, 'no row twice');
  }
});

test('a retention purge leaves restored and purged operations alone', async () => {
  const { writer } = seeded();
  const kept = await Article.objects.create({ title: 'Kept', slug: 'kept', writer });
  const gone = await Article.objects.create({ title: 'Gone', slug: 'gone', writer });
  const restored = (await kept.delete()).deletionId!;
  await kept.restore();
  const due = (await gone.delete()).deletionId!;
  const old = new Date(Date.now() - 40 * 86_400_000);
  await Deletion.objects.filter({ id__in: [restored, due] }).update({ createdAt: old });
  const result = await purge({ olderThan: '30d' });
  assert.deepEqual(result.deletions, [due]);
  assert.equal((await Deletion.objects.get({ id: restored })).state, 'restored');
  assert.equal(await Article.objects.filter({ id: kept.id }).exists(), true);
});

test('an operation restored in parts stays active until its last row is back', async () => {
  const { writer } = seeded();
  const one = await Article.objects.create({ title: 'One', slug: 'one', writer });
  const two = await Article.objects.create({ title: 'Two', slug: 'two', writer });
  await Note.objects.create({ article: two, text: 'n' });
  const id = (await Article.objects.filter({ id__in: [one.id, two.id] }).delete()).deletionId!;
  await (await Article.allObjects.get({ id: one.id })).restore();
  assert.equal((await Deletion.objects.get({ id })).state, 'active');
  await (await Article.allObjects.get({ id: two.id })).restore();
  assert.equal((await Deletion.objects.get({ id })).state, 'restored');
  assert.equal(await Note.objects.count(), 1);
});

test('a key whose row is in the trash reads as missing across the relation, and the engine filters by it', async () => {
  const { writer } = seeded();
  const live = await Article.objects.create({ title: 'Live', slug: 'live', writer });
  const trashed = await Article.objects.create({ title: 'Trashed', slug: 'trashed', writer });
  const a = await Note.objects.create({ article: live, text: 'a' });
  const b = await Note.objects.create({ article: trashed, text: 'b' });
  // Moved to the trash by their own operation, before the article's.
  await b.delete();
  await trashed.delete();
  assert.deepEqual((await Note.allObjects.filter({ article__title__isnull: true })).map((n) => n.text), ['b']);
  assert.deepEqual((await Note.allObjects.filter({ article__title__isnull: false })).map((n) => n.text), ['a']);
  const result = await Note.allObjects.filter({ article__title__isnull: true }).hardDelete();
  assert.deepEqual(result.byModel, { 'ts.Note': 1 });
  assert.equal(await Note.objects.filter({ id: a.id }).exists(), true);
});
