/**
 * F() on the right of a condition across a relation reads the filtered row from inside the
 * relation's subquery (`Post.objects.filter({ comments__score__gt: F('rating') })`). What such a
 * filter selects is checked against Django's results by the query differential test; here the
 * other statements that take a condition (count, update, delete, which MySQL writes with
 * materialised subqueries) must act on exactly the rows the select returns, on every backend.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { F, Q } from '../../../src/index.ts';

type FilterDict = Record<string, unknown>;
import { BACKEND, withSeededDatabase } from '../../support/database.ts';
import { Author, Post, load, worldArb } from './joins-fixture.ts';

withSeededDatabase(async () => undefined);

const CONDITIONS = {
  Author: [
    { posts__rating__gt: F('rating') }, { posts__comments__score: F('rating') }, { posts__tags__weight__lte: F('rating') },
    { edited__rating: F('rating').add(1) }, { posts__title: 'x', posts__rating: F('rating') },
  ],
  Post: [
    { author__rating: F('rating') }, { tags__weight__gt: F('rating') }, { comments__score: F('rating') },
    { comments__score__lt: F('author__rating') }, { editor__rating: F('author__rating') }, { author__posts__rating__gt: F('rating') },
  ],
} satisfies Record<string, FilterDict[]>;

const MANAGERS = { Author: Author.objects, Post: Post.objects } as const;

const caseArb = fc.constantFrom('Author' as const, 'Post' as const).chain((root) =>
  fc.record({ root: fc.constant(root), condition: fc.constantFrom(...CONDITIONS[root]), exclude: fc.boolean(), negate: fc.boolean() }));

interface Case {
  root: 'Author' | 'Post';
  condition: FilterDict;
  exclude: boolean;
  negate: boolean;
}

/** The queryset of a case: filter(c), exclude(c), or filter(~Q(c)). */
function querysetOf({ root, condition, exclude, negate }: Case): any {
  const manager: any = MANAGERS[root];
  if (exclude) return manager.exclude(condition);
  return manager.filter(negate ? Q(condition).not() : condition);
}

const ids = (rows: ReadonlyArray<{ id: number }>) => rows.map((r) => r.id).sort((a, b) => a - b);
const runs = BACKEND === 'sqlite' ? 60 : 20;

test('count() and update() of a filter with F() across a relation act on the rows it selects', async () => {
  await fc.assert(
    fc.asyncProperty(worldArb, caseArb, async (data, spec) => {
      await load(data);
      const selected = ids(await querysetOf(spec));
      assert.equal(await querysetOf(spec).count(), selected.length, 'count()');
      // The title is not what the conditions read, so the update cannot change which rows match.
      const mark = spec.root === 'Author' ? { name: 'z' } : { title: 'z' };
      assert.equal(await querysetOf(spec).update(mark), selected.length, 'update() count');
      const touched = ids(await (MANAGERS[spec.root] as any).filter(mark));
      assert.deepEqual(touched, selected, 'update() rows');
    }),
    { numRuns: runs },
  );
});

test('delete() of a filter with F() across a relation takes the rows it selects, and no other', async () => {
  await fc.assert(
    fc.asyncProperty(worldArb, caseArb, async (data, spec) => {
      await load(data);
      const manager: any = MANAGERS[spec.root];
      const before = ids(await manager.all());
      const selected = ids(await querysetOf(spec));
      await querysetOf(spec).delete();
      assert.deepEqual(ids(await manager.all()), before.filter((id) => !selected.includes(id)));
    }),
    { numRuns: runs },
  );
});

test('F() across a relation compares with the filtered row, not the related one', async () => {
  await load({
    authors: [{ name: 'a', rating: 1 }, { name: 'b', rating: 2 }],
    tags: [{ name: 't', weight: 2 }],
    posts: [{ author: 0, editor: null, title: 'x', rating: 1, tags: [0] }, { author: 1, editor: null, title: 'y', rating: 1, tags: [] }],
    comments: [],
  });
  // a's post is rated 1 like a; b's is not rated like b.
  assert.deepEqual((await Author.objects.filter({ posts__rating: F('rating') })).map((a) => a.name), ['a']);
  assert.deepEqual((await Author.objects.exclude({ posts__rating: F('rating') })).map((a) => a.name), ['b']);
  // x (rating 1) has tag t weighing 2 > 1; y has no tag.
  assert.deepEqual((await Post.objects.filter({ tags__weight__gt: F('rating') })).map((p) => p.title), ['x']);
  assert.deepEqual((await Post.objects.filter({ author__rating__gt: F('rating') })).map((p) => p.title), ['y']);
});
