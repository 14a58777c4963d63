import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Exists, OuterRef, ProtectedError, QueryUsageError } from '../../src/index.ts';
import { Deletion } from '../../src/deletion/index.ts';
import { captureQueries, withSeededDatabase } from '../support/database.ts';
import { Article, Bookmark, Flag, Note, Topic, Upload, Writer } from './soft-models.ts';

const seeded = withSeededDatabase(async () => {
  const ann = await Writer.objects.create({ name: 'Ann' });
  const first = await Article.objects.create({ title: 'First', slug: 'first', writer: ann });
  const second = await Article.objects.create({ title: 'Second', slug: 'second', writer: ann });
  const top = await Note.objects.create({ article: first, text: 'top' });
  await Note.objects.create({ article: first, reply: top, text: 'reply' });
  await Note.objects.create({ article: second, text: 'other' });
  const bookmark = await Bookmark.objects.create({ article: first });
  return { ann, first, second, top, bookmark };
});

describe('soft delete', () => {
  test('moves the row and what cascades from it to the trash, and records the operation', async () => {
    const { first } = seeded();
    const result = await first.delete({ actor: 'ann', reason: 'duplicate' });
    assert.deepEqual({ total: result.total, byModel: result.byModel }, { total: 3, byModel: { 'ts.Note': 2, 'ts.Article': 1 } });
    assert.match(result.deletionId!, /^[0-9a-f-]{36}$/);
    assert.equal(first.isDeleted, true);
    assert.ok(first.deletedAt instanceof Date);
    assert.notEqual(first.id, null);
    assert.equal(await Article.objects.filter({ id: first.id }).exists(), false);
    assert.equal((await Article.allObjects.get({ id: first.id })).deletionId, result.deletionId);
    assert.equal(await Article.deletedObjects.count(), 1);
    assert.equal(await Note.objects.count(), 1);
    assert.equal(await Note.deletedObjects.filter({ deletionId: result.deletionId }).count(), 2);
    // SET_NULL keys are left as they were, so that a restore puts every link back.
    assert.equal((await Bookmark.objects.get({ id: seeded().bookmark.id })).articleId, first.id);
    const record = await Deletion.objects.get({ id: result.deletionId! });
    assert.equal(record.actor, 'ann');
    assert.equal(record.reason, 'duplicate');
    assert.equal(record.rootLabel, 'ts.Article');
    assert.equal(record.rootPk, String(first.id));
    assert.deepEqual(record.counts, { 'ts.Note': 2, 'ts.Article': 1 });
    assert.equal(record.state, 'active');
  });

  test('planDelete previews the soft delete (rows already in the trash left out); { hard: true } the hard one', async () => {
    const { first, top } = seeded();
    await Note.objects.filter({ reply: top }).delete();
    const plan = await first.planDelete();
    assert.equal(plan.soft, true);
    assert.deepEqual({ total: plan.total, byModel: plan.byModel }, { total: 2, byModel: { 'ts.Article': 1, 'ts.Note': 1 } });
    assert.deepEqual((await plan.sample(Note)).map((n) => n.text), ['top']);
    const hard = await first.planDelete({ hard: true });
    assert.equal(hard.soft, false);
    assert.equal(hard.byModel['ts.Note'], 2);
    const result = await first.delete();
    assert.deepEqual(result.byModel, plan.byModel);
  });

  test('a queryset soft delete is one operation; rows deleted before keep their own', async () => {
    const { first, top } = seeded();
    const earlier = await top.delete();
    const result = await Article.objects.filter({ writer__name: 'Ann' }).delete({ source: 'shell' });
    assert.deepEqual(result.byModel, { 'ts.Note': 1, 'ts.Article': 2 });
    assert.equal((await Note.allObjects.get({ id: top.id })).deletionId, earlier.deletionId);
    assert.equal((await Deletion.objects.get({ id: result.deletionId! })).source, 'shell');
    assert.equal(await Article.objects.filter({ id: first.id }).exists(), false);
  });

  test('a filter through Exists() on rows the soft delete moves to the trash names the rows it named before', async () => {
    const { second } = seeded();
    // Read again once the note is in the trash, the filter would match nothing: the note would go alone.
    const result = await Article.objects.filter(Exists(Note.objects.filter({ article: OuterRef('pk'), text: 'other' }))).delete();
    assert.deepEqual(result.byModel, { 'ts.Note': 1, 'ts.Article': 1 });
    assert.equal(await Article.objects.filter({ id: second.id }).exists(), false);
  });

  test('PROTECT holds against live rows only', async () => {
    const { first } = seeded();
    const flag = await Flag.objects.create({ article: first });
    await assert.rejects(first.delete(), ProtectedError);
    assert.equal(first.isDeleted, false);
    await flag.delete();
    assert.equal((await first.delete()).byModel['ts.Article'], 1);
  });

  test('the statements do not depend on the number of rows', async () => {
    const { ann } = seeded();
    const make = async (count: number, prefix: string) => {
      const articles = await Article.objects.bulkCreate(Array.from({ length: count }, (_, i) => ({ title: prefix, slug: `${prefix}-${i}`, writer: ann })));
      await Note.objects.bulkCreate(articles.map((article) => ({ article, text: 'n' })));
    };
    await make(3, 'small');
    await make(3000, 'large');
    const small = await captureQueries(() => Article.objects.filter({ title: 'small' }).delete());
    const large = await captureQueries(() => Article.objects.filter({ title: 'large' }).delete());
    assert.equal(small.length, large.length);
    assert.equal(await Note.deletedObjects.count(), 3003);
  });

  test('hardDelete removes for real, after or instead of a soft delete', async () => {
    const { first, second } = seeded();
    await first.delete();
    // Rows without a trash may come to point at a trashed row later; a hard delete takes them.
    await Upload.objects.create({ article: first });
    const result = await Article.deletedObjects.filter({ id: first.id }).hardDelete();
    assert.deepEqual(result.byModel, { 'ts.Note': 2, 'ts.Upload': 1, 'ts.Article': 1 });
    assert.equal((await Bookmark.objects.get({ id: seeded().bookmark.id })).articleId, null);
    await second.hardDelete();
    assert.equal(await Article.allObjects.count(), 0);
    assert.equal(second.id, null);
  });

  test('allObjects and deletedObjects exist only on soft-delete models', () => {
    assert.throws(() => Writer.allObjects, QueryUsageError);
  });
});

describe('the trash never leaks into live queries', () => {
  test('reverse managers, lookups, counts and selectRelated see live rows only', async () => {
    const { ann, first, second } = seeded();
    await first.delete();
    assert.deepEqual((await ann.articles.all()).map((a) => a.title), ['Second']);
    assert.equal(await ann.articles.count(), 1);
    assert.deepEqual((await Writer.objects.filter({ articles__title: 'First' })).length, 0);
    assert.equal((await Writer.objects.filter({ articles__title: 'Second' })).length, 1);
    assert.equal(await Note.objects.filter({ article__title: 'First' }).count(), 0);
    assert.equal(await Note.allObjects.filter({ article__title: 'First' }).count(), 0);
    assert.equal(await Writer.objects.filter({ articles__isnull: true }).count(), 0);
    await second.delete();
    assert.equal(await Writer.objects.filter({ articles__isnull: true }).count(), 1);
    await Upload.objects.create({ article: first });
    const upload = await Upload.objects.selectRelated('article').get({ articleId: first.id });
    assert.equal(upload.article, null);
    assert.equal(upload.articleId, first.id);
    const [withPrefetch] = await Writer.objects.prefetchRelated('articles');
    assert.equal((await withPrefetch!.articles.all()).length, 0);
  });
});

test('many-to-many managers and lookups see live rows only', async () => {
  const { first, second } = seeded();
  const news = await Topic.objects.create({ name: 'news' });
  await news.articles.add(first, second);
  await first.delete();
  assert.deepEqual((await news.articles.all()).map((a) => a.title), ['Second']);
  assert.equal(await Topic.objects.filter({ articles__title: 'First' }).count(), 0);
  assert.equal(await Topic.objects.filter({ articles__title: 'Second' }).count(), 1);
  await first.restore();
  assert.equal(await news.articles.count(), 2);
});
