/**
 * Deletes that review found taking the wrong rows. Each case failed before its fix; the
 * differential test (differential.test.ts) guards the whole class.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { withSeededDatabase } from '../support/database.ts';
import { Cat, Dept, M0, M1, Spin, Track } from './review-models.ts';
import { Article, Writer } from './soft-models.ts';
import { Album, Artist, Review, Song } from './models.ts';
import { Deletion } from '../../src/index.ts';

const seeded = withSeededDatabase(async () => {
  const a = await Cat.objects.create({ name: 'A' });
  const b = await Cat.objects.create({ name: 'B', parent: a });
  const c = await Cat.objects.create({ name: 'C', parent: b });
  return { a, b, c };
});

const names = async () => (await Cat.objects.orderBy('name')).map((cat) => `${cat.name}:${cat.parentId === null ? '-' : 'p'}`);

describe('a SET_* rule never changes what the delete selected', () => {
  test('SET_NULL on a self key: the plan and the delete take the same rows', async () => {
    const qs = Cat.objects.filter({ parent__isnull: false });
    const plan = await qs.planDelete();
    const result = await qs.delete();
    assert.deepEqual(plan.byModel, { 'rv.Cat': 2 });
    assert.deepEqual(result.byModel, plan.byModel);
    assert.deepEqual(await names(), ['A:-']);
  });

  test('nulling a key does not make a row match the filter', async () => {
    const { a, b } = seeded();
    await Cat.objects.filter({ name: 'C' }).delete();
    // A (parent null) and B (parent A): deleting the parentless must not take B.
    const result = await Cat.objects.filter({ parent__isnull: true }).delete();
    assert.deepEqual(result, { total: 1, byModel: { 'rv.Cat': 1 } });
    assert.deepEqual(await names(), ['B:-']);
    // The row that went is A's, and B's own row stayed, its key to A nulled.
    assert.equal(await Cat.objects.filter({ id: a.id }).exists(), false, 'A is deleted');
    assert.equal((await Cat.objects.get({ id: b.id })).parentId, null, 'B keeps its row, without a parent');
  });

  test('SET_DEFAULT on a self key', async () => {
    const root = await Dept.objects.create({ name: 'root' });
    const mid = await Dept.objects.create({ name: 'mid', parent: root });
    await Dept.objects.create({ name: 'leaf', parent: mid });
    const qs = Dept.objects.filter({ parent__isnull: false });
    assert.deepEqual((await qs.planDelete()).byModel, { 'rv.Dept': 2 });
    assert.deepEqual((await qs.delete()).byModel, { 'rv.Dept': 2 });
    assert.deepEqual((await Dept.objects.all()).map((d) => d.name), ['root']);
  });

  test('across models: the SET_NULL of one feeds the filter of the other', async () => {
    const m0 = await M0.objects.create({});
    const m1 = await M1.objects.create({ y: m0 });
    await M0.objects.filter({ id: m0.id }).update({ x: m1 });
    const qs = M0.objects.filter({ x__isnull: false });
    const plan = await qs.planDelete();
    assert.deepEqual(plan.byModel, { 'rv.M0': 1, 'rv.M1': 1 });
    assert.deepEqual((await qs.delete()).byModel, plan.byModel);
    assert.equal(await M0.objects.count(), 0);
    assert.equal(await M1.objects.count(), 0);
  });
});

describe('isnull across a relation matches rows with no related row (Django promotes to LEFT JOIN)', () => {
  test('forward: a null key on the way matches', async () => {
    const { a, b, c } = seeded();
    const d = await Cat.objects.create({ name: 'D' });
    // parent__parent is null for A (no parent), B (parent A has none) and D.
    assert.deepEqual((await Cat.objects.filter({ parent__parent__isnull: true }).orderBy('id')).map((x) => x.id), [a.id, b.id, d.id]);
    assert.deepEqual((await Cat.objects.exclude({ parent__parent__isnull: true })).map((x) => x.id), [c.id]);
    assert.deepEqual((await Cat.objects.filter({ parent__name: null }).orderBy('id')).map((x) => x.id), [a.id, d.id]);
  });

  test('reverse: a row with no related row at all matches', async () => {
    const bare = await M0.objects.create({});
    const withNull = await M0.objects.create({});
    const withValue = await M0.objects.create({});
    await M1.objects.create({ y: withNull, fb: null });
    await M1.objects.create({ y: withValue, fb: 1 });
    const found = (await M0.objects.filter({ m1s__fb__isnull: true }).orderBy('id')).map((x) => x.id);
    assert.deepEqual(found, [bare.id, withNull.id]);
    assert.deepEqual((await M0.objects.exclude({ m1s__fb__isnull: true })).map((x) => x.id), [withValue.id]);
    // and so does a delete
    assert.deepEqual((await M0.objects.filter({ m1s__fb__isnull: true }).delete()).byModel, { 'rv.M0': 2, 'rv.M1': 1 });
  });
});

test('a missing row two relations away: the whole path is null-extended (found by the differential test)', async () => {
  const artist = await Artist.objects.create({ name: 'a' });
  const album = await Album.objects.create({ artist, title: 't' });
  const song = await Song.objects.create({ artist, album, title: 's' });
  const withSong = await Review.objects.create({ song });
  const without = await Review.objects.create({});
  // song is nullable, album is not: a review without a song still has no album title.
  assert.deepEqual((await Review.objects.filter({ song__album__title: null })).map((r) => r.id), [without.id]);
  assert.deepEqual((await Review.objects.exclude({ song__album__title: null })).map((r) => r.id), [withSong.id]);
  assert.deepEqual((await Review.objects.exclude({ song__album__title__isnull: true }).delete()).byModel, { 'td.Review': 1 });
  assert.deepEqual((await Review.objects.all()).map((r) => r.id), [without.id]);
});

describe('the root-key shortcut', () => {
  test('a key that points at no row is not taken by exclude()', async () => {
    const kept = await Track.objects.create({ title: 'kept' });
    const gone = await Track.objects.create({ title: 'gone' });
    await Spin.objects.create({ track: kept });
    await Spin.objects.create({ track: gone });
    const dangling = await Spin.objects.create({ trackId: 999 });
    const result = await Track.objects.exclude({ id: kept.id }).delete();
    assert.deepEqual(result.byModel, { 'rv.Spin': 1, 'rv.Track': 1 });
    assert.deepEqual((await Spin.objects.orderBy('id')).map((s) => s.trackId), [kept.id, dangling.trackId]);
  });

  test('nor by a range filter', async () => {
    const t = await Track.objects.create({ title: 't' });
    await Spin.objects.create({ track: t });
    await Spin.objects.create({ trackId: t.id + 500 });
    const result = await Track.objects.filter({ id__lte: t.id + 1000 }).delete();
    assert.deepEqual(result.byModel, { 'rv.Spin': 1, 'rv.Track': 1 });
    assert.equal(await Spin.objects.count(), 1);
  });
});

describe('soft delete bookkeeping', () => {
  test('bulkDelete on a soft-delete model moves rows to the trash as one operation', async () => {
    const writer = await Writer.objects.create({ name: 'w' });
    const articles = await Article.objects.bulkCreate([1, 2, 3].map((i) => ({ title: `t${i}`, slug: `s${i}`, writer })));
    const result = await Article.objects.bulkDelete([articles[0]!, articles[1]!.id], { batchSize: 1 });
    assert.equal(result.total, 2);
    assert.equal(typeof result.deletionId, 'string');
    assert.equal(await Article.objects.count(), 1);
    assert.equal(await Article.deletedObjects.filter({ deletionId: result.deletionId }).count(), 2);
    assert.equal(await Deletion.objects.filter({ id: result.deletionId }).count(), 1);
    assert.ok(articles[0]!.isDeleted);
    const hard = await Article.objects.bulkDelete([articles[2]!], { hard: true });
    assert.equal(hard.deletionId, undefined);
    assert.equal(await Article.allObjects.count(), 2);
  });

  test('an empty soft delete writes no trash record', async () => {
    const before = await Deletion.objects.count();
    const result = await Article.objects.filter({ title: 'nothing' }).delete();
    assert.equal(result.total, 0);
    assert.equal(await Deletion.objects.count(), before);
  });
});
