/**
 * A soft delete that would cascade into rows of a model without a trash is refused, as PROTECT
 * refuses: left live, those rows would point into the trash (a key typed never-null reading
 * null); deleted for good, the delete could not be undone. Links of a many-to-many stay.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProtectedError, TrashCascadeError } from '../../src/index.ts';
import { trashCascadeWarnings } from '../../src/deletion/index.ts';
import { Deletion } from '../../src/deletion/index.ts';
import { withSeededDatabase } from '../support/database.ts';
import { Article, Note, Topic, Upload, Writer } from './soft-models.ts';

const seeded = withSeededDatabase(async () => {
  const ann = await Writer.objects.create({ name: 'Ann' });
  const first = await Article.objects.create({ title: 'First', slug: 'first', writer: ann });
  const second = await Article.objects.create({ title: 'Second', slug: 'second', writer: ann });
  await Note.objects.create({ article: first, text: 'n' });
  const upload = await Upload.objects.create({ article: first });
  return { ann, first, second, upload };
});

test('a soft delete reaching live rows without a trash is refused, nothing changed, and the plan says why', async () => {
  const { first, upload } = seeded();
  const plan = await first.planDelete();
  assert.equal(plan.allowed, false);
  assert.deepEqual(Object.keys(plan.untrashable), ['ts.Upload']);
  assert.deepEqual(plan.untrashable['ts.Upload']!.map((u) => (u as { id: number }).id), [upload.id]);
  const error = await first.delete().then(() => null, (e: unknown) => e);
  assert.ok(error instanceof TrashCascadeError, String(error));
  assert.ok(error instanceof ProtectedError, 'pages that show PROTECT blockers show these too');
  assert.match(error.message, /Cannot move some instances of model 'Article' to the trash .*'Upload\.article'.*softDelete: true/);
  assert.deepEqual(error.protectedObjects.map((u) => (u as { id: number }).id), [upload.id]);
  assert.equal(first.isDeleted, false);
  assert.equal(await Article.objects.count(), 2);
  assert.equal(await Note.objects.count(), 1);
  assert.equal(await Deletion.objects.count(), 0);
  // A queryset delete through a parent of the article is refused the same way.
  await assert.rejects(Article.objects.filter({ writer__name: 'Ann' }).delete(), TrashCascadeError);
});

test('once those rows are gone the soft delete goes ahead; a hard delete takes them', async () => {
  const { first, second, upload } = seeded();
  assert.equal((await second.delete()).byModel['ts.Article'], 1, 'an article nothing without a trash points at');
  assert.deepEqual((await first.planDelete({ hard: true })).untrashable, {});
  await upload.delete();
  const result = await first.delete();
  assert.deepEqual(result.byModel, { 'ts.Note': 1, 'ts.Article': 1 });
  const again = await Article.objects.create({ title: 'Third', slug: 'third', writer: seeded().ann });
  await Upload.objects.create({ article: again });
  assert.deepEqual((await again.hardDelete()).byModel, { 'ts.Upload': 1, 'ts.Article': 1 });
});

test('links of a many-to-many do not block, and come back with a restore', async () => {
  const { second } = seeded();
  const news = await Topic.objects.create({ name: 'news' });
  await news.articles.add(second);
  await second.delete();
  assert.equal(await news.articles.count(), 0);
  await second.restore();
  assert.equal(await news.articles.count(), 1);
});

test('the pair is reported when a project loads', () => {
  const warnings = trashCascadeWarnings([Upload.meta, Note.meta, Article.meta, Topic.meta]);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /^ts\.Upload\.article cascades from ts\.Article, which has a trash, into ts\.Upload, which has none/);
});
