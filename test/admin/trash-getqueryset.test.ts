/**
 * A ModelAdmin's getQueryset (Django's get_queryset, the admin's row-level rule) holds in the
 * trash too: the history page of a trashed row, the model's trash page, an operation's page, the
 * trash's list and the front page's recent actions show only rows getQueryset would show were
 * they not in the trash. Here the posts admin shows published posts only; a draft and a
 * published post are moved to the trash.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { AdminSite } from '../../src/admin/index.ts';
import { adminRows } from '../../src/admin/admin-rows.ts';
import { Q, type Database } from '../../src/index.ts';
import { createApp, include, path, ViewRequest } from '../../src/web/index.ts';
import { Comment, Post } from '../../examples/blog/models.ts';
import { seedDemo, seedDemoUsers } from '../../examples/blog/seed.ts';
import { setupDatabase } from '../support/database.ts';
import { TestClient } from '../support/web.ts';

const HIDDEN = 'HIDDEN-DRAFT-TITLE';
const SHOWN = 'SHOWN-PUBLISHED-TITLE';

const site = new AdminSite({ name: 'rowadmin' });
site.register(Post, { getQueryset: () => Post.objects.filter({ status: 'published' }) as never });
site.register(Comment);
const app = createApp({ secretKey: 'a-test-secret-key-that-is-long-enough', urls: [path('rowadmin/', include(site.urls))] });

let db: Database;
let draft: { id: number; deletionId: string };
let published: { id: number; deletionId: string };

async function trash(status: string, title: string): Promise<{ id: number; deletionId: string }> {
  const post = (await Post.objects.filter({ status }).orderBy('id').first())!;
  await Post.objects.filter({ id: post.id }).update({ title });
  const { deletionId } = await (await Post.objects.get({ id: post.id })).delete({ actor: 'editor' });
  return { id: post.id, deletionId: deletionId! };
}

before(async () => {
  db = await setupDatabase();
  await seedDemo();
  await seedDemoUsers();
  draft = await trash('draft', HIDDEN);
  published = await trash('published', SHOWN);
});
after(() => db?.close());

async function as(username: string): Promise<TestClient> {
  const client = TestClient.inProcess(app);
  await client.login(username, username, '/rowadmin/login/');
  return client;
}

test('the history of a trashed row outside getQueryset is a 404; inside it, the page', async () => {
  for (const user of ['editor', 'admin']) {
    const client = await as(user);
    const hidden = await client.page(`/rowadmin/blog/post/${draft.id}/history/`);
    assert.equal(hidden.status, 404, user);
    assert.ok(!hidden.html.includes(HIDDEN));
    const shown = await client.page(`/rowadmin/blog/post/${published.id}/history/`);
    assert.equal(shown.status, 200, user);
    assert.ok(shown.html.includes(SHOWN));
  }
});

test("the model's trash lists the rows getQueryset would show, and counts only them", async () => {
  const { status, html } = await (await as('editor')).page('/rowadmin/blog/post/trash/');
  assert.equal(status, 200);
  assert.ok(html.includes(SHOWN));
  assert.ok(!html.includes(HIDDEN), 'the trash lists a row getQueryset hides');
});

test("an operation's page shows none of the rows getQueryset hides, and says how many it took", async () => {
  const client = await as('editor');
  const hidden = await client.page(`/rowadmin/trash/${draft.deletionId}/`);
  assert.equal(hidden.status, 200);
  assert.ok(!hidden.html.includes(HIDDEN), 'the operation page shows the hidden title');
  assert.match(hidden.html, /It also took 1 post[,<]/);
  const shown = await client.page(`/rowadmin/trash/${published.deletionId}/`);
  assert.ok(shown.html.includes(SHOWN));
  assert.doesNotMatch(shown.html, /which your account may not view/);
  // The trash's list names the root only when getQueryset would show it.
  const list = await client.page('/rowadmin/trash/');
  assert.ok(list.html.includes(SHOWN));
  assert.ok(!list.html.includes(HIDDEN), 'the trash list names the hidden root');
});

test("getQueryset's other conditions hold in the trash, whatever their shape; what cannot be read so hides everything", async () => {
  const request = new ViewRequest(new Request('http://localhost/'), new URL('http://localhost/'), {});
  const titles = async (getQueryset: () => unknown) => {
    const registered = new AdminSite({ name: `rows${Math.random()}` });
    registered.register(Post, { getQueryset: getQueryset as never });
    const rows = adminRows(registered.modelAdmins()[0]!, request, 'deleted');
    return (await rows).map((p: { title: string }) => p.title).sort();
  };
  assert.deepEqual(await titles(() => Post.objects.filter({ status: 'published' })), [SHOWN]);
  assert.deepEqual(await titles(() => Post.objects.filter(Q({ status: 'draft' }).or({ title: SHOWN }))), [HIDDEN, SHOWN]);
  assert.deepEqual(await titles(() => Post.objects.exclude({ title__startswith: 'HIDDEN' })), [SHOWN]);
  // Built on every row, the trash included: the same conditions, in the trash.
  assert.deepEqual(await titles(() => Post.allObjects.filter({ status: 'draft' })), [HIDDEN]);
  assert.deepEqual(await titles(() => Post.objects.all()), [HIDDEN, SHOWN]);
  assert.deepEqual(await titles(() => Post.objects.none()), []);
  assert.deepEqual(await titles(() => Post.objects.filter({ status: 'published' }).union(Post.objects.filter({ status: 'draft' }))), []);
});
