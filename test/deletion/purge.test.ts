import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Deletion, purge, purgeDeletion, ProtectedError, QueryUsageError, ValidationError } from '../../src/index.ts';
import { cutoffFrom } from '../../src/deletion/index.ts';
import { withSeededDatabase } from '../support/database.ts';
import { Article, Bookmark, Flag, Note, Upload, Writer } from './soft-models.ts';

const seeded = withSeededDatabase(async () => {
  const ann = await Writer.objects.create({ name: 'Ann' });
  const articles = await Article.objects.bulkCreate(Array.from({ length: 5 }, (_, i) => ({ title: `a${i}`, slug: `a${i}`, writer: ann })));
  await Note.objects.bulkCreate(articles.flatMap((article) => [{ article, text: 'x' }, { article, text: 'y' }]));
  const bookmark = await Bookmark.objects.create({ article: articles[0]! });
  return { ann, articles, bookmark };
});

test('purgeDeletion removes an operation for good, what depends on it too, in batches with progress', async () => {
  const { articles, bookmark } = seeded();
  const op = await Article.objects.filter({ title__in: ['a0', 'a1', 'a2'] }).delete();
  // Rows without a trash that came to point at the trashed articles go with them.
  await Upload.objects.bulkCreate(articles.slice(0, 3).map((article) => ({ article })));
  const kept = await articles[3]!.delete();
  const progress: Array<{ done: number; total: number }> = [];
  const result = await purgeDeletion(op.deletionId!, { batchSize: 2, onProgress: (p) => progress.push(p) });
  assert.deepEqual(result.byModel, { 'ts.Note': 6, 'ts.Upload': 3, 'ts.Article': 3 });
  assert.deepEqual(progress.map((p) => p.done), [2, 4, 6, 8, 9]);
  assert.ok(progress.every((p) => p.total === 9));
  assert.equal((await Deletion.objects.get({ id: op.deletionId! })).state, 'purged');
  assert.equal(await Article.allObjects.count(), 2);
  assert.equal((await Bookmark.objects.get({ id: bookmark.id })).articleId, null);
  assert.equal((await Deletion.objects.get({ id: kept.deletionId! })).state, 'active');
  await assert.rejects(purgeDeletion(op.deletionId!), QueryUsageError);
});

test('purge removes only operations older than the cutoff', async () => {
  const { articles } = seeded();
  const old = await articles[0]!.delete();
  const recent = await articles[1]!.delete();
  await Deletion.objects.filter({ id: old.deletionId! }).update({ createdAt: new Date(Date.now() - 40 * 86_400_000) });
  const result = await purge({ olderThan: '30d' });
  assert.deepEqual(result.deletions, [old.deletionId]);
  assert.equal(await Article.allObjects.filter({ id: articles[0]!.id }).exists(), false);
  assert.equal(await Article.deletedObjects.filter({ id: articles[1]!.id }).exists(), true);
  assert.equal((await Deletion.objects.get({ id: recent.deletionId! })).state, 'active');
});

test('a purge blocked by PROTECT removes nothing', async () => {
  const { articles } = seeded();
  const op = await articles[0]!.delete();
  await Flag.objects.create({ article: articles[0]! });
  await assert.rejects(purgeDeletion(op.deletionId!), ProtectedError);
  assert.equal(await Note.deletedObjects.count(), 2);
  assert.equal((await Deletion.objects.get({ id: op.deletionId! })).state, 'active');
});

test('cutoffs take durations, milliseconds or dates', () => {
  const now = new Date('2026-01-31T00:00:00Z');
  assert.equal(cutoffFrom('30d', now).toISOString(), '2026-01-01T00:00:00.000Z');
  assert.equal(cutoffFrom('12h', now).toISOString(), '2026-01-30T12:00:00.000Z');
  assert.equal(cutoffFrom(1000, now).toISOString(), '2026-01-30T23:59:59.000Z');
  assert.throws(() => cutoffFrom('soon'), ValidationError);
});
