/**
 * A union's rows come from its parts: what it can do is fetch, count, order and slice them. What
 * would act on other rows (its own conditions are empty) is refused before any SQL, as Django
 * refuses it after union(), and parts must select the same columns.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Count, Exists, OuterRef, QueryUsageError, Subquery } from '../../../src/index.ts';
import { withSeededDatabase } from '../../support/database.ts';
import { Author, Post, load } from './joins-fixture.ts';

withSeededDatabase(async () => undefined);

const world = {
  authors: [{ name: 'a', rating: 1 }, { name: 'b', rating: 2 }, { name: 'c', rating: null }, { name: 'd', rating: 1 }],
  tags: [],
  posts: [{ author: 0, editor: null, title: 'x', rating: 1, tags: [] }, { author: 2, editor: null, title: 'y', rating: 2, tags: [] }],
  comments: [],
};

const ab = () => Author.objects.filter({ name: 'a' }).union(Author.objects.filter({ name: 'b' }));
const names = (rows: ReadonlyArray<{ name: string }>) => rows.map((r) => r.name).sort();

test('a union is fetched, counted, ordered, sliced and iterated as the rows of its parts', async () => {
  await load(world);
  assert.deepEqual(names(await ab()), ['a', 'b']);
  assert.equal(await ab().count(), 2);
  assert.equal(await ab().exists(), true);
  assert.deepEqual((await ab().orderBy('-name').slice(0, 1)).map((a) => a.name), ['b']);
  assert.equal((await ab().orderBy('name').slice(0, 1).get()).name, 'a', 'get() of a one-row slice');
  await assert.rejects(ab().get(), /more than one/);
  const seen: string[] = [];
  for await (const author of ab().iterator({ chunkSize: 1 })) seen.push(author.name);
  assert.deepEqual(seen.sort(), ['a', 'b']);
  assert.match(ab().toSql().sql, /union/);
  assert.deepEqual(await ab().none(), [], 'none() of a union matches nothing');
});

test('what would act on rows other than the union\'s is refused, and nothing is written', async () => {
  await load(world);
  const refused: Array<[string, () => unknown]> = [
    ['delete()', () => ab().delete()],
    ['hardDelete()', () => ab().hardDelete()],
    ['update()', () => ab().update({ name: 'z' })],
    ['aggregate()', () => ab().aggregate({ n: Count('id') })],
    ['get() with conditions', () => ab().get({ name: 'c' })],
    ['filter()', () => ab().filter({ name: 'c' })],
    ['exclude()', () => ab().exclude({ name: 'c' })],
    ['values()', () => ab().values('name')],
    ['valuesList()', () => ab().valuesList('name', { flat: true })],
    ['annotate()', () => ab().annotate({ n: Count('posts') })],
    ['only()', () => ab().only('name')],
    ['defer()', () => ab().defer('rating')],
    ['selectRelated()', () => Post.objects.filter({ title: 'x' }).union(Post.objects.filter({ title: 'y' })).selectRelated('author')],
    ['prefetchRelated()', () => ab().prefetchRelated('posts')],
    ['distinct()', () => ab().distinct()],
    ['selectForUpdate()', () => ab().selectForUpdate()],
    ['inBulk()', () => ab().inBulk()],
    ['Exists()', () => Exists(Author.objects.filter({ name: 'x' }).union(Author.objects.filter({ name: 'y' })))],
    ['Subquery()', () => Subquery(Post.objects.filter({ author: OuterRef('pk') }).valuesList('rating', { flat: true }).union(Post.objects.filter({ title: 'y' }).valuesList('rating', { flat: true })))],
  ];
  for (const [what, run] of refused) {
    await assert.rejects(async () => run(), (e: unknown) => e instanceof QueryUsageError || (e instanceof Error && e.name === 'FieldError'), what);
  }
  assert.deepEqual(names(await Author.objects.all()), ['a', 'b', 'c', 'd'], 'nothing deleted or changed');
});

test('parts that select different columns are refused', async () => {
  await load(world);
  const refused: Array<[string, () => unknown]> = [
    ['only() on one part', () => Author.objects.filter({ name: 'a' }).only('name').union(Author.objects.filter({ name: 'b' }).only('rating'))],
    ['only() against a full part', () => Author.objects.filter({ name: 'a' }).only('name').union(Author.objects.filter({ name: 'b' }))],
    ['annotate() on one part', () => Author.objects.annotate({ n: Count('posts') }).union(Author.objects.all() as never)],
    ['values() of other fields', () => Author.objects.values('name').union(Author.objects.values('rating') as never)],
    ['selectRelated() on a part', () => Post.objects.selectRelated('author').union(Post.objects.all())],
  ];
  for (const [what, run] of refused) assert.throws(run, QueryUsageError, what);
  // The same annotations on every part are one set of columns.
  const both = Author.objects.annotate({ n: Count('posts') }).filter({ name: 'a' }).union(Author.objects.annotate({ n: Count('posts') }).filter({ name: 'c' }));
  assert.equal(await both.count(), 2);
});
