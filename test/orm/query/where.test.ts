/**
 * One filter() call reads one joined row per relation, whichever way its conditions are written
 * (one dictionary, Q objects combined with and(), separate arguments); a condition under NOT is
 * tied to the row an earlier condition joined; separate calls may match different rows. Trove
 * against the reference of django-joins.ts (Django's joins, written out), on generated data and
 * condition trees.
 *
 * What Django 5.2 prints for the fixed cases below (SQLite; Author has posts, Post has tags):
 *   filter(posts__title='x', posts__rating=2)            one INNER JOIN app_post, both on it
 *   filter(Q(posts__title='x') & Q(posts__rating=2))      the same
 *   filter(Q(posts__title='x'), posts__rating=2)          the same
 *   filter(posts__title='x').filter(posts__rating=2)      two joins (T3): possibly two posts
 *   filter(Q(posts__title='x') & ~Q(posts__rating=2))     NOT EXISTS(… U1.rating = 2 AND U1.id = app_post.id): the joined post
 *   filter(~Q(posts__rating=2) & Q(posts__title='x'))     NOT EXISTS(… U1.author_id = app_author.id): no post rated 2 at all
 *   filter(Q(posts__title='x') | Q(posts__rating=2))      one join, title = x OR rating = 2 (rows repeat; Trove's do not)
 *   exclude(posts__title='x', posts__rating=2)            NOT (EXISTS(… rating = 2) AND EXISTS(… title = x)): each on its own
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Q } from '../../../src/index.ts';
import { BACKEND, withSeededDatabase } from '../../support/database.ts';
import { matching, type Call, type Model, type QJ } from './django-joins.ts';
import { Author, Comment, Post, Tag, load, toQ, worldArb } from './joins-fixture.ts';

withSeededDatabase(async () => undefined);

const MODELS = { Author, Post, Tag, Comment } as const;

/** The keys the generated conditions use, with the values they take, from each root model. */
const KEYS: Record<'Author' | 'Post', Array<[string, unknown[]]>> = {
  Author: [
    ['name', ['a', 'b']], ['rating', [1, 2, null]], ['rating__gt', [1]], ['posts__title', ['x', 'y']], ['posts__rating', [1, 2, null]],
    ['posts__rating__gt', [1]], ['posts__rating__isnull', [true, false]], ['posts__isnull', [true, false]], ['posts__comments__score', [1, 2, null]],
    ['posts__comments__isnull', [true, false]], ['posts__tags__name', ['t', 'u']], ['posts__tags__weight', [1, null]], ['posts__editor__name', ['a', 'b']],
    ['posts__editor__isnull', [true]], ['edited__title', ['x', 'y']], ['edited__isnull', [true, false]],
  ],
  Post: [
    ['title', ['x', 'y']], ['rating', [1, 2, null]], ['tags__name', ['t', 'u']], ['tags__weight', [1, 2, null]], ['tags__weight__gt', [1]],
    ['tags__isnull', [true, false]], ['author__name', ['a', 'b']], ['author__rating', [1, null]], ['author__posts__title', ['x', 'y']],
    ['author__posts__rating', [1, 2, null]], ['editor__name', ['a', 'b']], ['editor__isnull', [true, false]], ['editor__posts__title', ['x']],
    ['comments__score', [1, 2, null]], ['comments__isnull', [true, false]], ['comments__score__isnull', [true, false]],
  ],
};

const dictArb = (root: 'Author' | 'Post'): fc.Arbitrary<QJ> =>
  fc.array(fc.constantFrom(...KEYS[root]).chain(([key, values]) => fc.constantFrom(...values).map((value) => [key, value] as const)), { minLength: 1, maxLength: 2 })
    .map((entries) => ({ d: Object.fromEntries(entries) }));

const treeArb = (root: 'Author' | 'Post'): fc.Arbitrary<QJ> =>
  fc.letrec<{ tree: QJ }>((tie) => ({
    tree: fc.oneof(
      { depthSize: 'small', maxDepth: 3, withCrossShrink: true },
      dictArb(root),
      fc.record({ q: fc.constantFrom('and' as const, 'or' as const), neg: fc.boolean(), c: fc.array(tie('tree'), { minLength: 1, maxLength: 3 }) }),
      fc.constant({ e: true as const }),
    ),
  })).tree;

const callArb = (root: 'Author' | 'Post'): fc.Arbitrary<Call> =>
  fc.record({ exclude: fc.constantFrom(false, false, false, true), args: fc.array(fc.oneof(dictArb(root), treeArb(root)), { minLength: 1, maxLength: 3 }) });

async function troveIds(root: Model, calls: readonly Call[]): Promise<number[]> {
  let qs: any = MODELS[root].objects.all();
  for (const call of calls) {
    const args = call.args.map((a) => ('d' in a ? a.d : toQ(a)));
    qs = call.exclude ? qs.exclude(...args) : qs.filter(...args);
  }
  return ((await qs) as Array<{ id: number }>).map((r) => r.id).sort((a, b) => a - b);
}

const show = (calls: readonly Call[]) => JSON.stringify(calls);

test('one filter() call shares its related rows however its conditions are written, as Django joins them', async () => {
  await fc.assert(
    fc.asyncProperty(
      worldArb,
      fc.constantFrom('Author' as const, 'Post' as const).chain((root) => fc.tuple(fc.constant(root), fc.array(callArb(root), { minLength: 1, maxLength: 2 }))),
      async (data, [root, calls]) => {
        const world = await load(data);
        assert.deepEqual(await troveIds(root, calls), matching(world, root, calls).sort((a, b) => a - b), `${root}: ${show(calls)}`);
      },
    ),
    { numRuns: BACKEND === 'sqlite' ? 150 : 40 },
  );
});

test("the forms of one call that Django reads as one related row, and those it does not", async () => {
  const world = await load({
    authors: [{ name: 'a', rating: 1 }, { name: 'b', rating: 2 }, { name: 'c', rating: null }],
    tags: [{ name: 't', weight: 1 }, { name: 'u', weight: 2 }],
    // a: (x, 1) and (y, 2); b: (x, 2); c: none.
    posts: [{ author: 0, editor: null, title: 'x', rating: 1, tags: [0] }, { author: 0, editor: null, title: 'y', rating: 2, tags: [1] }, { author: 1, editor: null, title: 'x', rating: 2, tags: [0, 1] }],
    comments: [],
  });
  const names = async (qs: PromiseLike<Author[]>) => (await qs).map((a) => a.name).sort();
  const both = ['b'];
  assert.deepEqual(await names(Author.objects.filter({ posts__title: 'x', posts__rating: 2 })), both, 'one dictionary');
  assert.deepEqual(await names(Author.objects.filter(Q({ posts__title: 'x' }).and({ posts__rating: 2 }))), both, 'Q().and()');
  assert.deepEqual(await names(Author.objects.filter(Q({ posts__title: 'x' }).and(Q({ posts__rating: 2 })))), both, 'Q().and(Q())');
  assert.deepEqual(await names(Author.objects.filter({ posts__title: 'x' }, Q({ posts__rating: 2 }))), both, 'separate arguments');
  assert.deepEqual(await names(Author.objects.filter(Q({ posts__title: 'x' }), { posts__rating: 2 })), both, 'a Q, then a dictionary');
  assert.deepEqual(await names(Author.objects.filter({ posts__title: 'x' }).filter({ posts__rating: 2 })), ['a', 'b'], 'two calls: any posts');
  assert.deepEqual(await names(Author.objects.filter(Q({ posts__title: 'x' }).and(Q({ posts__rating: 2 }).not()))), ['a'], 'NOT tied to the joined post');
  assert.deepEqual(await names(Author.objects.filter(Q({ posts__rating: 2 }).not().and({ posts__title: 'x' }))), [], 'NOT first: no post rated 2 at all');
  assert.deepEqual(await names(Author.objects.filter({ posts__title: 'x' }).exclude({ posts__rating: 2 })), [], 'exclude(): no post rated 2 at all');
  assert.deepEqual(await names(Author.objects.filter(Q({ posts__title: 'y' }).or({ posts__rating: 2 }))), ['a', 'b'], 'OR: either on some post');
  assert.deepEqual(await names(Author.objects.exclude({ posts__title: 'x', posts__rating: 2 })), ['a', 'c'], 'exclude(a, b): the exact negation of filter(a, b), no post with both');
  assert.deepEqual(await names(Author.objects.exclude({ posts__title: 'y', posts__rating: 1 })), ['a', 'b', 'c'], 'exclude(a, b): nobody has a post with both');
  // Many-to-many, both ways.
  const posts = async (qs: PromiseLike<Post[]>) => (await qs).map((p) => `${p.title}${p.rating}`).sort();
  assert.deepEqual(await posts(Post.objects.filter(Q({ tags__name: 't' }).and({ tags__weight: 2 }))), [], 'no tag named t weighs 2');
  assert.deepEqual(await posts(Post.objects.filter({ tags__name: 't' }).filter({ tags__weight: 2 })), ['x2'], 'two calls: two tags');
  assert.deepEqual(await posts(Post.objects.filter(Q({ tags__name: 'u' }), Q({ tags__weight: 1 }).not())), ['x2', 'y2'], 'a tag named u that does not weigh 1');
  assert.deepEqual((await Tag.objects.filter(Q({ posts__title: 'x' }).and({ posts__rating: 1 }))).map((t) => t.name), ['t'], 'reverse many-to-many');
  assert.equal(world.Author.length, 3);
});

test('an OR that mixes a shared row with the row itself is multiplied out, and one that goes too far is refused before any SQL', async () => {
  await load({ authors: [{ name: 'a', rating: 1 }, { name: 'b', rating: 2 }], tags: [], posts: [{ author: 0, editor: null, title: 'x', rating: 1, tags: [] }, { author: 1, editor: null, title: 'y', rating: 2, tags: [] }], comments: [] });
  // A post titled x that is rated 2, or the author named b and any post titled x: nobody.
  const mixed = Q({ posts__title: 'x' }).and(Q({ posts__rating: 2 }).or({ name: 'b' }));
  assert.deepEqual((await Author.objects.filter(mixed)).map((a) => a.name), []);
  assert.deepEqual((await Author.objects.filter(Q({ posts__title: 'x' }).and(Q({ posts__rating: 1 }).or({ name: 'b' })))).map((a) => a.name), ['a']);
  let many = Q();
  for (let i = 0; i < 8; i++) many = many.and(Q({ posts__rating: i }).or({ name: `n${i}` }));
  assert.throws(() => Author.objects.filter(many), /more than 64 subqueries/);
  // In separate calls each OR is its own.
  let calls = Author.objects.all();
  for (let i = 0; i < 8; i++) calls = calls.filter(Q({ posts__rating: i }).or({ name: `n${i}` }));
  assert.deepEqual(await calls, []);
});
