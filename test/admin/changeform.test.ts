/** Adding and changing objects in the admin: validation that saves nothing, history with old and new values, permissions. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { User, Permission } from '../../src/auth/index.ts';
import { Author, Post } from '../../examples/blog/models.ts';
import { useBlogApp } from '../support/blog-app.ts';
import { TestClient } from '../support/web.ts';

const { app } = useBlogApp();

async function admin(): Promise<TestClient> {
  const client = TestClient.inProcess(app);
  await client.login('admin', 'admin', '/admin/login/');
  return client;
}

test('add: a validation error saves nothing and shows the error beside its field; a valid form saves and says so', async () => {
  const browser = await admin();
  const author = (await Author.objects.orderBy('id').first())!;
  const form = await browser.page('/admin/blog/post/add/');
  assert.equal(form.status, 200);
  assert.match(form.html, /<label for="id_title" class="required">Title<\/label>/);
  assert.match(form.html, /<select id="id_status" name="status"/);
  const before = await Post.allObjects.count();
  const bad = await browser.post('/admin/blog/post/add/', { title: '', content: 'x', status: 'nonsense', author: String(author.id), _save: '1' });
  assert.equal(bad.status, 200);
  const html = await bad.text();
  assert.match(html, /Please correct the errors below\./);
  assert.match(html, /id="id_title_error"><li>This field is required\.<\/li>/);
  assert.match(html, /id="id_status_error"><li>Value &quot;nonsense&quot; is not a valid choice\.<\/li>/);
  assert.match(html, /<textarea id="id_content" name="content"[^>]*>x<\/textarea>/, 'what was typed is kept');
  assert.equal(await Post.allObjects.count(), before, 'nothing saved');
  await browser.page('/admin/blog/post/add/');
  const ok = await browser.post('/admin/blog/post/add/', { title: 'From the admin', content: '', status: 'draft', author: String(author.id), _continue: '1' });
  assert.equal(ok.status, 302);
  const created = await Post.objects.get({ title: 'From the admin' });
  assert.equal(ok.headers.get('location'), `/admin/blog/post/${created.id}/change/`);
  const page = await browser.page(ok.headers.get('location')!);
  assert.match(page.html, /The post “From the admin” was added successfully\. You may edit it again below\./);
});

test('change: the history shows who changed what, with the old and new values; filters come back after saving', async () => {
  const browser = await admin();
  const post = await Post.objects.get({ title: 'Welcome to Trove' });
  const url = `/admin/blog/post/${post.id}/change/`;
  const form = await browser.page(`${url}?_changelist_filters=status__exact%3Dpublished`);
  assert.match(form.html, /value="Welcome to Trove"/);
  assert.match(form.html, /name="_changelist_filters" value="status__exact=published"/);
  const tags = await Post.objects.get({ id: post.id }).then((p) => p.tags.all());
  const res = await browser.post(url, {
    title: 'Welcome back', content: 'Deleting data, safely.', status: 'draft', author: String(post.authorId),
    ...(tags[0] ? { tags: String(tags[0].id) } : {}), _changelist_filters: 'status__exact=published', _save: '1',
  });
  assert.equal(res.status, 302);
  assert.equal(res.headers.get('location'), '/admin/blog/post/?status__exact=published');
  assert.equal((await Post.objects.get({ id: post.id })).title, 'Welcome back');
  const history = await browser.page(`/admin/blog/post/${post.id}/history/`);
  assert.match(history.html, /Changed Title, Status/);
  assert.match(history.html, /<th scope="row">Title<\/th><td>Welcome to Trove<\/td><td>Welcome back<\/td>/);
  assert.match(history.html, /<th scope="row">Status<\/th><td>Published<\/td><td>Draft<\/td>/);
  assert.match(history.html, /<td>admin<\/td>/);
  const index = await browser.page('/admin/');
  assert.match(index.html, /Changed <a href="\/admin\/blog\/post\/\d+\/change\/">Welcome back<\/a>/);
  assert.equal((await browser.get(`/admin/blog/post/${post.id}/`)).headers.get('location'), url);
  for (const missing of ['999999', 'abc']) assert.equal((await browser.get(`/admin/blog/post/${missing}/change/`)).status, 404, missing);
});

test('a user with only view permission sees no add button, a read-only form, and gets 403 on POST', async () => {
  const viewer = await User.createUser({ username: 'viewer', password: 'viewer-pass', isStaff: true });
  await viewer.userPermissions.add(await Permission.objects.get({ modelLabel: 'blog.Post', codename: 'view_post' }));
  const browser = TestClient.inProcess(app);
  await browser.login('viewer', 'viewer-pass', '/admin/login/');
  const list = await browser.page('/admin/blog/post/');
  assert.doesNotMatch(list.html, /\/admin\/blog\/post\/add\//);
  assert.equal((await browser.get('/admin/blog/post/add/')).status, 403);
  const post = await Post.objects.get({ title: 'Welcome to Trove' });
  const form = await browser.page(`/admin/blog/post/${post.id}/change/`);
  assert.match(form.html, /<h1>View post<\/h1>/);
  assert.doesNotMatch(form.html, /name="_save"/);
  assert.doesNotMatch(form.html, /<input[^>]*name="title"/);
  const res = await browser.post(`/admin/blog/post/${post.id}/change/`, { title: 'hacked', status: 'draft', author: String(post.authorId) });
  assert.equal(res.status, 403);
  assert.equal((await Post.objects.get({ id: post.id })).title, 'Welcome to Trove');
  assert.equal((await browser.post('/admin/blog/post/add/', { title: 'x' })).status, 403);
});

test('password change: the old password, the new one twice, Django\'s checks; the session stays', async () => {
  const browser = await admin();
  const form = await browser.page('/admin/password_change/');
  assert.match(form.html, /<h1>Password change<\/h1>/);
  const wrong = await browser.post('/admin/password_change/', { old_password: 'nope', new_password1: 'a-better-one-9', new_password2: 'a-better-one-9' });
  assert.match(await wrong.text(), /Your old password was entered incorrectly/);
  await browser.page('/admin/password_change/');
  const weak = await browser.post('/admin/password_change/', { old_password: 'admin', new_password1: '1234567', new_password2: '1234567' });
  const weakHtml = await weak.text();
  assert.match(weakHtml, /too short/);
  assert.match(weakHtml, /entirely numeric/);
  await browser.page('/admin/password_change/');
  const mismatch = await browser.post('/admin/password_change/', { old_password: 'admin', new_password1: 'a-better-one-9', new_password2: 'a-better-one-8' });
  assert.match(await mismatch.text(), /didn’t match/);
  await browser.page('/admin/password_change/');
  const ok = await browser.post('/admin/password_change/', { old_password: 'admin', new_password1: 'a-better-one-9', new_password2: 'a-better-one-9' });
  assert.equal(ok.headers.get('location'), '/admin/password_change/done/');
  assert.match((await browser.page('/admin/password_change/done/')).html, /Your password was changed\./);
  assert.ok(await ((await User.objects.get({ username: 'admin' })) as User).checkPassword('a-better-one-9'));
  const fresh = TestClient.inProcess(app);
  await fresh.login('admin', 'a-better-one-9', '/admin/login/');
  assert.equal((await fresh.get('/admin/')).status, 200);
});

test('fieldsets group the form under their legends, in their order', async () => {
  const browser = await admin();
  const { html } = await browser.page('/admin/blog/post/add/');
  const legends = [...html.matchAll(/<legend>([^<]*)<\/legend>/g)].map((m) => m[1]);
  assert.deepEqual(legends, ['Content', 'Publishing']);
  assert.match(html, /<p class="description">Who wrote it, and whether readers see it\.<\/p>/);
  const order = [...html.matchAll(/<label for="id_(\w+)"/g)].map((m) => m[1]);
  assert.deepEqual(order, ['title', 'content', 'status', 'author', 'tags']);
  // The author form has no fieldsets: one plain group.
  assert.doesNotMatch((await browser.page('/admin/blog/author/add/')).html, /<legend>/);
});
