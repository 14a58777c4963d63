import { beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { QueryUsageError, RelationNotLoadedError } from '../../../src/index.ts';
import { Author, Category, Comment, Group, Membership, Person, Post, Profile, Tag, seedBlog } from '../../support/blog.ts';
import { captureQueries, withSeededDatabase } from '../../support/database.ts';

const seeded = withSeededDatabase(seedBlog);
let blog: Awaited<ReturnType<typeof seedBlog>>;
beforeEach(() => {
  blog = seeded();
});

const names = (rows: Array<{ name: string }>) => rows.map((r) => r.name).sort();

describe('lookups across relations', () => {
  test('forward foreign keys, by object, by id and by field', async () => {
    assert.equal(await Post.objects.filter({ author: blog.ann }).count(), 2);
    assert.equal(await Post.objects.filter({ authorId: blog.ann.id }).count(), 2);
    assert.equal(await Post.objects.filter({ author__id: blog.ann.id }).count(), 2);
    assert.equal(await Post.objects.filter({ author__in: [blog.ann, blog.bob] }).count(), 3);
    assert.equal(await Post.objects.filter({ author__name__startswith: 'B' }).count(), 1);
    assert.equal(await Comment.objects.filter({ post__author__email: 'ann@example.com' }).count(), 2);
    assert.equal(await Post.objects.filter({ editor__isnull: true }).count(), 2);
  });

  test('reverse foreign keys, by related name and by default query name', async () => {
    assert.deepEqual(names(await Author.objects.filter({ posts__title: 'Hello World' })), ['Ann']);
    assert.deepEqual(names(await Author.objects.filter({ posts__status: 'published' })), ['Ann', 'Bob']);
    assert.deepEqual(names(await Author.objects.filter({ posts__isnull: true })), ['Cy']);
    assert.deepEqual(names(await Author.objects.filter({ posts__isnull: false })), ['Ann', 'Bob']);
    assert.deepEqual((await Post.objects.filter({ comment__text: 'Soft' })).map((p) => p.title), ['Bob on 100% cotton_wool']);
    assert.deepEqual(names(await Author.objects.filter({ posts__comment__text: 'Nice' })), ['Ann']);
    assert.deepEqual(names(await Author.objects.exclude({ posts__status: 'draft' })), ['Bob', 'Cy']);
  });

  test('conditions in one filter() on a multi-valued relation refer to the same row', async () => {
    // Ann has a published post and a post rated 2, but no single published post rated 2.
    assert.deepEqual(names(await Author.objects.filter({ posts__status: 'published', posts__rating: 2 })), []);
    assert.deepEqual(names(await Author.objects.filter({ posts__status: 'published' }).filter({ posts__rating: 2 })), ['Ann']);
  });

  test('many-to-many both ways', async () => {
    assert.deepEqual((await Post.objects.filter({ tags__name: 'tech' }).orderBy('id')).map((p) => p.title), ['Hello World', 'Bob on 100% cotton_wool']);
    assert.deepEqual(names(await Tag.objects.filter({ posts__author: blog.bob })), ['tech']);
    assert.equal(await Post.objects.filter({ tags: blog.news }).count(), 1);
    assert.equal(await Post.objects.filter({ tags__isnull: true }).count(), 1);
  });

  test('self-referential relations', async () => {
    const root = await Category.objects.create({ name: 'root' });
    const child = await Category.objects.create({ name: 'child', parent: root });
    await Category.objects.create({ name: 'grandchild', parent: child });
    assert.deepEqual(names(await Category.objects.filter({ parent__name: 'root' })), ['child']);
    assert.deepEqual(names(await Category.objects.filter({ parent__parent__name: 'root' })), ['grandchild']);
    assert.deepEqual(names(await Category.objects.filter({ children__name: 'child' })), ['root']);
    assert.deepEqual(names(await root.children.all()), ['child']);
  });
});

describe('reverse and many-to-many managers', () => {
  test('a reverse manager queries, counts and creates', async () => {
    assert.deepEqual((await blog.ann.posts.orderBy('title')).map((p) => p.title), ['Draft notes', 'Hello World']);
    assert.equal(await blog.ann.posts.filter({ status: 'draft' }).count(), 1);
    const made = await blog.cy.posts.create({ title: 'By Cy' });
    assert.equal(made.authorId, blog.cy.id);
    assert.equal(await blog.hello.commentSet.count(), 2);
  });

  test('add, remove, clear and set on a nullable reverse foreign key', async () => {
    await blog.cy.edited.add(blog.hello, blog.bobs);
    assert.equal(await blog.cy.edited.count(), 2);
    await blog.cy.edited.remove(blog.hello);
    assert.deepEqual((await blog.cy.edited.all()).map((p) => p.id), [blog.bobs.id]);
    await blog.cy.edited.set([blog.draft]);
    assert.deepEqual((await blog.cy.edited.all()).map((p) => p.id), [blog.draft.id]);
    await blog.cy.edited.clear();
    assert.equal(await blog.cy.edited.count(), 0);
    await assert.rejects(blog.ann.posts.clear(), QueryUsageError);
  });

  test('many-to-many add is idempotent; remove, set and clear change only links', async () => {
    assert.deepEqual(names(await blog.hello.tags.all()), ['news', 'tech']);
    await blog.hello.tags.add(blog.news, blog.tech);
    assert.equal(await blog.hello.tags.count(), 2);
    await blog.hello.tags.remove(blog.news);
    assert.deepEqual(names(await blog.hello.tags.all()), ['tech']);
    assert.deepEqual((await blog.news.posts.all()).map((p) => p.title), []);
    await blog.draft.tags.set([blog.news.id, blog.tech]);
    assert.deepEqual(names(await blog.draft.tags.all()), ['news', 'tech']);
    await blog.draft.tags.set([blog.tech]);
    assert.deepEqual(names(await blog.draft.tags.all()), ['tech']);
    await blog.draft.tags.clear();
    assert.equal(await blog.draft.tags.count(), 0);
    assert.equal(await Tag.objects.count(), 2);
    const made = await blog.draft.tags.create({ name: 'fresh' });
    assert.deepEqual(names(await blog.draft.tags.all()), ['fresh']);
    assert.deepEqual((await made.posts.all()).map((p) => p.title), ['Draft notes']);
  });

  test('an explicit through model carries extra fields', async () => {
    const club = await Group.objects.create({ name: 'club' });
    const pat = await Person.objects.create({ name: 'Pat' });
    await Membership.objects.create({ person: pat, group: club, role: 'chair' });
    assert.deepEqual(names(await club.members.all()), ['Pat']);
    assert.deepEqual(names(await pat.groups.all()), ['club']);
    assert.equal(await Person.objects.filter({ groups__name: 'club' }).count(), 1);
    const lee = await Person.objects.create({ name: 'Lee' });
    await club.members.add(lee);
    assert.equal((await Membership.objects.get({ person: lee })).role, 'member');
  });

  test('related managers of unsaved instances are refused', () => {
    const draft = new Author({ name: 'New', email: 'new@x.io' });
    assert.throws(() => draft.posts.all(), QueryUsageError);
  });
});

describe('loading related objects', () => {
  test('a foreign key is an error until loaded; load() fetches it', async () => {
    const post = await Post.objects.get({ id: blog.hello.id });
    assert.equal(post.authorId, blog.ann.id);
    assert.throws(() => post.author, RelationNotLoadedError);
    const author = await post.load('author');
    assert.equal(author.name, 'Ann');
    assert.equal(post.author.name, 'Ann');
    assert.equal(post.editor, null);
  });

  test('selectRelated joins in one query, nested and nullable', async () => {
    let comments: Awaited<ReturnType<typeof Comment.objects.all>> = [];
    const queries = await captureQueries(async () => {
      comments = await Comment.objects.selectRelated('post__author', 'by').orderBy('id');
    });
    assert.equal(queries.length, 1);
    assert.deepEqual(comments.map((c) => [c.text, c.post.title, c.post.author.name, c.by?.name ?? null]), [
      ['Nice', 'Hello World', 'Ann', 'Bob'],
      ['Thanks', 'Hello World', 'Ann', 'Ann'],
      ['Soft', 'Bob on 100% cotton_wool', 'Bob', null],
    ]);
  });

  test('prefetchRelated loads each relation with one query, and managers use the result', async () => {
    let authors: Awaited<ReturnType<typeof Author.objects.all>> = [];
    const queries = await captureQueries(async () => {
      authors = await Author.objects.orderBy('name').prefetchRelated('posts__tags', 'posts__commentSet');
    });
    assert.equal(queries.length, 1 + 1 + 2 + 1);
    const reads = await captureQueries(async () => {
      const ann = authors[0]!;
      const posts = await ann.posts.all();
      assert.deepEqual(posts.map((p) => p.title).sort(), ['Draft notes', 'Hello World']);
      const hello = posts.find((p) => p.title === 'Hello World')!;
      assert.deepEqual(names(await hello.tags.all()), ['news', 'tech']);
      assert.equal(await hello.commentSet.count(), 2);
      assert.equal(hello.author.name, 'Ann');
    });
    assert.equal(reads.length, 0);
  });

  test('prefetching a forward key and a reverse one-to-one', async () => {
    await Profile.objects.create({ author: blog.ann, website: 'https://ann.example' });
    const posts = await Post.objects.prefetchRelated('author').orderBy('id');
    assert.deepEqual(posts.map((p) => p.author.name), ['Ann', 'Ann', 'Bob']);
    const [ann, bob] = await Author.objects.prefetchRelated('profile').orderBy('name');
    assert.equal(ann!.profile.website, 'https://ann.example');
    assert.equal(bob!.profile, null);
  });

  test('load() on a reverse relation returns the objects', async () => {
    const posts = await blog.bob.load('posts');
    assert.equal(posts.length, 1);
    assert.equal(await blog.bob.posts.count(), 1);
  });
});
