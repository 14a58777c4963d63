/**
 * Online operations in the admin, over real HTTP: the list and one operation's page (per model,
 * rate, time left, a refresh without JavaScript while it moves), who may see and steer which
 * operation (permission before existence), Pause/Resume/Cancel as POST forms with CSRF and a log
 * entry each, "Delete in the background" from delete_selected's confirmation through a worker to
 * "Done", and the trash page of a deletion an online delete is still making.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { getDatabase, OnlineOperation, OperationWorker } from '../../src/index.ts';
import { Deletion } from '../../src/deletion/index.ts';
import { Permission, User } from '../../src/auth/index.ts';
import { CANCEL, LogEntry, PAUSE, RESUME } from '../../src/admin/log.ts';
import { Author, Comment, Post } from '../../examples/blog/models.ts';
import { ModelAdmin } from '../../src/admin/options.ts';
import { onlineOffer } from '../../src/admin/delete-online.ts';
import { useBlogApp } from '../support/blog-app.ts';
import { confirmationFields, TestClient } from '../support/web.ts';

const { app } = useBlogApp();

async function clientOf(username: string, password: string): Promise<TestClient> {
  const client = TestClient.inProcess(app);
  await client.login(username, password, '/admin/login/');
  return client;
}

/** A staff user with exactly these permissions ('blog.Post.view_post', …). */
async function staffWith(username: string, permissions: string[]): Promise<TestClient> {
  const user = await User.createUser({ username, password: `${username}-pass`, isStaff: true });
  for (const name of permissions) {
    const [app, model, codename] = name.split('.');
    await user.userPermissions.add(await Permission.objects.get({ modelLabel: `${app}.${model}`, codename }));
  }
  return clientOf(username, `${username}-pass`);
}

const drain = () => new OperationWorker(getDatabase(), { maxLockWaiters: 1_000 }).drain();
const messagesOf = (html: string) => [...html.matchAll(/<li class="message [a-z]+">([^<]*)/g)].map((m) => m[1]);
const stateOf = async (id: string) => (await OnlineOperation.objects.get({ id })).state;

/** An online move to the trash of every post, as code would start it. */
async function trashAllPosts() {
  return Post.objects.all().delete({ online: true, actor: 'admin', reason: 'Spring cleaning', source: 'shell' });
}

test('the list links each operation; its page shows kind, state, who and why, a table per model with <progress>, and follows it until it is done', async () => {
  const admin = await clientOf('admin', 'admin');
  const started = await trashAllPosts();
  const list = await admin.page('/admin/operations/');
  assert.equal(list.status, 200);
  assert.match(list.html, new RegExp(`<a href="/admin/operations/${started.operationId}/">`));
  assert.match(list.html, /Move to the trash: 4 posts/);
  assert.match((await admin.page('/admin/')).html, /<a href="\/admin\/operations\/">Operations<\/a>/, 'the header links the list');

  const url = `/admin/operations/${started.operationId}/`;
  const page = await admin.page(url);
  assert.equal(page.status, 200);
  assert.match(page.html, /<h1>Move to the trash: posts<\/h1>/);
  assert.match(page.html, /Waiting for a worker/);
  assert.match(page.html, /No worker holds this operation[^]*start one with <code>trove worker<\/code>/);
  assert.match(page.html, /<noscript><meta http-equiv="refresh" content="2"\/?><\/noscript>/);
  assert.match(page.html, /<dt>By<\/dt><dd>admin<\/dd>/);
  assert.match(page.html, /<dt>Reason<\/dt><dd>Spring cleaning<\/dd>/);
  // The roots are hidden at once; their comments are still to do.
  assert.match(page.html, /<tr data-model="blog.Post"><th scope="row">Posts<\/th><td class="number">4<\/td><td class="number">4<\/td><td class="number">0<\/td>/);
  assert.match(page.html, /<tr data-model="blog.Comment"><th scope="row">Comments<\/th><td class="number">3<\/td><td class="number">0<\/td><td class="number">3<\/td>/);
  assert.match(page.html, /<progress max="3" value="0" aria-label="Comments: 0 of 3 done">/);
  assert.match(page.html, /<button type="submit">Pause<\/button>/);
  assert.match(page.html, /href="\/admin\/operations\/[0-9a-f-]{36}\/cancel\/">Cancel…<\/a>/);
  assert.match(page.html, new RegExp(`href="/admin/trash/${started.deletionId}/"`), 'a soft delete links its trash');
  assert.doesNotMatch((await admin.page(`${url}?refresh=off`)).html, /http-equiv="refresh"/, 'the reload can be turned off');

  await drain();
  const done = await admin.page(url);
  assert.match(done.html, /<span class="state state-done">Done<\/span> Done: 7 objects/);
  assert.match(done.html, /<tr data-model="blog.Comment"><th scope="row">Comments<\/th><td class="number">3<\/td><td class="number">3<\/td><td class="number">0<\/td>/);
  assert.doesNotMatch(done.html, /http-equiv="refresh"/, 'a finished operation is not reloaded');
  assert.doesNotMatch(done.html, /No worker holds/);
  assert.doesNotMatch(done.html, /Pause<\/button>|Cancel…/);
  assert.equal(await Comment.objects.count(), 0);
});

test('a user sees only operations whose root model they may view; without it a 403, the same for an id that names nothing', async () => {
  const started = await trashAllPosts();
  const bob = await Author.objects.get({ name: 'Bob Baker' });
  const authors = await Author.objects.filter({ id: bob.id }).delete({ online: true, actor: 'admin' });
  const viewer = await staffWith('viewer', ['blog.Post.view_post']);
  const list = await viewer.page('/admin/operations/');
  assert.match(list.html, new RegExp(`/admin/operations/${started.operationId}/`));
  assert.doesNotMatch(list.html, new RegExp(authors.operationId), 'an author operation is not listed');
  assert.match(list.html, /1 operation</);
  assert.equal((await viewer.page(`/admin/operations/${started.operationId}/`)).status, 200);
  assert.equal((await viewer.page(`/admin/operations/${authors.operationId}/`)).status, 403);
  assert.equal((await viewer.page(`/admin/operations/${randomUUID()}/`)).status, 403, 'a missing id tells nothing');
  assert.equal((await viewer.get(`/admin/operations/${authors.operationId}/cancel/`)).status, 403);
  // A superuser, who may see every operation, learns that an id names none.
  assert.equal((await (await clientOf('admin', 'admin')).page(`/admin/operations/${randomUUID()}/`)).status, 404);
  // Not staff: to the login page.
  const reader = TestClient.inProcess(app);
  const response = await reader.get(`/admin/operations/${started.operationId}/`);
  assert.equal(response.status, 302);
  assert.match(response.headers.get('location')!, /^\/admin\/login\//);
  // Viewing is not steering: no buttons, and a POST is refused.
  const page = await viewer.page(`/admin/operations/${started.operationId}/`);
  assert.doesNotMatch(page.html, /Pause<\/button>/);
  assert.match(page.html, /may not delete posts, delete comments, restore posts, restore comments/);
  assert.equal((await viewer.post(`/admin/operations/${started.operationId}/pause/`)).status, 403);
  assert.equal(await stateOf(started.operationId), 'queued');
});

test('pause, resume and cancel are POSTs with the CSRF token, checked on every model of the plan, and logged', async () => {
  const started = await trashAllPosts();
  const id = started.operationId;
  const url = `/admin/operations/${id}/`;
  // Delete on posts and comments lets one pause a move to the trash; cancelling it restores, which needs restore too.
  const deleter = await staffWith('deleter', ['blog.Post.view_post', 'blog.Post.delete_post', 'blog.Comment.delete_comment']);
  await deleter.page(url);
  assert.equal((await deleter.get(`${url}pause/`)).status, 405, 'a GET changes nothing');
  for (const token of [null, 'wrong-token']) assert.equal((await deleter.post(`${url}pause/`, {}, { token })).status, 403);
  assert.equal(await stateOf(id), 'queued');
  const paused = await deleter.post(`${url}pause/`);
  assert.equal(paused.status, 302);
  assert.equal(paused.headers.get('location'), url);
  assert.equal(await stateOf(id), 'paused');
  const after = await deleter.page(url);
  assert.deepEqual(messagesOf(after.html), ['The operation is paused: it stops after its current batch. Resume it to go on.']);
  assert.match(after.html, /<button type="submit">Resume<\/button>/);
  assert.doesNotMatch(after.html, /Cancel…/, 'no restore permission, no Cancel');
  assert.equal((await deleter.get(`${url}cancel/`)).status, 403);
  assert.equal((await deleter.post(`${url}cancel/`)).status, 403);
  assert.equal(await stateOf(id), 'paused');
  assert.equal((await deleter.post(`${url}resume/`)).status, 302);
  assert.equal(await stateOf(id), 'queued');
  // The superuser cancels: the confirmation says what cancelling a move to the trash does.
  const admin = await clientOf('admin', 'admin');
  const confirm = await admin.page(`${url}cancel/`);
  assert.equal(confirm.status, 200);
  assert.match(confirm.html, /puts back everything it moved to the trash/);
  assert.equal(await stateOf(id), 'queued', 'the confirmation cancels nothing');
  assert.equal((await admin.post(`${url}cancel/`)).status, 302);
  assert.equal(await stateOf(id), 'cancelled');
  assert.equal(await Post.objects.count(), 4, 'the hidden posts are back');
  assert.match((await admin.page(url)).html, /everything it had moved to the trash is back/);
  // Pausing something finished changes nothing, and says why (never a 500).
  const again = await admin.post(`${url}pause/`);
  assert.equal(again.status, 302);
  assert.match(messagesOf((await admin.page(url)).html)[0]!, /^Nothing changed: Operation [0-9a-f-]+ is cancelled: it cannot be paused\.$/);
  const entries = await LogEntry.objects.filter({ actionFlag__in: [PAUSE, RESUME, CANCEL] }).orderBy('id');
  assert.deepEqual(entries.map((e) => [e.user, e.actionFlag, e.modelLabel, e.changeMessage.operationId]), [
    ['deleter', PAUSE, 'blog.Post', id], ['deleter', RESUME, 'blog.Post', id], ['admin', CANCEL, 'blog.Post', id],
  ]);
  assert.equal(entries[0]!.objectRepr, 'Move to the trash: 4 posts');
});

test('a hard delete needs purge on soft-delete models it takes for good; its cancel says what is gone', async () => {
  const bob = await Author.objects.get({ name: 'Bob Baker' });
  const started = await Author.objects.filter({ id: bob.id }).delete({ online: true, actor: 'admin' });
  const url = `/admin/operations/${started.operationId}/`;
  const noPurge = await staffWith('nopurge', ['blog.Author.view_author', 'blog.Author.delete_author', 'blog.Post.delete_post', 'blog.Comment.delete_comment']);
  await noPurge.page(url);
  assert.equal((await noPurge.post(`${url}pause/`)).status, 403, 'the posts go for good: purge is needed');
  const admin = await clientOf('admin', 'admin');
  const confirm = await admin.page(`${url}cancel/`);
  assert.match(confirm.html, /What it deleted is gone for good and stays gone<\/strong>: 0 objects so far\. The other 3 planned objects are kept\./);
  assert.equal((await admin.post(`${url}cancel/`)).status, 302);
  assert.equal(await stateOf(started.operationId), 'cancelled');
  assert.equal(await Author.objects.filter({ id: bob.id }).count(), 1);
});

test('delete_selected offers "Delete in the background" for select-all; it checks the selection, starts the operation and lands on its page, which a worker takes to Done', async () => {
  const admin = await clientOf('admin', 'admin');
  await admin.page('/admin/blog/post/');
  const ticked = await admin.post('/admin/blog/post/', { action: 'delete_selected', index: '0', _selected_action: String((await Post.objects.first())!.id) });
  assert.doesNotMatch(await ticked.text(), /Delete in the background/, 'a few ticked rows: not offered');
  const url = '/admin/blog/post/?status__exact=draft';
  await admin.page(url);
  const confirm = await admin.post(url, { action: 'delete_selected', index: '0', select_across: '1' });
  const html = await confirm.text();
  assert.match(html, /<button type="submit" name="online" value="yes" class="secondary" aria-describedby="online-why">Delete in the background<\/button>/);
  assert.match(html, /<p class="online-offer" id="online-why">[^]*You selected all the matching posts/);
  const fields = confirmationFields(html);
  // The selection changed since the page: refused, as the synchronous path refuses it.
  const late = await Post.objects.create({ title: 'Late draft', author: await Author.objects.get({ name: 'Bob Baker' }) });
  const refused = await admin.post(url, [...fields, ['online', 'yes']]);
  assert.equal(refused.status, 409);
  assert.equal(await OnlineOperation.objects.count(), 0);
  await late.hardDelete();
  const before = await Deletion.objects.count();
  const response = await admin.post(url, [...fields, ['online', 'yes'], ['reason', 'Old drafts']]);
  assert.equal(response.status, 302);
  const location = response.headers.get('location')!;
  const op = await OnlineOperation.objects.get();
  assert.equal(location, `/admin/operations/${op.id}/`);
  assert.deepEqual([op.kind, op.actor, op.source, op.reason, op.state], ['softDelete', 'admin', 'admin', 'Old drafts', 'queued']);
  assert.equal(await Deletion.objects.count(), before + 1);
  assert.equal(await Post.objects.filter({ status: 'draft' }).count(), 0, 'the roots are hidden at once');
  const page = await admin.page(location);
  assert.deepEqual(messagesOf(page.html), ['Started moving 2 posts to the trash in the background (2 posts planned). This page follows it.']);
  const entry = await LogEntry.objects.get({ actionFlag: 3 });
  assert.equal(entry.changeMessage.operationId, op.id);
  await drain();
  const done = await admin.page(location);
  assert.match(done.html, /Done: 2 objects/);
  assert.match(done.html, /<tr data-model="blog.Post"><th scope="row">Posts<\/th><td class="number">2<\/td><td class="number">2<\/td><td class="number">0<\/td>/);
  assert.equal(await Post.allObjects.filter({ status: 'draft', deletionId: op.deletionId }).count(), 2);
});

test('the trash page of a deletion an online delete is still making links the operation and offers no Restore or Purge; forcing them is never a 500', async () => {
  const admin = await clientOf('admin', 'admin');
  const started = await trashAllPosts();
  const trash = `/admin/trash/${started.deletionId}/`;
  const page = await admin.page(trash);
  assert.equal(page.status, 200);
  assert.match(page.html, new RegExp(`An online delete is still moving these objects to the trash \\(queued\\)[^]*<a href="/admin/operations/${started.operationId}/">Follow the operation</a>`));
  assert.doesNotMatch(page.html, /Restore all of it|Delete permanently…/);
  const restore = await admin.post(`${trash}restore/`);
  assert.equal(restore.status, 302);
  assert.match(messagesOf((await admin.page(trash)).html)[0]!, /^Nothing was restored: Deletion [0-9a-f-]+ is still being made by online operation/);
  assert.equal((await admin.get(`${trash}purge/`)).status, 302);
  assert.equal((await admin.post(`${trash}purge/`)).status, 302);
  assert.match(messagesOf((await admin.page(trash)).html).join(' '), /still being made by an online operation/);
  assert.equal(await Post.allObjects.count(), 4, 'nothing purged');
  assert.equal(await stateOf(started.operationId), 'queued');
});

test('from onlineDeleteThreshold objects (a ModelAdmin option, 100,000 by default) the background is offered, and the page says why', () => {
  assert.equal(new ModelAdmin(Post).onlineDeleteThreshold, 100_000);
  const small = new ModelAdmin(Post, { onlineDeleteThreshold: 3 });
  assert.equal(onlineOffer(small, false, 2), undefined);
  assert.match(onlineOffer(small, false, 3)!, /^This takes 3 objects, at least 3: one transaction would hold its locks for the whole delete\./);
  assert.match(onlineOffer(small, true, 1)!, /^You selected all the matching posts/);
  assert.throws(() => new ModelAdmin(Post, { onlineDeleteThreshold: 0 }), /onlineDeleteThreshold must be a positive whole number/);
});

test('the purge page can purge in the background: checked as a purge at once, logged, and carried out by a worker', async () => {
  const { deletionId } = await Post.objects.all().delete();
  const purgeUrl = `/admin/trash/${deletionId}/purge/`;
  const viewer = await staffWith('purge-viewer', ['blog.Post.view_post', 'blog.Post.delete_post']);
  assert.equal((await viewer.post(purgeUrl, { online: '1' })).status, 403, 'no purge permission: nothing is started');
  assert.equal(await OnlineOperation.objects.count(), 0);

  const admin = await clientOf('admin', 'admin');
  const page = await admin.page(purgeUrl);
  assert.doesNotMatch(page.html, /Purge in the background/, 'a small trash: not offered');
  const response = await admin.post(purgeUrl, { online: '1' });
  assert.equal(response.status, 302);
  const op = await OnlineOperation.objects.get();
  assert.equal(response.headers.get('location'), `/admin/operations/${op.id}/`);
  assert.deepEqual([op.kind, op.deletionId, op.actor, op.source, op.state], ['purge', deletionId, 'admin', 'admin', 'queued']);
  const logged = (await LogEntry.objects.all()).filter((entry) => entry.changeMessage.operationId === op.id);
  assert.deepEqual(logged.map((entry) => entry.changeMessage.message), ['Started purging 3 comments, 4 posts, 3 post-tag relationships in the background.']);
  const followed = await admin.page(response.headers.get('location')!);
  assert.match(followed.html, /<h1>Delete for good from the trash: posts<\/h1>/);
  assert.equal(await Post.allObjects.count(), 4, 'nothing is gone before a worker runs');
  const trashPage = await admin.page(`/admin/trash/${deletionId}/`);
  assert.match(trashPage.html, /An online purge is deleting these objects for good \(queued\), so they cannot be restored or purged meanwhile\./);
  assert.doesNotMatch(trashPage.html, /cancelling it puts everything back/);
  const again = await admin.post(purgeUrl);
  assert.equal(again.status, 302);
  assert.match(messagesOf((await admin.page(`/admin/trash/${deletionId}/`)).html).join(' '), /already being purged by an online operation/);
  await drain();
  assert.equal(await Post.allObjects.count(), 0);
  assert.equal((await Deletion.objects.get({ id: deletionId! })).state, 'purged');
  assert.match((await admin.page(`/admin/operations/${op.id}/`)).html, /Done: /);
});
