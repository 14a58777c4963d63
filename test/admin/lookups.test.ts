/**
 * Changelist lookups are limited as Django's `lookup_allowed` limits them (issue 24, item 1): a
 * filter in the address is a question about the rows it reaches, so one across a relation lets
 * a user read what they may not view, a letter at a time. Over a real socket, on the blog: the
 * editor may view posts and comments, not authors.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Permission, User } from '../../src/auth/index.ts';
import { Author, Comment, Post, Tag } from '../../examples/blog/models.ts';
import { useBlogApp } from '../support/blog-app.ts';
import { confirmationFields, TestClient } from '../support/web.ts';

const { transports } = useBlogApp({ socket: true });
const overSocket = transports['over a socket']!;

const rowsOf = (html: string) => [...html.matchAll(/<th scope="row"><a href="\/admin\/blog\/post\/\d+\/change\/(?:\?_changelist_filters=[^"]*)?">([^<]*)<\/a>/g)].map((m) => m[1]);

async function as(username: string, password = username): Promise<TestClient> {
  const client = overSocket();
  await client.login(username, password, '/admin/login/');
  return client;
}

/** A staff member who may view posts and nothing else. */
async function poster(): Promise<TestClient> {
  const user = await User.createUser({ username: 'poster', password: 'poster-pass', isStaff: true });
  await user.userPermissions.add(await Permission.objects.get({ modelLabel: 'blog.Post', codename: 'view_post' }));
  return as('poster', 'poster-pass');
}

/** Lookups the post list refuses: each reads another model's columns, and listFilter names none of them. */
const REFUSED = [
  'author__email__startswith=an',
  'author__email=ann%40example.com',
  'author__name=Ann%20Archer',
  'author__name__isnull=false',
  'comments__text__startswith=Lo',
  'comments__author__email__contains=%40',
  'comments__post__title=x',
  'tags__name=news',
  'author__posts__title__icontains=draft',
];

/** Lookups the post list takes: its own columns, a relation's key or presence, the date hierarchy. */
const TAKEN = [
  'status__exact=draft',
  'title__icontains=trove',
  'author__id__exact=1',
  'author__pk=1',
  'author=1',
  'author__isnull=false',
  'comments__id__exact=1',
  'comments__isnull=true',
  'tags__id__in=1,2',
  'createdAt__year=2020',
  'createdAt__gte=2020-01-01',
];

describe('lookups the post list refuses and takes', () => {
  test('the editor cannot read authors\' e-mail addresses (or anything beyond a key) through the post list: a 400', async () => {
    const editor = await as('editor');
    for (const query of REFUSED) {
      const res = await editor.get(`/admin/blog/post/?${query}`);
      assert.equal(res.status, 400, query);
      assert.match(await res.text(), /Filtering by [a-z_]+ not allowed/, query);
    }
  });

  test('lookups on the model itself, a relation\'s key and the date hierarchy still filter', async () => {
    const admin = await as('admin');
    for (const query of TAKEN) assert.equal((await admin.get(`/admin/blog/post/?${query}`)).status, 200, query);
    const ann = await Author.objects.get({ name: 'Ann Archer' });
    const byAnn = await admin.page(`/admin/blog/post/?author__id__exact=${ann.id}`);
    assert.equal(rowsOf(byAnn.html).length, await Post.objects.filter({ author: ann }).count());
    const news = await Tag.objects.get({ name: 'news' });
    assert.deepEqual(new Set(rowsOf((await admin.page(`/admin/blog/post/?tags__id__exact=${news.id}`)).html)), new Set(['Welcome to Trove', 'Cascades explained']));
    assert.deepEqual(rowsOf((await admin.page('/admin/blog/post/?comments__isnull=true')).html).sort(), ['Another draft', 'Half-finished thoughts']);
  });

  test('a bad value for a lookup the list takes, or a name that is no field, is the plain list with ?e=1 (Django\'s IncorrectLookupParameters)', async () => {
    const admin = await as('admin');
    for (const query of ['id=abc', 'createdAt__gte=not-a-date', 'createdAt__year=abc', 'author__id__exact=x', 'nosuch=1', 'author__nosuch=1', 'title=%00', 'status__in=a%00b']) {
      const res = await admin.get(`/admin/blog/post/?${query}`);
      assert.equal(res.status, 302, query);
      assert.equal(res.headers.get('location'), '/admin/blog/post/?e=1', query);
    }
    assert.equal((await admin.get('/admin/blog/post/?id=abc&e=1')).status, 400, 'once it said so, a 400 rather than a loop');
    assert.match((await admin.page('/admin/blog/post/?e=1')).html, /were not valid; showing everything/);
  });

  test('a select-across action refuses the same lookups: nothing is deleted', async () => {
    const editor = await as('editor');
    await editor.page('/admin/blog/post/');
    const before = await Post.objects.count();
    for (const query of ['author__email__startswith=an', 'comments__text__icontains=first']) {
      const res = await editor.post(`/admin/blog/post/?${query}`, { action: 'delete_selected', index: '0', select_across: '1' });
      assert.equal(res.status, 400, query);
      const post = await editor.post(`/admin/blog/post/?${query}`, { action: 'delete_selected', index: '0', select_across: '1', post: 'yes', _changelist_filters: query });
      assert.equal(post.status, 400, query);
    }
    assert.equal(await Post.objects.count(), before);
  });

  test('the list\'s filters carried to a delete or change page (_changelist_filters) are checked before anything happens', async () => {
    const editor = await as('editor');
    const post = await Post.objects.get({ title: 'Another draft' });
    const filters = encodeURIComponent('author__email__startswith=an');
    assert.equal((await editor.get(`/admin/blog/post/${post.id}/delete/?_changelist_filters=${filters}`)).status, 400);
    assert.equal((await editor.get(`/admin/blog/post/${post.id}/change/?_changelist_filters=${filters}`)).status, 400);
    await editor.page(`/admin/blog/post/${post.id}/change/`);
    const deleted = await editor.post(`/admin/blog/post/${post.id}/delete/?_changelist_filters=${filters}`, { post: 'yes' });
    assert.equal(deleted.status, 400);
    assert.equal(await Post.objects.filter({ id: post.id }).exists(), true, 'not deleted');
    const changed = await editor.post(`/admin/blog/post/${post.id}/change/`, { title: 'Renamed', content: '', status: 'draft', author: String(post.authorId), _changelist_filters: 'author__email__startswith=an' });
    assert.equal(changed.status, 400);
    assert.equal((await Post.objects.get({ id: post.id })).title, 'Another draft', 'not saved');
    // Allowed filters still travel there and back.
    const fine = await editor.post(`/admin/blog/post/${post.id}/delete/?_changelist_filters=${encodeURIComponent('status__exact=draft')}`, { post: 'yes' });
    assert.equal(fine.status, 302);
    assert.equal(fine.headers.get('location'), '/admin/blog/post/?status__exact=draft');
  });

  test('a select-across delete with an allowed filter still works end to end', async () => {
    const editor = await as('editor');
    const url = '/admin/blog/post/?status__exact=draft';
    await editor.page(url);
    const fields = confirmationFields(await (await editor.post(url, { action: 'delete_selected', index: '0', select_across: '1' })).text());
    const res = await editor.post(url, fields);
    assert.equal(res.status, 302);
    assert.equal(await Post.objects.filter({ status: 'draft' }).count(), 0);
  });
});

// ---- a property: what the list shows never depends on what its user may not view ------------

/**
 * The blog's schema as a user sees it in lookups (written out here, not read from Trove): each
 * model's columns and where its relations lead, reverse ones included.
 */
const SCHEMA: Record<string, { columns: string[]; relations: Record<string, string> }> = {
  Post: { columns: ['title', 'content', 'status', 'createdAt', 'id', 'pk', 'authorId'], relations: { author: 'Author', tags: 'Tag', comments: 'Comment' } },
  Author: { columns: ['name', 'email', 'id', 'pk'], relations: { posts: 'Post', comment: 'Comment' } },
  Comment: { columns: ['text', 'id', 'pk'], relations: { post: 'Post', author: 'Author' } },
  Tag: { columns: ['name', 'id', 'pk'], relations: { posts: 'Post' } },
};
const LOOKUPS = ['', 'exact', 'iexact', 'startswith', 'istartswith', 'contains', 'icontains', 'endswith', 'gt', 'lt', 'gte', 'in', 'isnull', 'range', 'year', 'regex'];

/** A random walk from posts through the schema (each choice an index), a column or not at its end, a lookup, now and then a name that is no field. */
const lookupArb = fc.record({ choices: fc.array(fc.nat(), { minLength: 1, maxLength: 4 }), lookup: fc.constantFrom(...LOOKUPS), junk: fc.oneof({ arbitrary: fc.constant(null), weight: 8 }, { arbitrary: fc.constantFrom('nosuch', 'password', 'email', 'author'), weight: 1 }) })
  .map(({ choices, lookup, junk }) => {
    const names: string[] = [];
    let model = 'Post';
    for (const choice of choices) {
      const { columns, relations } = SCHEMA[model]!;
      const options = [...Object.keys(relations), ...columns];
      const name = options[choice % options.length]!;
      names.push(name);
      if (!(name in relations)) break;
      model = relations[name]!;
    }
    if (junk !== null) names.push(junk);
    if (lookup !== '') names.push(lookup);
    return names.join('__');
  });
/** Values that would tell the two worlds apart, were the filter run: prefixes of the secrets. */
const valueArb = fc.oneof(
  fc.constantFrom('a', 'an', 'ann', 'ann@', 'b', 'bo', 'Lo', 'Fi', 'V', 'First!', 'Looks great.', 'z', 'zed', '@', 'true', 'false', '1', '1,2', 'news', ''),
  fc.string({ maxLength: 6 }),
);

/** Two worlds that differ only in what the poster may not view: authors' e-mails and comments' text. */
async function world(which: 'A' | 'B'): Promise<void> {
  const authors = await Author.objects.orderBy('id');
  for (const [i, author] of authors.entries()) await Author.objects.filter({ id: author.id }).update({ email: which === 'A' ? `${author.name.split(' ')[0]!.toLowerCase()}@example.com` : `zed${i}@other.test` });
  const comments = await Comment.allObjects.orderBy('id');
  const texts = ['Looks great.', 'First!', 'Very clear, thanks.'];
  for (const [i, comment] of comments.entries()) await Comment.allObjects.filter({ id: comment.id }).update({ text: which === 'A' ? texts[i % 3]! : `qqq ${i}` });
}

/** A page as two worlds can compare it: without its CSRF token. */
const comparable = (html: string) => html.replace(/name="csrfmiddlewaretoken" value="[^"]*"/g, '');

test('any lookup, any value: the post list answers the same whatever the authors\' e-mails and comments say (which its user may not view); never a 5xx', async () => {
  const client = await poster();
  const statuses = new Map<number, number>();
  await fc.assert(
    fc.asyncProperty(lookupArb, valueArb, async (lookup, value) => {
      const url = `/admin/blog/post/?${new URLSearchParams({ [lookup]: value })}`;
      const answers: [number, string][] = [];
      for (const which of ['A', 'B'] as const) {
        await world(which);
        const res = await client.get(url);
        answers.push([res.status, comparable(await res.text())]);
      }
      const [[status, body], other] = answers as [[number, string], [number, string]];
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      assert.ok([200, 302, 400].includes(status), `${url}: ${status}`);
      if (status === 400) assert.match(body, /not allowed/, url);
      assert.deepEqual(other, [status, body], `${url}: the answer depends on data its user may not view`);
    }),
    { numRuns: 200 },
  );
  // The property says little unless all three kinds of answer came up.
  for (const status of [200, 302, 400]) assert.ok((statuses.get(status) ?? 0) > 0, `no ${status} among ${[...statuses]}`);
});
