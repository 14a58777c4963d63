import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IntegrityError, OrphanRestoreError, RestoreConflictError, restoreDeletion, Deletion, QueryUsageError, signals } from '../../src/index.ts';
import { captureQueries, withSeededDatabase } from '../support/database.ts';
import { Article, Note, Seat, Writer } from './soft-models.ts';

const seeded = withSeededDatabase(async () => {
  const ann = await Writer.objects.create({ name: 'Ann' });
  const first = await Article.objects.create({ title: 'First', slug: 'first', writer: ann });
  const second = await Article.objects.create({ title: 'Second', slug: 'second', writer: ann });
  const top = await Note.objects.create({ article: first, text: 'top' });
  const reply = await Note.objects.create({ article: first, reply: top, text: 'reply' });
  const other = await Note.objects.create({ article: first, text: 'other' });
  await Note.objects.create({ article: second, text: 'on second' });
  return { ann, first, second, top, reply, other };
});

const liveTexts = async () => (await Note.objects.orderBy('text')).map((n) => n.text);

test('restore brings back exactly what the operation took, not what an earlier one deleted', async () => {
  const { first, top } = seeded();
  const earlier = await top.delete();
  assert.deepEqual(earlier.byModel, { 'ts.Note': 2 });
  const later = await first.delete();
  assert.deepEqual(later.byModel, { 'ts.Note': 1, 'ts.Article': 1 });
  const result = await first.restore();
  assert.deepEqual(result.byModel, { 'ts.Note': 1, 'ts.Article': 1 });
  assert.equal(first.isDeleted, false);
  assert.deepEqual(await liveTexts(), ['on second', 'other']);
  assert.equal((await Deletion.objects.get({ id: later.deletionId! })).state, 'restored');
  assert.equal((await Deletion.objects.get({ id: earlier.deletionId! })).state, 'active');
  await top.restore();
  assert.deepEqual(await liveTexts(), ['on second', 'other', 'reply', 'top']);
});

test('restoreDeletion restores a whole bulk operation', async () => {
  const { ann } = seeded();
  const op = await Article.objects.filter({ writer: ann }).delete();
  assert.equal(op.total, 6);
  const result = await restoreDeletion(op.deletionId!);
  assert.deepEqual(result, { total: 6, byModel: { 'ts.Note': 4, 'ts.Article': 2 } });
  assert.equal(await Article.objects.count(), 2);
  assert.equal(await Note.deletedObjects.count(), 0);
  await assert.rejects(restoreDeletion(op.deletionId!), /was restored: nothing of it is in the trash/);
});

test('restoring a row whose parent is still in the trash is refused, naming the parent', async () => {
  const { first, other } = seeded();
  await first.delete();
  const note = await Note.allObjects.get({ id: other.id });
  await assert.rejects(note.restore(), (e: unknown) => {
    assert.ok(e instanceof OrphanRestoreError);
    assert.match((e as Error).message, new RegExp(`its article \\(Article ${first.id}\\) is still in the trash`));
    return true;
  });
  assert.equal(await Note.deletedObjects.count(), 3);
});

test('a restore that would break a unique rule among live rows is refused; nothing comes back', async () => {
  const { first, ann } = seeded();
  await first.delete();
  // Uniqueness holds among live rows only: the trash may repeat a slug.
  const again = await Article.objects.create({ title: 'First again', slug: 'first', writer: ann });
  await assert.rejects(Article.objects.create({ title: 'Third', slug: 'first', writer: ann }), IntegrityError);
  await assert.rejects(first.restore(), (e: unknown) => {
    assert.ok(e instanceof RestoreConflictError);
    assert.match((e as Error).message, /slug = "first"/);
    return true;
  });
  assert.equal(await Note.deletedObjects.count(), 3);
  await again.hardDelete();
  assert.equal((await first.restore()).total, 4);
});

test('a restore that would break a uniqueTogether rule among live rows is refused, naming the values', async () => {
  const seat = await Seat.objects.create({ row: 3, number: 7 });
  await seat.delete();
  await Seat.objects.create({ row: 3, number: 8 });
  const taken = await Seat.objects.create({ row: 3, number: 7 });
  await assert.rejects(seat.restore(), (e: unknown) => {
    assert.ok(e instanceof RestoreConflictError);
    assert.equal((e as Error).message, 'Cannot restore Seat: a live Seat already has row = 3 and number = 7, which must be unique together.');
    return true;
  });
  assert.equal(await Seat.deletedObjects.count(), 1);
  await taken.delete();
  assert.equal((await seat.restore()).total, 1);
});

test('queryset.restore() on the trash restores each row with its own operation', async () => {
  const { first, second } = seeded();
  await first.delete();
  await second.delete();
  const result = await Article.deletedObjects.filter({ slug__in: ['first', 'second'] }).restore();
  assert.deepEqual(result.byModel, { 'ts.Note': 4, 'ts.Article': 2 });
  await assert.rejects(new Article({ title: 'x', slug: 'x', writer: seeded().ann }).restore(), QueryUsageError);
});

test('postSoftDelete and postRestore get the affected instances, per model', async () => {
  const { first } = seeded();
  const seen: string[] = [];
  const offA = signals.postSoftDelete.connect(({ instances }) => void seen.push(`deleted ${instances.length}`), { sender: Note });
  const offB = signals.postRestore.connect(({ instances }) => void seen.push(`restored ${instances.map((n: { text: string }) => n.text).sort().join(',')}`), { sender: Note });
  await first.delete();
  await first.restore();
  offA();
  offB();
  assert.deepEqual(seen, ['deleted 3', 'restored other,reply,top']);
  assert.equal(await Note.objects.filter({ deletionId__isnull: false }).count(), 0);
});

test('a restore sends the same statements for 3 rows and for 3,000', async () => {
  const { ann } = seeded();
  const make = async (count: number, title: string) => {
    const articles = await Article.objects.bulkCreate(Array.from({ length: count }, (_, i) => ({ title, slug: `${title}-${i}`, writer: ann })));
    await Note.objects.bulkCreate(articles.map((article) => ({ article, text: 'n' })));
    return (await Article.objects.filter({ title }).delete()).deletionId!;
  };
  const small = await make(3, 'small');
  const a = await captureQueries(() => restoreDeletion(small));
  const large = await make(3000, 'large');
  const b = await captureQueries(() => restoreDeletion(large));
  assert.equal(a.length, b.length);
  assert.equal(await Note.objects.filter({ article__title: 'large' }).count(), 3000);
});
