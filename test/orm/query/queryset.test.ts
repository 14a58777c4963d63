import { beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FieldError, ObjectDoesNotExist, MultipleObjectsReturned, Q, QueryUsageError, ValidationError } from '../../../src/index.ts';
import { Author, Post, Comment, seedBlog } from '../../support/blog.ts';
import { captureQueries, withSeededDatabase } from '../../support/database.ts';

const seeded = withSeededDatabase(seedBlog);
let blog: Awaited<ReturnType<typeof seedBlog>>;
beforeEach(() => {
  blog = seeded();
});

const titles = async (qs: PromiseLike<Array<{ title: string }>>) => (await qs).map((p) => p.title).sort();

describe('lookups', () => {
  test('exact, iexact and the text lookups, case-sensitive where Django is', async () => {
    assert.deepEqual(await titles(Post.objects.filter({ title: 'Hello World' })), ['Hello World']);
    assert.deepEqual(await titles(Post.objects.filter({ title: 'hello world' })), []);
    assert.deepEqual(await titles(Post.objects.filter({ title__iexact: 'hello WORLD' })), ['Hello World']);
    assert.deepEqual(await titles(Post.objects.filter({ title__contains: 'World' })), ['Hello World']);
    assert.deepEqual(await titles(Post.objects.filter({ title__contains: 'world' })), []);
    assert.deepEqual(await titles(Post.objects.filter({ title__icontains: 'WORLD' })), ['Hello World']);
    assert.deepEqual(await titles(Post.objects.filter({ title__startswith: 'Dr' })), ['Draft notes']);
    assert.deepEqual(await titles(Post.objects.filter({ title__istartswith: 'dr' })), ['Draft notes']);
    assert.deepEqual(await titles(Post.objects.filter({ title__endswith: 'notes' })), ['Draft notes']);
    assert.deepEqual(await titles(Post.objects.filter({ title__iendswith: 'NOTES' })), ['Draft notes']);
  });

  test('wildcard characters in values match themselves', async () => {
    assert.deepEqual(await titles(Post.objects.filter({ title__contains: '100%' })), ['Bob on 100% cotton_wool']);
    assert.deepEqual(await titles(Post.objects.filter({ title__contains: '%' })), ['Bob on 100% cotton_wool']);
    assert.deepEqual(await titles(Post.objects.filter({ title__icontains: '_' })), ['Bob on 100% cotton_wool']);
    assert.deepEqual(await titles(Post.objects.filter({ title__contains: 'n_w' })), ['Bob on 100% cotton_wool']);
    assert.deepEqual(await titles(Post.objects.filter({ title__contains: 'n*' })), []);
    assert.deepEqual(await titles(Post.objects.filter({ title__icontains: 'o%w' })), []);
  });

  test('comparisons, in, range and isnull', async () => {
    assert.deepEqual(await titles(Post.objects.filter({ rating__gt: 2 })), ['Hello World']);
    assert.deepEqual(await titles(Post.objects.filter({ rating__gte: 2 })), ['Draft notes', 'Hello World']);
    assert.deepEqual(await titles(Post.objects.filter({ rating__lt: 4.5 })), ['Draft notes']);
    assert.deepEqual(await titles(Post.objects.filter({ rating__lte: 4.5, rating__gt: 2 })), ['Hello World']);
    assert.deepEqual(await titles(Post.objects.filter({ rating__range: [1, 3] })), ['Draft notes']);
    assert.deepEqual(await titles(Post.objects.filter({ rating__isnull: true })), ['Bob on 100% cotton_wool']);
    assert.deepEqual(await titles(Post.objects.filter({ rating: null })), ['Bob on 100% cotton_wool']);
    assert.deepEqual(await titles(Post.objects.filter({ id__in: [blog.hello.id, blog.bobs.id] })), ['Bob on 100% cotton_wool', 'Hello World']);
    assert.deepEqual(await titles(Post.objects.filter({ price__gte: '10' })), ['Bob on 100% cotton_wool']);
    assert.deepEqual(await titles(Post.objects.filter({ publishedOn__lt: '2025-01-01' })), ['Hello World']);
    assert.deepEqual(await titles(Post.objects.filter({ published: true })), ['Hello World']);
  });

  test('an empty in-list matches nothing and sends no query', async () => {
    let result: unknown[] = [];
    const queries = await captureQueries(async () => {
      result = await Post.objects.filter({ id__in: [] });
    });
    assert.deepEqual(result, []);
    assert.equal(queries.length, 0);
    assert.equal(await Post.objects.exclude({ id__in: [] }).count(), 3);
  });

  test('dates and times compare in UTC on every database', async () => {
    const cutoff = new Date(Date.now() + 60_000);
    assert.equal(await Post.objects.filter({ createdAt__lt: cutoff }).count(), 3);
    assert.equal(await Post.objects.filter({ createdAt__gt: cutoff }).count(), 0);
    const moment = new Date('2024-05-06T07:08:09.123Z');
    await Post.objects.filter({ id: blog.draft.id }).update({ createdAt: moment });
    const reread = await Post.objects.get({ id: blog.draft.id });
    assert.equal(reread.createdAt.toISOString(), '2024-05-06T07:08:09.123Z');
    assert.equal(await Post.objects.filter({ createdAt: moment }).count(), 1);
  });
});

describe('Q, exclude and combinations', () => {
  test('Q with or, and and not', async () => {
    const q = Q({ status: 'draft' }).or({ author__email__endswith: '@example.org' });
    assert.deepEqual(await titles(Post.objects.filter(q)), ['Bob on 100% cotton_wool', 'Draft notes']);
    assert.deepEqual(await titles(Post.objects.filter(q.not())), ['Hello World']);
    assert.deepEqual(await titles(Post.objects.filter(Q({ status: 'published' }).and({ rating__isnull: false }))), ['Hello World']);
    assert.ok(q instanceof Q);
  });

  test('exclude keeps rows whose compared nullable column is NULL, as Django does', async () => {
    assert.deepEqual(await titles(Post.objects.exclude({ rating__gt: 3 })), ['Bob on 100% cotton_wool', 'Draft notes']);
    assert.deepEqual(await titles(Post.objects.exclude({ editor__name: 'Bob' })), ['Bob on 100% cotton_wool', 'Hello World']);
    const ages = (await Author.objects.exclude({ age: 31 })).map((a) => a.name).sort();
    assert.deepEqual(ages, ['Bob', 'Cy']);
  });

  test('filter and exclude chain, and querysets are immutable', async () => {
    const base = Post.objects.filter({ author: blog.ann });
    const drafts = base.filter({ status: 'draft' });
    assert.deepEqual(await titles(base), ['Draft notes', 'Hello World']);
    assert.deepEqual(await titles(drafts), ['Draft notes']);
    assert.deepEqual(await titles(base.exclude({ status: 'draft' })), ['Hello World']);
  });

  test('building a queryset runs no query; awaiting it does', async () => {
    const queries = await captureQueries(async () => {
      Post.objects.filter({ status: 'draft' }).orderBy('-id').exclude({ title: 'x' });
    });
    assert.equal(queries.length, 0);
    const more = await captureQueries(async () => void (await Post.objects.filter({ status: 'draft' })));
    assert.equal(more.length, 1);
  });
});

describe('ordering, slicing and single rows', () => {
  test('orderBy ascending, descending and across a relation', async () => {
    const byTitle = (await Post.objects.orderBy('title')).map((p) => p.title);
    assert.deepEqual(byTitle, ['Bob on 100% cotton_wool', 'Draft notes', 'Hello World']);
    const byTitleDesc = (await Post.objects.orderBy('-title')).map((p) => p.title);
    assert.deepEqual(byTitleDesc, [...byTitle].reverse());
    const byAuthor = (await Post.objects.orderBy('-author__name', 'title')).map((p) => p.title);
    assert.deepEqual(byAuthor, ['Bob on 100% cotton_wool', 'Draft notes', 'Hello World']);
  });

  test('slice, first and last', async () => {
    const ordered = Post.objects.orderBy('title');
    assert.deepEqual((await ordered.slice(1, 2)).map((p) => p.title), ['Draft notes']);
    assert.deepEqual((await ordered.slice(1)).map((p) => p.title), ['Draft notes', 'Hello World']);
    assert.deepEqual((await ordered.slice(1, 3).slice(1)).map((p) => p.title), ['Hello World']);
    assert.equal(await ordered.slice(0, 2).count(), 2);
    assert.equal(await ordered.slice(2, 10).count(), 1);
    assert.equal((await ordered.first())?.title, 'Bob on 100% cotton_wool');
    assert.equal((await ordered.last())?.title, 'Hello World');
    assert.equal((await Post.objects.first())?.id, blog.hello.id);
    assert.equal((await Post.objects.last())?.id, blog.bobs.id);
    assert.equal(await Post.objects.filter({ title: 'none' }).first(), null);
  });

  test('filtering after a slice is refused', () => {
    assert.throws(() => Post.objects.slice(0, 1).filter({ title: 'x' }), QueryUsageError);
    assert.throws(() => Post.objects.slice(-1), QueryUsageError);
  });

  test('get finds one row or throws the model-specific errors', async () => {
    assert.equal((await Post.objects.get({ id: blog.hello.id })).title, 'Hello World');
    await assert.rejects(Post.objects.get({ id: 999_999 }), (e: unknown) => {
      assert.ok(e instanceof Post.DoesNotExist);
      assert.ok(e instanceof ObjectDoesNotExist);
      assert.ok(!(e instanceof Author.DoesNotExist));
      assert.equal((e as Error).message, 'Post matching query does not exist.');
      return true;
    });
    await assert.rejects(Post.objects.get({ author: blog.ann }), (e: unknown) => {
      assert.ok(e instanceof Post.MultipleObjectsReturned);
      assert.ok(e instanceof MultipleObjectsReturned);
      assert.match((e as Error).message, /returned more than one Post -- it returned 2!/);
      return true;
    });
  });

  test('count and exists', async () => {
    assert.equal(await Post.objects.count(), 3);
    assert.equal(await Post.objects.filter({ status: 'draft' }).count(), 1);
    assert.equal(await Post.objects.filter({ status: 'draft' }).exists(), true);
    assert.equal(await Post.objects.filter({ status: 'gone' }).exists(), false);
    assert.equal(await Post.objects.none().count(), 0);
  });
});

describe('values, update, iteration', () => {
  test('values returns plain objects, across relations too', async () => {
    const rows = await Post.objects.filter({ author: blog.ann }).orderBy('title').values('title', 'status');
    assert.deepEqual(rows, [{ title: 'Draft notes', status: 'draft' }, { title: 'Hello World', status: 'published' }]);
    const joined = await Comment.objects.orderBy('id').values('text', 'post__author__name');
    assert.deepEqual(joined[0], { text: 'Nice', post__author__name: 'Ann' });
    const all = await Author.objects.filter({ name: 'Ann' }).values();
    assert.deepEqual(Object.keys(all[0]!).sort(), ['age', 'bio', 'email', 'id', 'name']);
  });

  test('update is one statement and returns the number of rows', async () => {
    let n = 0;
    const queries = await captureQueries(async () => {
      n = await Post.objects.filter({ author__name: 'Ann' }).update({ status: 'archived', rating: 1 });
    });
    assert.equal(n, 2);
    assert.equal(queries.length, 1);
    assert.equal(await Post.objects.filter({ status: 'archived', rating: 1 }).count(), 2);
    assert.equal(await Post.objects.filter({ author: blog.bob }).update({ editor: blog.cy }), 1);
    assert.equal((await Post.objects.get({ id: blog.bobs.id })).editorId, blog.cy.id);
  });

  test('for await streams in chunks, each chunk one query', async () => {
    await Author.objects.bulkCreate(Array.from({ length: 25 }, (_, i) => ({ name: `A${i}`, email: `a${i}@x.io` })));
    const seen: string[] = [];
    const queries = await captureQueries(async () => {
      for await (const author of Author.objects.iterator({ chunkSize: 10 })) seen.push(author.name);
    });
    assert.equal(seen.length, 28);
    assert.equal(new Set(seen).size, 28);
    assert.equal(queries.length, 3);
    const ordered: string[] = [];
    for await (const a of Author.objects.orderBy('-name').iterator({ chunkSize: 7 })) ordered.push(a.name);
    assert.equal(ordered.length, 28, 'every author, in chunks of 7');
    assert.deepEqual(ordered, [...ordered].sort().reverse());
    const plain: string[] = [];
    for await (const p of Post.objects.filter({ status: 'published' }).orderBy('title')) plain.push(p.title);
    assert.deepEqual(plain, (await Post.objects.filter({ status: 'published' }).orderBy('title')).map((p) => p.title));
    assert.equal(plain.length, 2);
  });

  test('the loop body may run queries while iterating', async () => {
    let n = 0;
    for await (const post of Post.objects.iterator({ chunkSize: 1 })) {
      n += await Comment.objects.filter({ post }).count();
    }
    assert.equal(n, 3);
  });
});

describe('errors before SQL', () => {
  test('unknown fields and lookups are FieldErrors naming them, and no SQL runs', async () => {
    const queries = await captureQueries(async () => {
      assert.throws(() => Post.objects.filter({ titel: 'x' } as never), (e: unknown) => e instanceof FieldError && /'titel'/.test((e as Error).message) && /Choices are: .*title/.test((e as Error).message));
      assert.throws(() => Post.objects.filter({ title__icontans: 'x' } as never), (e: unknown) => e instanceof FieldError && /icontans/.test((e as Error).message));
      assert.throws(() => Post.objects.filter({ author__nmae: 'x' } as never), (e: unknown) => e instanceof FieldError && /author__nmae/.test((e as Error).message));
      assert.throws(() => Post.objects.orderBy('nope' as string), FieldError);
      assert.throws(() => Post.objects.values('nope' as never), FieldError);
      assert.throws(() => Post.objects.selectRelated('tags' as string), FieldError);
      await assert.rejects(Post.objects.update({ nope: 1 } as never), FieldError);
    });
    assert.equal(queries.length, 0);
  });

  test('wrong value types are refused with the field name', async () => {
    const queries = await captureQueries(async () => {
      assert.throws(() => Post.objects.filter({ rating: 'high' as never }), (e: unknown) => e instanceof ValidationError && /tb\.Post\.rating/.test((e as Error).message));
      assert.throws(() => Post.objects.filter({ id: 'abc' as never }), (e: unknown) => e instanceof ValidationError && /tb\.Post\.id/.test((e as Error).message));
      assert.throws(() => Post.objects.filter({ published: 'yes' as never }), ValidationError);
      assert.throws(() => Post.objects.filter({ rating__in: 3 as never }), ValidationError);
      assert.throws(() => Post.objects.filter({ rating__isnull: 'no' as never }), ValidationError);
      await assert.rejects(Post.objects.create({ title: 42 as never, author: blog.ann }), (e: unknown) => e instanceof ValidationError && /tb\.Post\.title/.test((e as Error).message));
      await assert.rejects(Post.objects.create({ title: 'x'.repeat(201), author: blog.ann }), /at most 200 characters/);
    });
    assert.equal(queries.length, 0);
  });

  test('an id given as a digit string is accepted, as from a URL', async () => {
    assert.equal((await Post.objects.get({ id: String(blog.hello.id) as never })).title, 'Hello World');
  });
});
