/**
 * An aggregate's filter is written as Django writes it: from the model being annotated, its paths
 * along the aggregate's relations naming the rows aggregated (`Count('posts', { filter:
 * Q({ posts__rating: 2 }) })`), the annotated model's own fields naming the annotated row
 * (`Q({ rating: 2 })`). Checked in annotate(), aggregate() and values().annotate() against the
 * reference of django-joins.ts, whose reading of such filters was checked against Django 5.2
 * (distinct counts; Django multiplies a count by relations the filter joins beyond the
 * aggregate's own, Trove never does).
 *
 * What Django 5.2 prints:
 *   Author.objects.annotate(n=Count('posts', filter=Q(posts__rating=2)))
 *     COUNT(app_post.id) FILTER (WHERE app_post.rating = 2) … LEFT OUTER JOIN app_post
 *   Author.objects.annotate(n=Count('posts', filter=Q(rating=2)))
 *     COUNT(app_post.id) FILTER (WHERE app_author.rating = 2): the author's own rating
 *   Post.objects.annotate(n=Count('tags', filter=Q(title='x') & Q(tags__weight=1)))
 *     COUNT(app_post_tags.tag_id) FILTER (WHERE (app_post.title = x AND app_tag.weight = 1))
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Count, Exists, F, FieldError, Q, QueryUsageError, Subquery, ValidationError, Value } from '../../../src/index.ts';
import { BACKEND, withSeededDatabase } from '../../support/database.ts';
import { chainRows, filterHolds, type QJ, type World } from './django-joins.ts';
import { Author, Post, load, toQ, worldArb } from './joins-fixture.ts';

withSeededDatabase(async () => undefined);

/** Paths to aggregate over, and the keys a filter may use: own fields, fields along the path, and beyond it. */
const CASES = {
  Author: {
    chains: ['posts', 'posts__comments', 'posts__tags', 'edited'],
    keys: (chain: string): Array<[string, unknown[]]> => [
      ['name', ['a', 'b']], ['rating', [1, 2, null]], ['rating__gt', [1]], ['edited__title', ['x']],
      ...(chain === 'edited'
        ? [['edited__rating', [1, 2, null]], ['edited__comments__score', [1, null]]] as Array<[string, unknown[]]>
        : [['posts__title', ['x', 'y']], ['posts__rating', [1, 2, null]], ['posts__comments__score', [1, 2, null]], ['posts__tags__name', ['t', 'u']], ['posts__tags__weight', [1, null]], ['posts__editor__name', ['a']]] as Array<[string, unknown[]]>),
    ],
  },
  Post: {
    chains: ['tags', 'comments', 'tags__posts'],
    keys: (chain: string): Array<[string, unknown[]]> => {
      const own: Array<[string, unknown[]]> = [['title', ['x', 'y']], ['rating', [1, 2, null]], ['author__name', ['a', 'b']], ['comments__score', [1, null]]];
      const tags: Array<[string, unknown[]]> = [['tags__name', ['t', 'u']], ['tags__weight', [1, 2, null]]];
      if (chain === 'comments') return [...own, ['comments__score__isnull', [true, false]], ['comments__score', [2]], ['tags__name', ['t']]];
      if (chain === 'tags') return [...own, ...tags];
      // From a post to the posts sharing a tag with it, no one row of the joins leads to both the
      // post itself and the posts at the end: the filter names the tags and the posts (see below).
      return [...tags, ['tags__posts__title', ['x', 'y']], ['tags__posts__rating', [1, null]], ['tags__posts__comments__score', [1]]];
    },
  },
} as const;

const filterArb = (keys: Array<[string, unknown[]]>): fc.Arbitrary<QJ> => {
  const dict = fc.array(fc.constantFrom(...keys).chain(([key, values]) => fc.constantFrom(...values).map((value) => [key, value] as const)), { minLength: 1, maxLength: 2 })
    .map((entries): QJ => ({ d: Object.fromEntries(entries) }));
  return fc.letrec<{ tree: QJ }>((tie) => ({
    tree: fc.oneof(
      { depthSize: 'small', maxDepth: 2, withCrossShrink: true },
      dict,
      fc.record({ q: fc.constantFrom('and' as const, 'or' as const), neg: fc.boolean(), c: fc.array(tie('tree'), { minLength: 1, maxLength: 2 }) }),
      fc.constant({ e: true as const }),
    ),
  })).tree;
};

const caseArb = fc.constantFrom('Author' as const, 'Post' as const).chain((root) =>
  fc.constantFrom(...CASES[root].chains).chain((chain) => fc.record({ root: fc.constant(root), chain: fc.constant(chain), filter: filterArb(CASES[root].keys(chain)) })),
);

/** The rows along `chain` from `root` that the filter keeps, per the reference. */
function kept(world: World, root: 'Author' | 'Post', chain: string, row: World['Author'][number], filter: QJ) {
  return chainRows(world, root, row, chain).filter((fixed) => filterHolds(world, root, row, filter, fixed)).map((fixed) => fixed.get(chain)!.id);
}

test("an aggregate's filter is written from the annotated model, in annotate(), aggregate() and values().annotate()", async () => {
  await fc.assert(
    fc.asyncProperty(worldArb, caseArb, async (data, { root, chain, filter }) => {
      const world = await load(data);
      const Model: any = root === 'Author' ? Author : Post;
      const rows = [...world[root]].sort((a, b) => a.id - b.id);
      const label = `${root} Count('${chain}', { filter: ${JSON.stringify(filter)} })`;
      const annotated = await Model.objects.annotate({ n: Count(chain, { filter: toQ(filter) }), d: Count(chain, { distinct: true, filter: toQ(filter) }) }).orderBy('id');
      assert.deepEqual(annotated.map((r: any) => [r.n, r.d]), rows.map((row) => { const ids = kept(world, root, chain, row, filter); return [ids.length, new Set(ids).size]; }), `annotate ${label}`);
      const all = rows.flatMap((row) => kept(world, root, chain, row, filter));
      assert.deepEqual(await Model.objects.aggregate({ n: Count(chain, { distinct: true, filter: toQ(filter) }) }), { n: new Set(all).size }, `aggregate ${label}`);
      const field = root === 'Author' ? 'name' : 'title';
      const grouped = await Model.objects.values(field).annotate({ n: Count(chain, { filter: toQ(filter) }) }).orderBy(field);
      const expected = new Map<unknown, number>();
      for (const row of rows) expected.set(row[field], (expected.get(row[field]) ?? 0) + kept(world, root, chain, row, filter).length);
      assert.deepEqual(grouped, [...expected].sort(([a], [b]) => String(a).localeCompare(String(b))).map(([value, n]) => ({ [field]: value, n })), `values ${label}`);
    }),
    { numRuns: BACKEND === 'sqlite' ? 120 : 30 },
  );
});

test("the old form fails as Django's would, and a field both models have means the annotated model's", async () => {
  await load({
    authors: [{ name: 'a', rating: 2 }, { name: 'b', rating: 1 }],
    tags: [{ name: 't', weight: 1 }],
    posts: [{ author: 0, editor: null, title: 'x', rating: 1, tags: [0] }, { author: 1, editor: null, title: 'x', rating: 2, tags: [0] }],
    comments: [],
  });
  // `title` is a field of Post, not of Author: named from Author, it is unknown.
  assert.throws(() => Author.objects.annotate({ n: Count('posts', { filter: Q({ title: 'x' }) }) }), /Cannot resolve keyword 'title'/);
  // `rating` is a field of both: the author's.
  const byOwn = await Author.objects.annotate({ n: Count('posts', { filter: Q({ rating: 2 }) }) }).orderBy('name');
  assert.deepEqual(byOwn.map((a) => [a.name, a.n]), [['a', 1], ['b', 0]]);
  const byPost = await Author.objects.annotate({ n: Count('posts', { filter: Q({ posts__rating: 2 }) }) }).orderBy('name');
  assert.deepEqual(byPost.map((a) => [a.name, a.n]), [['a', 0], ['b', 1]]);
  // Many-to-many, with the annotated row's own field: filtered on the link row.
  const tagged = await Post.objects.annotate({ n: Count('tags', { filter: Q({ rating: 2 }).and({ tags__weight: 1 }) }) }).orderBy('id');
  assert.deepEqual(tagged.map((p) => p.n), [0, 1]);
  assert.deepEqual(await Post.objects.aggregate({ n: Count('tags', { filter: Q({ rating: 2 }) }) }), { n: 1 });
  // From Post, the posts of its author: a filter naming the post itself and its author's posts
  // reads the post itself as the annotated row (no row of the join reaches both through keys).
  const ownAndOthers = await Post.objects.annotate({ n: Count('author__posts', { filter: Q({ title: 'x', author__posts__rating: 1 }) }) }).orderBy('id');
  assert.deepEqual(ownAndOthers.map((p) => p.n), [1, 0]);
  const eitherRow = await Post.objects.annotate({ n: Count('tags__posts', { filter: Q({ rating: 2 }).or({ tags__posts__rating: 1 }) }) }).orderBy('id');
  assert.deepEqual(eitherRow.map((p) => p.n), [1, 2]);
  assert.deepEqual((await Post.objects.annotate({ n: Count('author__posts', { filter: Q({ title: 'x' }) }) }).orderBy('id')).map((p) => p.n), [1, 1]);
});

test('a grouped queryset refuses what its HAVING cannot be written into, and annotations and Value() take only values they compare', async () => {
  await load({
    authors: [{ name: 'one', rating: 1 }, { name: 'none', rating: null }],
    tags: [],
    posts: [{ author: 0, editor: null, title: 'x', rating: 1, tags: [] }, { author: 0, editor: null, title: 'x', rating: 2, tags: [] }],
    comments: [],
  });
  const grouped = Post.objects.values('title').annotate({ n: Count('id') }).filter({ n__gte: 2 });
  assert.deepEqual(await grouped, [{ title: 'x', n: 2 }]);
  await assert.rejects(grouped.aggregate({ m: Count('id') }), QueryUsageError);
  await assert.rejects(grouped.update({ title: 'y' } as never), QueryUsageError);
  assert.throws(() => Exists(grouped), QueryUsageError);
  assert.throws(() => Subquery(grouped.values('title')), FieldError);
  // A count is a number: 'abc' would reach the database as NaN.
  assert.throws(() => Author.objects.annotate({ n: Count('posts') }).filter({ n__gt: 'abc' as never }), ValidationError);
  assert.throws(() => Author.objects.annotate({ m: F('rating').add(1) }).filter({ m__gt: 'abc' as never }), ValidationError);
  assert.throws(() => Value({}), FieldError);
  assert.throws(() => Value([1, 2]), FieldError);
  assert.throws(() => Value(Number.NaN), FieldError);
  // Value(null) compares as NULL: exclude() keeps every row filter() does not take.
  const names = async (qs: PromiseLike<Author[]>) => (await qs).map((a) => a.name).sort();
  assert.deepEqual(await names(Author.objects.filter({ rating: Value(null) })), []);
  assert.deepEqual(await names(Author.objects.exclude({ rating: Value(null) })), ['none', 'one']);
});
