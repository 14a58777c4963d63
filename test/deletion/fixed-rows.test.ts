/**
 * What a delete takes is fixed before its first write: a filter that reads what the cascade
 * changes (a related table through Exists, a subquery or an annotation) must not be recomputed
 * after the children are gone. Each case took the children and kept the root before.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Count, Exists, OuterRef, Q, Subquery } from '../../src/index.ts';
import { withSeededDatabase } from '../support/database.ts';
import { Album, Artist, Song } from './models.ts';
import { Article, Note, Writer } from './soft-models.ts';

const seeded = withSeededDatabase(async () => {
  const ann = await Artist.objects.create({ name: 'Ann' });
  const bob = await Artist.objects.create({ name: 'Bob' });
  await Artist.objects.create({ name: 'Cy' });
  const red = await Album.objects.create({ artist: ann, title: 'Red' });
  await Album.objects.create({ artist: bob, title: 'Blue' });
  await Song.objects.create({ artist: ann, album: red, title: 'One' });
  const writer = await Writer.objects.create({ name: 'W' });
  const flagged = await Article.objects.create({ title: 'Flagged', slug: 'flagged', writer });
  await Article.objects.create({ title: 'Plain', slug: 'plain', writer });
  await Note.objects.create({ article: flagged, text: 'flag' });
  return { ann, bob };
});

const remaining = async () => (await Artist.objects.orderBy('name')).map((a) => a.name);

describe('a filter that reads what the cascade deletes', () => {
  test('Exists() over the children: the root goes with them, as the plan said', async () => {
    const qs = Artist.objects.filter(Exists(Album.objects.filter({ artist: OuterRef('pk'), title: 'Red' })));
    const plan = await qs.planDelete();
    const result = await qs.delete();
    assert.deepEqual(plan.byModel, { 'td.Artist': 1, 'td.Album': 1, 'td.Song': 1 });
    assert.deepEqual(result.byModel, plan.byModel);
    assert.deepEqual(await remaining(), ['Bob', 'Cy']);
  });

  test('an annotation counting the children, filtered', async () => {
    const qs = Artist.objects.annotate({ n: Count('albums') }).filter({ n__gt: 0 });
    const plan = await qs.planDelete();
    const result = await qs.delete();
    assert.deepEqual(result.byModel, plan.byModel);
    assert.deepEqual(result.byModel, { 'td.Artist': 2, 'td.Album': 2, 'td.Song': 1 });
    assert.deepEqual(await remaining(), ['Cy']);
  });

  test('a relation crossed in the filter, under OR and NOT', async () => {
    const qs = Artist.objects.filter(Q({ albums__title: 'Red' }).or({ name: 'Cy' })).exclude({ albums__title: 'Blue' });
    const plan = await qs.planDelete();
    const result = await qs.delete();
    assert.deepEqual(result.byModel, plan.byModel);
    assert.deepEqual(await remaining(), ['Bob']);
  });

  test('a Subquery() of a child compared with the root', async () => {
    const first = Album.objects.filter({ artist: OuterRef('pk') }).orderBy('title').values('title');
    const qs = Artist.objects.filter({ name__in: ['Ann', 'Bob'] }).annotate({ firstAlbum: Subquery(first.slice(0, 1)) }).filter({ firstAlbum: 'Red' } as never);
    const plan = await qs.planDelete();
    const result = await qs.delete();
    assert.deepEqual(result.byModel, plan.byModel);
    assert.deepEqual(await remaining(), ['Bob', 'Cy']);
  });

  test('a soft delete whose filter reads the children it moves to the trash', async () => {
    const qs = Article.objects.filter(Exists(Note.objects.filter({ article: OuterRef('pk'), text: 'flag' })));
    const plan = await qs.planDelete();
    const result = await qs.delete();
    assert.deepEqual(result.byModel, plan.byModel);
    assert.deepEqual(result.byModel, { 'ts.Article': 1, 'ts.Note': 1 });
    assert.deepEqual((await Article.objects.orderBy('title')).map((a) => a.title), ['Plain']);
  });
});
