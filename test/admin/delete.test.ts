/**
 * Deleting from the admin, in process and over a socket: the delete page, delete_selected at
 * any size with a selection that cannot drift or widen, the trash with Undo, Restore and Purge.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Deletion } from '../../src/deletion/index.ts';
import { Permission, User } from '../../src/auth/index.ts';
import { Author, Comment, Post } from '../../examples/blog/models.ts';
import { AdminSite } from '../../src/admin/index.ts';
import { model, fields as f, PROTECT } from '../../src/index.ts';
import { createApp, include, path } from '../../src/web/index.ts';
import { LogEntry } from '../../src/admin/log.ts';
import { useBlogApp } from '../support/blog-app.ts';
import { confirmationFields, TestClient } from '../support/web.ts';

const { app, transports } = useBlogApp({ socket: true });

async function staff(client: TestClient): Promise<TestClient> {
  await client.login('admin', 'admin', '/admin/login/');
  return client;
}

const messagesOf = (html: string) => [...html.matchAll(/<li class="message [a-z]+">([^<]*)/g)].map((m) => m[1]);
const undoOf = (html: string) => /<form method="post" action="([^"]+)" class="undo">/.exec(html)?.[1]?.replaceAll('&amp;', '&');
const ids = (rows: { id: number }[]) => rows.map((r) => r.id).sort((a, b) => a - b);

for (const [transport, client] of Object.entries(transports)) {
  describe(`deleting from the admin, ${transport}`, () => {
    test('the delete page shows what goes; GET never deletes; a POST without the CSRF token is a 403; the POST moves it to the trash, Undo brings it back', async () => {
      const admin = await staff(client());
      const post = await Post.objects.get({ title: 'Welcome to Trove' });
      const page = await admin.page(`/admin/blog/post/${post.id}/delete/`);
      assert.equal(page.status, 200);
      assert.match(page.html, /<tr data-model="blog.Post"><th scope="row">Post<\/th><td class="number">1<\/td>/);
      assert.match(page.html, /<tr data-model="blog.Comment"><th scope="row">Comments<\/th><td class="number">2<\/td>/);
      assert.match(page.html, /All of the following 3 objects go, and come back together with Undo or from the trash:/);
      // One object: the sentence in the singular.
      const comment = await Comment.objects.filter({ post }).first();
      assert.match((await admin.page(`/admin/blog/comment/${comment!.id}/delete/`)).html, /\?\s*The following object goes, and comes back with Undo or from the trash:/);
      assert.equal(await Post.objects.filter({ id: post.id }).count(), 1, 'GET deleted nothing');
      for (const token of [null, 'wrong-token']) {
        assert.equal((await admin.post(`/admin/blog/post/${post.id}/delete/`, {}, { token })).status, 403);
      }
      assert.equal(await Post.objects.filter({ id: post.id }).count(), 1, 'no token, no delete');
      const comments = ids(await Comment.objects.filter({ post }));
      const res = await admin.post(`/admin/blog/post/${post.id}/delete/`, { reason: 'Old news' });
      assert.equal(res.status, 302);
      assert.equal(await Post.objects.filter({ id: post.id }).count(), 0);
      const list = await admin.page(res.headers.get('location')!);
      assert.deepEqual(messagesOf(list.html), ['The post “Welcome to Trove” was moved to the trash (1 post and 2 comments).']);
      const record = await Deletion.objects.get({ rootLabel: 'blog.Post', rootPk: String(post.id) });
      assert.deepEqual([record.source, record.actor, record.reason], ['admin', 'admin', 'Old news']);
      const entry = await LogEntry.objects.get({ objectId: String(post.id), actionFlag: 3 });
      assert.deepEqual(entry.changeMessage.counts, { 'blog.Post': 1, 'blog.Comment': 2 });
      assert.equal(entry.changeMessage.deletionId, record.id);
      // Undo: exactly that operation's rows come back, and we land on the list.
      const undo = await admin.post(undoOf(list.html)!);
      assert.equal(undo.status, 302);
      assert.equal(undo.headers.get('location'), '/admin/blog/post/');
      assert.equal((await Post.objects.get({ id: post.id })).title, 'Welcome to Trove');
      assert.deepEqual(ids(await Comment.objects.filter({ post })), comments);
    });

    test('1,500 ticked rows go in one action, one operation; the confirmation lists models, not rows', async () => {
      const admin = await staff(client());
      const post = await Post.objects.get({ title: 'Cascades explained' });
      const made = await Comment.objects.bulkCreate(Array.from({ length: 1500 }, (_, i) => ({ post, text: `bulk ${i}` })));
      await admin.page('/admin/blog/comment/');
      const ticked: [string, string][] = made.map((c) => ['_selected_action', String(c.id)]);
      const confirm = await admin.post('/admin/blog/comment/', [['action', 'delete_selected'], ['index', '0'], ...ticked]);
      assert.equal(confirm.status, 200);
      const html = await confirm.text();
      assert.match(html, /the 1,500 selected comments/);
      assert.ok(html.length < 40_000, `a page of models, not of rows (${html.length} bytes)`);
      const fields = confirmationFields(html);
      assert.equal(fields.filter(([k]) => k === '_selection').length, 1, 'the keys travel in one field');
      const before = await Deletion.objects.count();
      const done = await admin.post('/admin/blog/comment/', fields);
      assert.equal(done.status, 302);
      assert.equal(await Comment.objects.filter({ text__startswith: 'bulk ' }).count(), 0);
      assert.equal(await Comment.allObjects.filter({ text__startswith: 'bulk ' }).count(), 1500);
      assert.equal(await Deletion.objects.count(), before + 1);
      assert.deepEqual(messagesOf((await admin.page('/admin/blog/comment/')).html), ['Successfully moved 1,500 comments to the trash (1,500 comments).']);
    });
  });
}

test('select-across honours the search and filter, and is refused when the set changed or the filter was lost', async () => {
  const admin = await staff(TestClient.inProcess(app));
  const bob = await Author.objects.get({ name: 'Bob Baker' });
  await Post.objects.bulkCreate(Array.from({ length: 120 }, (_, i) => ({ title: `Spring ${i}`, author: bob })));
  await Post.objects.bulkCreate(Array.from({ length: 30 }, (_, i) => ({ title: `Spring published ${i}`, status: 'published', author: bob })));
  const url = '/admin/blog/post/?q=spring&status__exact=draft';
  await admin.page(url);
  const confirm = await admin.post(url, { action: 'delete_selected', index: '0', select_across: '1' });
  const html = await confirm.text();
  assert.match(html, /the 120 selected posts/);
  const fields = confirmationFields(html);
  assert.equal(fields.find(([k]) => k === '_selection'), undefined, 'select-across carries no keys');
  // Posted without the list's address (its search and filter): refused, nothing deleted.
  const lost = await admin.post('/admin/blog/post/', fields);
  assert.equal(lost.status, 409);
  assert.match(await lost.text(), /The selection changed since the confirmation page/);
  assert.equal(await Post.objects.filter({ title__startswith: 'Spring' }).count(), 150);
  // A new matching row since the page: refused, with the new count.
  await Post.objects.create({ title: 'Spring late', author: bob });
  const changed = await admin.post(url, fields);
  assert.equal(changed.status, 409);
  assert.match(await changed.text(), /it is now 121 posts\. Nothing was deleted\./);
  assert.equal(await Post.objects.filter({ title__startswith: 'Spring' }).count(), 151);
  // The page shown again carries the new set; confirming it deletes exactly the drafts that match.
  const again = await admin.post(url, { action: 'delete_selected', index: '0', select_across: '1' });
  assert.equal((await admin.post(url, confirmationFields(await again.text()))).status, 302);
  assert.equal(await Post.objects.filter({ title__startswith: 'Spring' }).count(), 30);
  assert.equal(await Post.objects.filter({ title__startswith: 'Spring', status: 'draft' }).count(), 0);
});

test('without the delete permission: no action, a 403 on POST; a cascade into a model the user may not delete is refused', async () => {
  const viewer = await User.createUser({ username: 'postie', password: 'postie-pass', isStaff: true });
  for (const codename of ['view_post', 'change_post']) await viewer.userPermissions.add(await Permission.objects.get({ modelLabel: 'blog.Post', codename }));
  const editor = TestClient.inProcess(app);
  await editor.login('postie', 'postie-pass', '/admin/login/');
  const page = await editor.page('/admin/blog/post/');
  assert.doesNotMatch(page.html, /delete_selected/);
  const post = await Post.objects.get({ title: 'Another draft' });
  assert.equal((await editor.post('/admin/blog/post/', { action: 'delete_selected', index: '0', _selected_action: String(post.id) })).status, 403);
  assert.equal((await editor.get(`/admin/blog/post/${post.id}/delete/`)).status, 403);
  assert.equal((await editor.post(`/admin/blog/post/${post.id}/delete/`, {})).status, 403);
  assert.equal(await Post.objects.filter({ id: post.id }).count(), 1);
  // Deleting a post takes comments: a user who may delete posts but not comments is told so.
  await viewer.userPermissions.add(await Permission.objects.get({ modelLabel: 'blog.Post', codename: 'delete_post' }));
  const welcome = await Post.objects.get({ title: 'Welcome to Trove' });
  const refused = await editor.page(`/admin/blog/post/${welcome.id}/delete/`);
  assert.match(refused.html, /your account doesn&#39;t have permission to:/);
  assert.match(refused.html, /<li>delete comments<\/li>/);
  assert.equal((await editor.post(`/admin/blog/post/${welcome.id}/delete/`, {})).status, 403);
  assert.equal(await Post.objects.filter({ id: welcome.id }).count(), 1);
});

test('the trash lists operations; Restore gives back exactly their rows; Purge removes them for good', async () => {
  const admin = await staff(TestClient.inProcess(app));
  const post = await Post.objects.get({ title: 'Welcome to Trove' });
  const other = await Post.objects.get({ title: 'Cascades explained' });
  const first = await post.delete({ actor: 'admin', source: 'admin' });
  const second = await other.delete({ actor: 'admin', source: 'admin' });
  const list = await admin.page('/admin/trash/');
  const order = [...list.html.matchAll(/href="\/admin\/trash\/([0-9a-f-]{36})\/"/g)].map((m) => m[1]);
  assert.deepEqual(order.slice(0, 2), [second.deletionId, first.deletionId], 'newest first');
  assert.match(list.html, /Post “Welcome to Trove”/);
  assert.match((await admin.page(`/admin/trash/?model=blog.Comment`)).html, /The trash is empty/);
  const detail = await admin.page(`/admin/trash/${first.deletionId}/`);
  assert.match(detail.html, /Restore all of it/);
  assert.match(detail.html, /Comments: 2/);
  assert.equal((await admin.get(`/admin/trash/${first.deletionId}/restore/`)).status, 405, 'GET restores nothing');
  const restored = await admin.post(`/admin/trash/${first.deletionId}/restore/`);
  assert.equal(restored.status, 302);
  assert.equal(await Post.objects.filter({ id: post.id }).count(), 1);
  assert.equal(await Post.objects.filter({ id: other.id }).count(), 0, 'the other operation stays in the trash');
  assert.equal((await Deletion.objects.get({ id: first.deletionId! })).state, 'restored');
  // Purge: a confirmation first, then the rows are gone from the trash and the database.
  const purgePage = await admin.page(`/admin/trash/${second.deletionId}/purge/`);
  assert.match(purgePage.html, /This cannot be undone/);
  assert.equal(await Post.allObjects.filter({ id: other.id }).count(), 1, 'GET purges nothing');
  assert.equal((await admin.post(`/admin/trash/${second.deletionId}/purge/`)).status, 302);
  assert.equal(await Post.allObjects.filter({ id: other.id }).count(), 0);
  assert.equal(await Comment.allObjects.filter({ postId: other.id }).count(), 0);
  assert.equal((await Deletion.objects.get({ id: second.deletionId! })).state, 'purged');
  assert.deepEqual((await LogEntry.objects.filter({ actionFlag__in: [4, 5] }).orderBy('id')).map((e) => e.actionFlag), [4, 5]);
  // One model's trash.
  await (await Post.objects.get({ title: 'Another draft' })).delete();
  const modelTrash = (await admin.page('/admin/blog/post/trash/')).html;
  assert.match(modelTrash, /<h2 id="op-[0-9a-f-]{36}"><a href="\/admin\/trash\/[0-9a-f-]{36}\/">Deleted [^<]*<\/a><\/h2><p class="muted">The operation took 1 post.<\/p><ul class="trash-rows"><li>Another draft<\/li><\/ul>/);
});

class Shelf extends model('library.Shelf', { name: f.char({ maxLength: 50 }) }) {
  override toString(): string {
    return this.name;
  }
}
class Book extends model('library.Book', { title: f.char({ maxLength: 50 }), shelf: f.foreignKey(() => Shelf, { onDelete: PROTECT }) }) {
  override toString(): string {
    return this.title;
  }
}

test('a protected object shows its blockers with links, and neither its page nor delete_selected deletes it', async () => {
  const site = new AdminSite({ name: 'library' });
  site.register([Shelf, Book]);
  const library = createApp({ secretKey: 'library-secret-key-long-enough', urls: [path('admin/', include(site.urls))] });
  const admin = TestClient.inProcess(library);
  await admin.login('admin', 'admin', '/admin/login/');
  const shelf = await Shelf.objects.create({ name: 'Poetry' });
  const book = await Book.objects.create({ title: 'Odes', shelf });
  const page = await admin.page(`/admin/library/shelf/${shelf.id}/delete/`);
  assert.match(page.html, /<h1>Cannot delete shelf<\/h1>/);
  assert.match(page.html, new RegExp(`Books?: <a href="/admin/library/book/${book.id}/change/">Odes</a>`));
  assert.doesNotMatch(page.html, /class="delete-confirmation"/);
  assert.equal((await admin.post(`/admin/library/shelf/${shelf.id}/delete/`, {})).status, 409);
  await admin.page('/admin/library/shelf/');
  const confirm = await admin.post('/admin/library/shelf/', { action: 'delete_selected', index: '0', _selected_action: String(shelf.id) });
  assert.match(await confirm.text(), /Cannot delete shelves|Cannot delete shelfs/);
  assert.equal((await admin.post('/admin/library/shelf/', { action: 'delete_selected', index: '0', _selected_action: String(shelf.id), post: 'yes', _count: '1', _digest: 'x', _changelist_filters: '' })).status, 409);
  assert.equal(await Shelf.objects.filter({ id: shelf.id }).count(), 1);
  assert.equal(await Book.objects.count(), 1);
});

test("a deleted object's history links to its deletion; delete_permanently needs purge and a trash, and leaves nothing behind", async () => {
  const admin = await staff(TestClient.inProcess(app));
  const post = await Post.objects.get({ title: 'Welcome to Trove' });
  await admin.page(`/admin/blog/post/${post.id}/delete/`);
  await admin.post(`/admin/blog/post/${post.id}/delete/`, {});
  const history = await admin.page(`/admin/blog/post/${post.id}/history/`);
  assert.equal(history.status, 200);
  const record = await Deletion.objects.get({ rootPk: String(post.id) });
  assert.match(history.html, new RegExp(`In the trash since [^<]*: <a href="/admin/trash/${record.id}/">the deletion that took it</a>`));
  assert.match(history.html, new RegExp(`Deleted 1 post and 2 comments\\. <a href="/admin/trash/${record.id}/">Open the deletion</a>`));
  // Authors have no trash: no "permanently" there. Posts do, for a superuser.
  assert.doesNotMatch((await admin.page('/admin/blog/author/')).html, /delete_permanently/);
  const list = await admin.page('/admin/blog/post/');
  assert.match(list.html, /<option value="delete_permanently">Delete selected posts permanently<\/option>/);
  const draft = await Post.objects.get({ title: 'Another draft' });
  const confirm = await admin.post('/admin/blog/post/', { action: 'delete_permanently', index: '0', _selected_action: String(draft.id) });
  const html = await confirm.text();
  assert.match(html, /for good: this cannot be undone/);
  const before = await Deletion.objects.count();
  assert.equal((await admin.post('/admin/blog/post/', confirmationFields(html))).status, 302);
  assert.equal(await Post.allObjects.filter({ id: draft.id }).count(), 0, 'not in the trash either');
  assert.equal(await Deletion.objects.count(), before, 'no trash operation');
});

test('a restore that would orphan a row is refused with the reason, and nothing changes', async () => {
  const admin = await staff(TestClient.inProcess(app));
  const post = await Post.objects.get({ title: 'Cascades explained' });
  const comment = await Comment.objects.get({ post });
  const first = await comment.delete({ source: 'admin' });
  await post.delete({ source: 'admin' });
  await admin.page(`/admin/trash/${first.deletionId}/`);
  const res = await admin.post(`/admin/trash/${first.deletionId}/restore/`);
  assert.equal(res.status, 302);
  const page = await admin.page(res.headers.get('location')!);
  assert.match(page.html, /<li class="message error">Nothing was restored: /);
  assert.equal(await Comment.objects.filter({ id: comment.id }).count(), 0);
  assert.equal((await Deletion.objects.get({ id: first.deletionId! })).state, 'active');
});

test("a selection's digest read in chunks is the digest of all its keys, whatever the chunk", async () => {
  const { fingerprint } = await import('../../src/admin/delete.ts');
  const { createHash } = await import('node:crypto');
  const bob = await Author.objects.get({ name: 'Bob Baker' });
  await Post.objects.bulkCreate(Array.from({ length: 37 }, (_, i) => ({ title: `Chunk ${i}`, author: bob })));
  const qs = Post.objects.filter({ title__startswith: 'Chunk' });
  const keys = (await qs.orderBy('id')).map((p) => `${p.id}\n`).join('');
  const expected = { count: 37, digest: createHash('sha256').update(keys).digest('base64url') };
  for (const chunk of [1, 5, 36, 37, 38, 10_000]) assert.deepEqual(await fingerprint(Post.meta, qs as never, chunk), expected, `chunk ${chunk}`);
});
