/**
 * Bad input to the admin is an answer, never a 500 (issue 24, item 5), over a real socket: a
 * login's `next` that is no URL pattern, or holds CR, LF or characters a header cannot carry; a
 * delete's non-ASCII `_changelist_filters` (the delete happened, then the 500 lost its Undo);
 * keys of no row, or no key at all, in a many-to-many field; text with a NUL; 12,000 ticked rows.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Deletion } from '../../src/deletion/index.ts';
import { Author, Post, Tag } from '../../examples/blog/models.ts';
import { useBlogApp } from '../support/blog-app.ts';
import { confirmationFields, TestClient } from '../support/web.ts';

const { transports } = useBlogApp({ socket: true });
const overSocket = transports['over a socket']!;

const messagesOf = (html: string) => [...html.matchAll(/<li class="message [a-z]+">([^<]*)/g)].map((m) => m[1]);
const undoOf = (html: string) => /<form method="post" action="([^"]+)" class="undo">/.exec(html)?.[1]?.replaceAll('&amp;', '&');

async function admin(): Promise<TestClient> {
  const client = overSocket();
  await client.login('admin', 'admin', '/admin/login/');
  return client;
}

test("a login's next that names no pattern, or holds CR, LF or non-Latin-1 characters: a redirect with it escaped, as Django's", async () => {
  const cases: [string, string][] = [
    ['nope', 'nope'],
    ['/admin/blog/\r\nSet-Cookie: evil=1', '/admin/blog/%0D%0ASet-Cookie:%20evil=1'],
    ['/admin/blog/post/?q=日本', '/admin/blog/post/?q=%E6%97%A5%E6%9C%AC'],
    ['/admin/€/', '/admin/%E2%82%AC/'],
    ['https://evil.example/', '/admin/'],
  ];
  const staff = await admin();
  for (const [next, location] of cases) {
    const res = await staff.get(`/admin/login/?${new URLSearchParams({ next })}`);
    assert.equal(res.status, 302, next);
    assert.equal(res.headers.get('location'), location, next);
    assert.ok(!(res.headers.get('set-cookie') ?? '').includes('evil'), 'no header injected');
  }
  for (const [next, location] of cases) {
    const visitor = overSocket();
    await visitor.page('/admin/login/');
    const res = await visitor.post('/admin/login/', { username: 'admin', password: 'admin', next });
    assert.equal(res.status, 302, next);
    assert.equal(res.headers.get('location'), location, next);
  }
});

test('a delete from a list with a non-ASCII search: the redirect is escaped, and its Undo message survives and works', async () => {
  const staff = await admin();
  // The list's address as Django carries it (escaped), and as a hand-made link may (not).
  const carried: [string, string][] = [
    [new URLSearchParams({ q: '日本 été', status__exact: 'draft' }).toString(), '/admin/blog/post/?q=%E6%97%A5%E6%9C%AC+%C3%A9t%C3%A9&status__exact=draft'],
    ['q=日本 été&status__exact=draft', '/admin/blog/post/?q=%E6%97%A5%E6%9C%AC%20%C3%A9t%C3%A9&status__exact=draft'],
  ];
  for (const [filters, expected] of carried) {
    const post = await Post.objects.get({ title: 'Another draft' });
    const url = `/admin/blog/post/${post.id}/delete/?${new URLSearchParams({ _changelist_filters: filters })}`;
    await staff.page(url);
    const res = await staff.post(url, { post: 'yes' });
    assert.equal(res.status, 302, filters);
    const back = res.headers.get('location')!;
    assert.equal(back, expected);
    assert.equal(await Post.objects.filter({ id: post.id }).exists(), false);
    const list = await staff.page(back);
    assert.equal(list.status, 200);
    assert.deepEqual(messagesOf(list.html), ['The post “Another draft” was moved to the trash (1 post).']);
    const restored = await staff.post(undoOf(list.html)!);
    assert.equal(restored.status, 302);
    assert.equal(restored.headers.get('location'), back, 'Undo comes back to the same list');
    assert.equal(await Post.objects.filter({ id: post.id }).exists(), true);
  }
});

test('tags=abc, tags=99999 and text with a NUL on the post form are form errors; nothing is saved', async () => {
  const staff = await admin();
  const post = await Post.objects.get({ title: 'Welcome to Trove' });
  const tagsBefore = (await post.tags.all()).map((t) => t.name).sort();
  await staff.page(`/admin/blog/post/${post.id}/change/`);
  const form = (fields: [string, string][]) => staff.post(`/admin/blog/post/${post.id}/change/`, [['title', 'Changed'], ['content', ''], ['status', 'draft'], ['author', String(post.authorId)], ...fields]);
  const news = await Tag.objects.get({ name: 'news' });
  const cases: [[string, string][], RegExp][] = [
    [[['tags', 'abc']], /“abc” is not a valid value\./],
    [[['tags', String(news.id)], ['tags', '99999']], /Select a valid choice\. 99999 is not one of the available choices\./],
    [[['tags', '1e3']], /“1e3” is not a valid value\./],
    [[['tags', `${news.id}\u0000`]], /Null characters are not allowed\./],
  ];
  for (const [fields, error] of cases) {
    const res = await form(fields);
    assert.equal(res.status, 200, JSON.stringify(fields));
    assert.match(await res.text(), error);
  }
  const nul = await staff.post(`/admin/blog/post/${post.id}/change/`, { title: 'Null\u0000title', content: '', status: 'draft', author: String(post.authorId) });
  assert.equal(nul.status, 200);
  assert.match(await nul.text(), /Null characters are not allowed\./);
  const after = await Post.objects.get({ id: post.id });
  assert.equal(after.title, 'Welcome to Trove');
  assert.deepEqual((await after.tags.all()).map((t) => t.name).sort(), tagsBefore);
  // A good key still saves.
  const ok = await form([['tags', String(news.id)]]);
  assert.equal(ok.status, 302);
  assert.deepEqual((await (await Post.objects.get({ id: post.id })).tags.all()).map((t) => t.name), ['news']);
});

/** Ticks `n` new posts, confirms, deletes, then undoes: what each step answered. */
async function tickDeleteUndo(staff: TestClient, n: number) {
  const bob = await Author.objects.get({ name: 'Bob Baker' });
  const made = await Post.objects.bulkCreate(Array.from({ length: n }, (_, i) => ({ title: `ticked ${n} ${i}`, author: bob })), { batchSize: 2000 });
  const mine = { title__startswith: `ticked ${n} ` };
  await staff.page('/admin/blog/post/');
  const confirm = await staff.post('/admin/blog/post/', [['action', 'delete_selected'], ['index', '0'], ...made.map((p): [string, string] => ['_selected_action', String(p.id)])]);
  const html = await confirm.text();
  const operations = await Deletion.objects.count();
  const done = await staff.post('/admin/blog/post/', confirmationFields(html));
  const list = await staff.page('/admin/blog/post/');
  const left = await Post.objects.filter(mine).count();
  const undone = await staff.post(undoOf(list.html)!);
  return {
    confirm: [confirm.status, /the ([\d,]+) selected posts/.exec(html)?.[1]],
    done: done.status,
    left,
    newOperations: (await Deletion.objects.count()) - operations,
    message: messagesOf(list.html),
    undo: undone.status,
    back: await Post.objects.filter(mine).count(),
  };
}

test('12,000 ticked rows go exactly as 1,500 do: one confirmation, one operation, one Undo', async () => {
  const staff = await admin();
  const few = await tickDeleteUndo(staff, 1500);
  assert.deepEqual(few, { confirm: [200, '1,500'], done: 302, left: 0, newOperations: 1, message: ['Successfully moved 1,500 posts to the trash (1,500 posts).'], undo: 302, back: 1500 });
  const many = await tickDeleteUndo(staff, 12_000);
  assert.deepEqual(many, { confirm: [200, '12,000'], done: 302, left: 0, newOperations: 1, message: ['Successfully moved 12,000 posts to the trash (12,000 posts).'], undo: 302, back: 12_000 });
});
