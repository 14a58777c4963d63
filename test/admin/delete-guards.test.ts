/**
 * Guards of the admin's deleting that a mutation once removed unnoticed: each test here fails
 * when its guard is taken out (the digest compared, the list's address compared, the cascade's
 * permissions on delete_selected, the trash's `next`, its view check).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Permission, User } from '../../src/auth/index.ts';
import { fingerprint } from '../../src/admin/delete.ts';
import { Author, Comment, Post } from '../../examples/blog/models.ts';
import { useBlogApp } from '../support/blog-app.ts';
import { confirmationFields, TestClient } from '../support/web.ts';

const { app } = useBlogApp();

async function staff(): Promise<TestClient> {
  const client = TestClient.inProcess(app);
  await client.login('admin', 'admin', '/admin/login/');
  return client;
}


async function springPosts(n: number) {
  const bob = await Author.objects.get({ name: 'Bob Baker' });
  await Post.objects.bulkCreate(Array.from({ length: n }, (_, i) => ({ title: `Spring ${i}`, author: bob })));
  return bob;
}

test('select-across: the same count over other rows is refused (the digest, not just the count)', async () => {
  const admin = await staff();
  const bob = await springPosts(5);
  const url = '/admin/blog/post/?q=spring';
  await admin.page(url);
  const fields = confirmationFields(await (await admin.post(url, { action: 'delete_selected', index: '0', select_across: '1' })).text());
  // One row swapped for another: five posts match, but not the five the page showed.
  const first = await Post.objects.filter({ title: 'Spring 0' }).first();
  await first!.hardDelete();
  const late = await Post.objects.create({ title: 'Spring late', author: bob });
  const res = await admin.post(url, fields);
  assert.equal(res.status, 409);
  assert.match(await res.text(), /The selection changed since the confirmation page/);
  assert.equal(await Post.objects.filter({ id: late.id }).exists(), true);
  assert.equal(await Post.objects.filter({ title__startswith: 'Spring' }).count(), 5);
});

test("select-across: the final POST must come from the list's own address, even one that matches the same rows", async () => {
  const admin = await staff();
  await springPosts(4);
  const url = '/admin/blog/post/?q=spring&status__exact=draft';
  await admin.page(url);
  const fields = confirmationFields(await (await admin.post(url, { action: 'delete_selected', index: '0', select_across: '1' })).text());
  // The same rows, another address: the carried filters no longer describe it.
  const res = await admin.post('/admin/blog/post/?status__exact=draft&q=spring', fields);
  assert.equal(res.status, 409);
  assert.equal(await Post.objects.filter({ title__startswith: 'Spring' }).count(), 4);
});

test('delete_selected checks delete on every model the cascade reaches', async () => {
  const user = await User.createUser({ username: 'poster', password: 'pw', isStaff: true });
  for (const codename of ['view_post', 'delete_post']) await user.userPermissions.add(await Permission.objects.get({ modelLabel: 'blog.Post', codename }));
  const client = TestClient.inProcess(app);
  await client.login('poster', 'pw', '/admin/login/');
  const post = await Post.objects.get({ title: 'Welcome to Trove' });
  const comments = await Comment.objects.filter({ post }).count();
  assert.ok(comments > 0);
  await client.page('/admin/blog/post/');
  // A final POST as the confirmation form would carry it, had the page offered one.
  const { count, digest } = await fingerprint(Post.meta, Post.objects.filter({ id__in: [post.id] }) as never);
  const res = await client.post('/admin/blog/post/', { action: 'delete_selected', index: '0', _selected_action: String(post.id), post: 'yes', select_across: '0', _selection: JSON.stringify([post.id]), _count: String(count), _digest: digest, _changelist_filters: '' });
  assert.equal(res.status, 403);
  const page = await client.post('/admin/blog/post/', { action: 'delete_selected', index: '0', _selected_action: String(post.id) });
  const fields = confirmationFields(await page.text());
  assert.equal(fields.length, 0, 'no confirmation form: the page says what the user may not delete');
  assert.equal(await Post.objects.filter({ id: post.id }).exists(), true);
  assert.equal(await Comment.objects.filter({ post }).count(), comments);
});

test("the trash's Restore goes back only to an address on this site", async () => {
  const admin = await staff();
  const post = await Post.objects.get({ title: 'Welcome to Trove' });
  const { deletionId } = await post.delete();
  await admin.page(`/admin/trash/${deletionId}/`);
  const res = await admin.post(`/admin/trash/${deletionId}/restore/?next=${encodeURIComponent('https://evil.example/x')}`);
  assert.equal(res.status, 302);
  assert.equal(res.headers.get('location'), `/admin/trash/${deletionId}/`);
  const { deletionId: again } = await post.delete();
  const back = await admin.post(`/admin/trash/${again}/restore/?next=${encodeURIComponent('/admin/blog/post/')}`);
  assert.equal(back.headers.get('location'), '/admin/blog/post/');
});

test('the trash detail of an operation is a 404 to a user who may not view its model', async () => {
  const user = await User.createUser({ username: 'commenter', password: 'pw', isStaff: true });
  await user.userPermissions.add(await Permission.objects.get({ modelLabel: 'blog.Comment', codename: 'view_comment' }));
  const client = TestClient.inProcess(app);
  await client.login('commenter', 'pw', '/admin/login/');
  const post = await Post.objects.get({ title: 'Welcome to Trove' });
  const { deletionId } = await post.delete();
  assert.equal((await client.get(`/admin/trash/${deletionId}/`)).status, 404);
});
