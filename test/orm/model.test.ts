import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { model, fields as f, getModel, FieldError, IntegrityError, QueryUsageError, Model, type Database } from '../../src/index.ts';
import { Author, Comment, Post, Tag, seedBlog } from '../support/blog.ts';
import { BACKEND, captureQueries, setupDatabase } from '../support/database.ts';

let db: Database;
before(async () => {
  db = await setupDatabase();
});
beforeEach(() => db.flush());
after(() => db.close());

async function indexedColumns(table: string): Promise<string[]> {
  if (BACKEND === 'postgres') {
    const { rows } = await sql<{ indexdef: string }>`select indexdef from pg_indexes where tablename = ${table}`.execute(db.kysely);
    return rows.map((r) => r.indexdef.replace(/^.*\((.*)\)$/, '$1').replaceAll('"', ''));
  }
  if (BACKEND === 'mariadb') {
    const { rows } = await sql<{ Column_name: string }>`show index from ${sql.table(table)}`.execute(db.kysely);
    return rows.map((r) => r.Column_name);
  }
  const { rows } = await sql<{ name: string }>`select name from pragma_index_list(${table})`.execute(db.kysely);
  const columns: string[] = [];
  for (const { name } of rows) {
    const info = await sql<{ name: string }>`select name from pragma_index_info(${name})`.execute(db.kysely);
    columns.push(info.rows.map((r) => r.name).join(', '));
  }
  return columns;
}

describe('defining models', () => {
  test('tables are app_model, columns snake_case, foreign keys <name>_id', () => {
    assert.equal(Post.meta.table, 'tb_post');
    assert.equal(Post.meta.field('publishedOn')?.column, 'published_on');
    assert.equal(Post.meta.field('author')?.column, 'author_id');
    assert.equal(Post.meta.field('authorId'), Post.meta.field('author'));
    assert.equal(Post.meta.field('tags')?.column, undefined);
    assert.equal(getModel('tb.Post_tags').table, 'tb_post_tags');
    assert.deepEqual(getModel('tb.Post_tags').concreteFields.map((f) => f.column), ['id', 'post_id', 'tag_id']);
    assert.equal(getModel('tb.Post'), Post.meta);
  });

  test('every foreign key has an index and a real constraint', async () => {
    assert.ok((await indexedColumns('tb_post')).includes('author_id'));
    assert.ok((await indexedColumns('tb_post')).includes('editor_id'));
    assert.ok((await indexedColumns('tb_comment')).includes('post_id'));
    await assert.rejects(Comment.objects.create({ postId: 123_456, text: 'orphan' }), IntegrityError);
  });

  test('clear errors for bad definitions', () => {
    assert.throws(() => model('tb.Author', { name: f.char({ maxLength: 1 }) }), /already defined/);
    assert.throws(() => model('nodot', {}), /'app\.Model'/);
    const shared = f.char({ maxLength: 5 });
    model('tm.One', { a: shared });
    assert.throws(() => model('tm.Two', { a: shared }), /already belongs to tm\.One\.a/);
    assert.throws(() => model('tm.Three', { bad: 'x' as never }), /not a field/);
    assert.throws(() => f.char({} as never), /maxLength/);
    assert.throws(() => f.foreignKey(() => Author, {} as never), /onDelete/);
  });
});

describe('instances', () => {
  test('save inserts, then updates; toString and toJSON', async () => {
    const author = new Author({ name: 'Dee', email: 'dee@example.com' });
    assert.equal(author.id, null);
    await author.save();
    assert.equal(typeof author.id, 'number');
    author.name = 'Dee Dee';
    const queries = await captureQueries(() => author.save());
    assert.equal(queries.length, 1);
    assert.match(queries[0]!.sql, /^update/i);
    assert.equal((await Author.objects.get({ id: author.id })).name, 'Dee Dee');
    assert.equal(String(author), `Author object (${author.id})`);
    assert.deepEqual(author.toJSON(), { id: author.id, name: 'Dee Dee', email: 'dee@example.com', age: null, bio: '' });
  });

  test('queries build instances of the user class, with its methods', async () => {
    const { hello } = await seedBlog();
    const post = await Post.objects.get({ id: hello.id });
    assert.ok(post instanceof Post);
    assert.ok(post instanceof Model);
    assert.equal(String(post), 'Hello World');
  });

  test('save with updateFields writes only those columns', async () => {
    const { ann } = await seedBlog();
    ann.name = 'Changed';
    ann.bio = 'not saved';
    await ann.save({ updateFields: ['name'] });
    const row = await Author.objects.get({ id: ann.id });
    assert.equal(row.name, 'Changed');
    assert.equal(row.bio, '');
    await assert.rejects(ann.save({ updateFields: ['nope'] }), FieldError);
  });

  test('refreshFromDb reloads values', async () => {
    const { ann } = await seedBlog();
    await Author.objects.filter({ id: ann.id }).update({ name: 'Elsewhere' });
    assert.equal(ann.name, 'Ann');
    await ann.refreshFromDb();
    assert.equal(ann.name, 'Elsewhere');
  });

  test('the constructor refuses unknown fields and many-to-many values', () => {
    assert.throws(() => new Author({ nmae: 'x' } as never), /unexpected field 'nmae'/);
    assert.throws(() => new Post({ tags: [] } as never), /many-to-many/);
  });

  test('assigning a related object sets its id; an unsaved one is refused', async () => {
    const { ann, bob, hello } = await seedBlog();
    hello.author = bob;
    assert.equal(hello.authorId, bob.id);
    assert.equal(hello.author.name, 'Bob');
    await hello.save();
    assert.equal((await Post.objects.get({ id: hello.id })).authorId, bob.id);
    assert.throws(() => (hello.author = new Author({ name: 'n', email: 'n@x.io' })), /unsaved Author/);
    hello.authorId = ann.id;
    assert.throws(() => hello.author, /not loaded/);
  });
});

describe('manager shortcuts', () => {
  test('getOrCreate and updateOrCreate', async () => {
    const [a, created] = await Tag.objects.getOrCreate({ name: 'x' });
    assert.equal(created, true);
    const [b, again] = await Tag.objects.getOrCreate({ name: 'x' });
    assert.equal(again, false);
    assert.equal(a.id, b.id);
    const [author, made] = await Author.objects.updateOrCreate({ email: 'z@x.io' }, { name: 'Zed' });
    assert.equal(made, true);
    const [same, madeAgain] = await Author.objects.updateOrCreate({ email: 'z@x.io' }, { name: 'Zed II' });
    assert.equal(madeAgain, false);
    assert.equal(same.id, author.id);
    assert.equal((await Author.objects.get({ id: author.id })).name, 'Zed II');
  });

  test('bulkCreate inserts in batches and sets ids', async () => {
    const rows = Array.from({ length: 250 }, (_, i) => ({ name: `t${i}` }));
    let tags: Awaited<ReturnType<typeof Tag.objects.bulkCreate>> = [];
    const queries = await captureQueries(async () => {
      tags = await Tag.objects.bulkCreate(rows, { batchSize: 100 });
    });
    assert.equal(queries.filter((q) => /^insert/i.test(q.sql)).length, 3);
    assert.equal(new Set(tags.map((t) => t.id)).size, 250);
    const byId = await Tag.objects.filter({ id__in: tags.map((t) => t.id) }).values('id', 'name');
    const names = new Map(byId.map((r) => [r.id, r.name]));
    for (const tag of tags) assert.equal(names.get(tag.id), tag.name);
  });
});

describe('plain delete', () => {
  test('an instance delete removes its row and its many-to-many links, and clears its id', async () => {
    const { hello, news } = await seedBlog();
    await Comment.objects.filter({ post: hello }).delete();
    const result = await hello.delete();
    assert.deepEqual(result, { total: 3, byModel: { 'tb.Post': 1, 'tb.Post_tags': 2 } });
    assert.equal(hello.id, null);
    assert.equal(await news.posts.count(), 0);
    await assert.rejects(new Author({ name: 'x', email: 'x@x.io' }).delete(), QueryUsageError);
  });

  test('a queryset delete returns counts per model', async () => {
    await seedBlog();
    const result = await Comment.objects.filter({ text__in: ['Nice', 'Soft'] }).delete();
    assert.deepEqual(result, { total: 2, byModel: { 'tb.Comment': 2 } });
    assert.equal(await Comment.objects.count(), 1);
    await assert.rejects(Comment.objects.all().slice(0, 1).delete(), QueryUsageError);
    await assert.rejects(Comment.objects.values('text').delete(), QueryUsageError);
  });
});
