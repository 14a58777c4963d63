/**
 * aggregate() and annotate() against sums and counts done in JavaScript, on random authors,
 * posts, comments and tags, on every database.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Avg, CASCADE, Count, Exists, F, Max, Min, OuterRef, Q, Subquery, Sum, model, fields as f } from '../../src/index.ts';
import { Author, Comment, Post, Tag } from '../support/blog.ts';
import { withSeededDatabase } from '../support/database.ts';

class Shelf extends model('agg.Shelf', { name: f.char({ maxLength: 10 }) }) {}
class Book extends model('agg.Book', { shelf: f.foreignKey(() => Shelf, { onDelete: CASCADE, relatedName: 'books' }), pages: f.integer() }, { softDelete: true }) {}
class Note extends model('agg.Note', { book: f.foreignKey(() => Book, { onDelete: CASCADE, relatedName: 'notes' }) }, { softDelete: true }) {}

withSeededDatabase(async () => undefined);

const world = fc.record({
  authors: fc.integer({ min: 1, max: 4 }),
  posts: fc.array(fc.record({
    author: fc.nat(),
    published: fc.boolean(),
    rating: fc.option(fc.integer({ min: 0, max: 10 }), { nil: null }),
    cents: fc.option(fc.integer({ min: 0, max: 9999 }), { nil: null }),
    comments: fc.integer({ min: 0, max: 3 }),
    tags: fc.uniqueArray(fc.integer({ min: 0, max: 2 }), { maxLength: 3 }),
  }), { maxLength: 8 }),
});

type World = typeof world extends fc.Arbitrary<infer W> ? W : never;

async function build(w: World) {
  await Comment.objects.all().delete();
  await Post.objects.all().delete();
  await Author.objects.all().delete();
  await Tag.objects.all().delete();
  const authors = [];
  for (let i = 0; i < w.authors; i++) authors.push(await Author.objects.create({ name: `a${i}`, email: `a${i}@x.org` }));
  const tags: Array<InstanceType<typeof Tag>> = [];
  for (let i = 0; i < 3; i++) tags.push(await Tag.objects.create({ name: `t${i}` }));
  const posts = [];
  for (const [i, p] of w.posts.entries()) {
    const post = await Post.objects.create({
      title: `p${i}`, author: authors[p.author % authors.length]!, status: p.published ? 'published' : 'draft',
      rating: p.rating, price: p.cents === null ? null : (p.cents / 100).toFixed(2),
    });
    for (let c = 0; c < p.comments; c++) await Comment.objects.create({ post, text: `c${c}` });
    if (p.tags.length > 0) await post.tags.add(...p.tags.map((t) => tags[t]!));
    posts.push({ ...p, id: post.id, authorId: post.authorId });
  }
  return { authors, posts };
}

const cents = (n: number) => (n / 100).toFixed(2);

test('annotate() gives each row its counts and sums across relations, without multiplying them', async () => {
  await fc.assert(fc.asyncProperty(world, async (w) => {
    const { authors, posts } = await build(w);
    const rows = await Author.objects.annotate({
      postCount: Count('posts'),
      published: Count('posts', { filter: Q({ posts__status: 'published' }) }),
      commentCount: Count('posts__comment'),
      tagsUsed: Count('posts__tags', { distinct: true }),
      ratingSum: Sum('posts__rating'),
      best: Max('posts__rating'),
    }).orderBy('id');
    const expected = authors.map((a) => {
      const own = posts.filter((p) => p.authorId === a.id);
      const ratings = own.map((p) => p.rating).filter((r): r is number => r !== null);
      return {
        id: a.id,
        postCount: own.length,
        published: own.filter((p) => p.published).length,
        commentCount: own.reduce((n, p) => n + p.comments, 0),
        tagsUsed: new Set(own.flatMap((p) => p.tags)).size,
        ratingSum: ratings.length === 0 ? null : ratings.reduce((x, y) => x + y, 0),
        best: ratings.length === 0 ? null : Math.max(...ratings),
      };
    });
    assert.deepEqual(rows.map((r) => ({ id: r.id, postCount: r.postCount, published: r.published, commentCount: r.commentCount, tagsUsed: r.tagsUsed, ratingSum: r.ratingSum, best: r.best })), expected);
    // Annotations along one relation (PostgreSQL joins and groups them; the others use subqueries).
    const along = await Author.objects.annotate({ postCount: Count('posts'), published: Count('posts', { filter: Q({ posts__status: 'published' }) }), ratingSum: Sum('posts__rating') }).orderBy('id');
    assert.deepEqual(along.map((r) => [r.id, r.postCount, r.published, r.ratingSum]), expected.map((e) => [e.id, e.postCount, e.published, e.ratingSum]));
    // Filtering and ordering by an annotation.
    const busy = await Author.objects.annotate({ postCount: Count('posts') }).filter({ postCount__gte: 2 }).orderBy('-postCount', 'id');
    const reference = [...expected].filter((e) => e.postCount >= 2).sort((a, b) => b.postCount - a.postCount || a.id - b.id);
    assert.deepEqual(busy.map((a) => a.id), reference.map((e) => e.id));
  }), { numRuns: 25 });
});

test('aggregate() sums over the queryset, and across relations over the rows it leads to', async () => {
  await fc.assert(fc.asyncProperty(world, async (w) => {
    const { posts } = await build(w);
    const published = posts.filter((p) => p.published);
    const result = await Post.objects.filter({ status: 'published' }).aggregate({
      n: Count('id'),
      total: Sum('price'),
      average: Avg('rating'),
      lowest: Min('rating'),
      comments: Count('comment'),
      tags: Count('tags', { distinct: true }),
      all: Count('*'),
    });
    const ratings = published.map((p) => p.rating).filter((r): r is number => r !== null);
    const prices = published.map((p) => p.cents).filter((c): c is number => c !== null);
    assert.equal(result.n, published.length);
    assert.equal(result.all, published.length);
    assert.equal(result.total === null ? null : Number(result.total), prices.length === 0 ? null : Number(cents(prices.reduce((a, b) => a + b, 0))));
    assert.equal(result.average === null ? null : Math.round(result.average * 1e6) / 1e6, ratings.length === 0 ? null : Math.round((ratings.reduce((a, b) => a + b, 0) / ratings.length) * 1e6) / 1e6);
    assert.equal(result.lowest, ratings.length === 0 ? null : Math.min(...ratings));
    assert.equal(result.comments, published.reduce((n, p) => n + p.comments, 0));
    assert.equal(result.tags, new Set(published.flatMap((p) => p.tags)).size);
  }), { numRuns: 25 });
});

test('results are typed, and a bad aggregate fails before any SQL', async () => {
  const { n, total }: { n: number; total: number | null } = await Post.objects.aggregate({ n: Count('id'), total: Sum('rating') });
  assert.deepEqual([n, total], [0, null]);
  const [first] = await Author.objects.annotate({ postCount: Count('posts') }).slice(0, 1);
  const typed: number | undefined = first?.postCount;
  void typed;
  assert.throws(() => Author.objects.annotate({ postCount: Count('nope') }), /tb\.Author has no field or relation 'nope'/);
  assert.throws(() => Author.objects.annotate({ name: Count('posts') }), /already a field, a relation or an annotation/);
  assert.throws(() => Author.objects.annotate({ comments: Count('posts') }), /already a field, a relation or an annotation/);
  assert.throws(() => Author.objects.annotate({ total: Sum('posts__title') }), /tb\.Post\.title is not a number/);
  assert.throws(() => Author.objects.annotate({ own: Sum('age') }), /use aggregate\(\) for the whole queryset/);
  assert.throws(() => Author.objects.annotate({ postCount: Count('posts') }).filter({ postCount__icontains: 'x' }), /an annotation takes exact, gt, gte, lt or lte/);
});

test('rows in the trash count for nothing, across any number of relations', async () => {
  const shelf = await Shelf.objects.create({ name: 's' });
  const kept = await Book.objects.create({ shelf, pages: 10 });
  const trashed = await Book.objects.create({ shelf, pages: 90 });
  await Note.objects.create({ book: kept });
  await Note.objects.create({ book: trashed });
  await trashed.delete();
  const [row] = await Shelf.objects.annotate({ bookCount: Count('books'), pageSum: Sum('books__pages'), noteCount: Count('books__notes') });
  assert.deepEqual([row!.bookCount, row!.pageSum, row!.noteCount], [1, 10, 1]);
  assert.deepEqual(await Shelf.objects.aggregate({ books: Count('books'), notes: Count('books__notes') }), { books: 1, notes: 1 });
});

test('values().annotate() groups by the values (GROUP BY, HAVING), and aggregates across relations never multiply', async () => {
  await fc.assert(fc.asyncProperty(world, async (w) => {
    const { authors, posts } = await build(w);
    const byStatus = await Post.objects.values('status').annotate({ n: Count('id'), ratings: Sum('rating'), comments: Count('comment') }).orderBy('status');
    const statuses = [...new Set(posts.map((p) => (p.published ? 'published' : 'draft')))].sort();
    assert.deepEqual(byStatus, statuses.map((status) => {
      const group = posts.filter((p) => (p.published ? 'published' : 'draft') === status);
      const ratings = group.map((p) => p.rating).filter((r): r is number => r !== null);
      return { status, n: group.length, ratings: ratings.length === 0 ? null : ratings.reduce((a, b) => a + b, 0), comments: group.reduce((n, p) => n + p.comments, 0) };
    }));
    // Across a relation, every author counts: those without posts count 0 (a LEFT JOIN).
    const perAuthor = await Author.objects.values('name').annotate({ postCount: Count('posts'), tagged: Count('posts__tags'), best: Max('posts__rating'), mean: Avg('posts__rating') }).orderBy('name');
    assert.deepEqual(perAuthor.map((r) => ({ ...r, mean: r.mean === null ? null : Math.round(r.mean * 1e6) / 1e6 })), authors.map((a) => {
      const own = posts.filter((p) => p.authorId === a.id);
      const ratings = own.map((p) => p.rating).filter((r): r is number => r !== null);
      const mean = ratings.length === 0 ? null : Math.round((ratings.reduce((x, y) => x + y, 0) / ratings.length) * 1e6) / 1e6;
      return { name: a.name, postCount: own.length, tagged: own.reduce((n, p) => n + p.tags.length, 0), best: ratings.length === 0 ? null : Math.max(...ratings), mean };
    }).sort((x, y) => x.name.localeCompare(y.name)));
    // A condition on an aggregate is HAVING; on a field, WHERE.
    const busy = await Post.objects.filter({ status: 'published' }).values('author__name').annotate({ n: Count('id') }).filter({ n__gte: 2 }).orderBy('-n', 'author__name');
    const counts = new Map<string, number>();
    for (const p of posts.filter((x) => x.published)) {
      const name = authors.find((a) => a.id === p.authorId)!.name;
      counts.set(name, (counts.get(name) ?? 0) + 1);
    }
    assert.deepEqual(busy, [...counts].filter(([, n]) => n >= 2).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([name, n]) => ({ author__name: name, n })));
  }), { numRuns: 20 });
});

test('distinct values across a relation cannot be added up group by group, and are refused', () => {
  assert.throws(() => Author.objects.values('name').annotate({ tagged: Count('posts__tags', { distinct: true }) }), /do not add up group by group/);
});

test('Exists() and Subquery() with OuterRef() read the row around them', async () => {
  await fc.assert(fc.asyncProperty(world, async (w) => {
    const { posts } = await build(w);
    const commented = posts.filter((p) => p.comments > 0).map((p) => p.id).sort((a, b) => a - b);
    const withComments = Exists(Comment.objects.filter({ post: OuterRef('pk') }));
    assert.deepEqual((await Post.objects.filter(withComments).orderBy('id')).map((p) => p.id), commented);
    assert.deepEqual((await Post.objects.exclude(withComments).orderBy('id')).map((p) => p.id), posts.map((p) => p.id).filter((id) => !commented.includes(id)).sort((a, b) => a - b));
    assert.deepEqual((await Post.objects.filter(withComments.not(), Q({ status: 'published' })).orderBy('id')).map((p) => p.id),
      posts.filter((p) => p.comments === 0 && p.published).map((p) => p.id).sort((a, b) => a - b));
    // Each author's best-rated posts: the rating equals the highest among the author's posts.
    const best = Subquery(Post.objects.filter({ author: OuterRef('author'), rating__isnull: false }).orderBy('-rating').valuesList('rating', { flat: true }).slice(0, 1));
    const top = (await Post.objects.filter({ rating: best }).orderBy('id')).map((p) => p.id);
    const expected = posts.filter((p) => p.rating !== null && p.rating === Math.max(...posts.filter((q) => q.authorId === p.authorId && q.rating !== null).map((q) => q.rating!))).map((p) => p.id).sort((a, b) => a - b);
    assert.deepEqual(top, expected);
  }), { numRuns: 20 });
  assert.throws(() => Subquery(Post.objects.all() as never), /one field of its own model/);
});

test('annotate() takes values computed per row: F() arithmetic, Exists(), Subquery(); filter and order by them', async () => {
  await fc.assert(fc.asyncProperty(world, async (w) => {
    const { posts } = await build(w);
    const rows = await Post.objects.annotate({
      doubled: F('rating').mul(2),
      hasComments: Exists(Comment.objects.filter({ post: OuterRef('pk') })),
      authorName: Subquery(Author.objects.filter({ id: OuterRef('author') }).valuesList('name', { flat: true })),
    }).orderBy('id');
    assert.deepEqual(rows.map((r) => [r.id, r.doubled, r.hasComments, r.authorName]), [...posts].sort((a, b) => a.id - b.id).map((p) => [p.id, p.rating === null ? null : p.rating * 2, p.comments > 0, `a${w.posts.find((_, i) => posts[i]!.id === p.id)!.author % w.authors}`]));
    const flagged = await Post.objects.annotate({ hasComments: Exists(Comment.objects.filter({ post: OuterRef('pk') })) }).filter({ hasComments: true }).orderBy('id');
    assert.deepEqual(flagged.map((p) => p.id), posts.filter((p) => p.comments > 0).map((p) => p.id).sort((a, b) => a - b));
    const typed: boolean | undefined = flagged[0]?.hasComments;
    void typed;
  }), { numRuns: 15 });
  assert.throws(() => Post.objects.values('status').annotate({ x: F('rating') }), /after values\(\), annotate with aggregates/);
});
