/**
 * The front page's "Recent actions", which is where a login lands: entries about many objects
 * or none (delete_selected, a restore of a whole trash operation) are plain text, and an entry
 * about one object links to where that object is now: its change page, its history while it
 * is in the trash, nowhere once it is gone for good.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Post, Tag } from '../../examples/blog/models.ts';
import { useBlogApp } from '../support/blog-app.ts';
import { TestClient } from '../support/web.ts';

const { transports } = useBlogApp({ socket: true });

async function staff(client: TestClient): Promise<TestClient> {
  await client.login('admin', 'admin', '/admin/login/');
  return client;
}

/** The recent actions of the front page, newest first: each one's text, and its link if it has one. */
function recentActionsOf(html: string): { text: string; href: string | undefined }[] {
  const section = /<section class="recent"[\s\S]*?<\/section>/.exec(html)?.[0];
  assert.ok(section !== undefined, 'the front page has its recent actions');
  return [...section.matchAll(/<li[^>]*>([\s\S]*?)<\/li>/g)].map((m) => ({
    text: m[1]!.replace(/<[^>]+>/g, '').replace(/\s+/g, ' ').trim(),
    href: /<a href="([^"]+)"/.exec(m[1]!)?.[1],
  }));
}

/** The front page, which must render whatever the log holds. */
async function frontPage(client: TestClient): Promise<{ text: string; href: string | undefined }[]> {
  const page = await client.page('/admin/');
  assert.equal(page.status, 200, `the front page renders (got ${page.status})`);
  return recentActionsOf(page.html);
}

/** The hidden fields of the confirmation form, as the browser would post them back. */
function confirmationFields(html: string): [string, string][] {
  const form = /<form method="post" class="delete-confirmation">([\s\S]*?)<\/form>/.exec(html)?.[1] ?? '';
  return [...form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)]
    .filter((m) => m[1] !== 'csrfmiddlewaretoken')
    .map((m) => [m[1]!, m[2]!.replaceAll('&quot;', '"').replaceAll('&amp;', '&')]);
}

/** Ticks `posts` on the changelist, runs delete_selected and confirms it; gives the changelist the redirect lands on. */
async function deleteSelected(client: TestClient, posts: { id: number }[]): Promise<string> {
  await client.page('/admin/blog/post/');
  const confirm = await client.post('/admin/blog/post/', [['action', 'delete_selected'], ['index', '0'], ...posts.map((p): [string, string] => ['_selected_action', String(p.id)])]);
  assert.equal(confirm.status, 200);
  const done = await client.post('/admin/blog/post/', confirmationFields(await confirm.text()));
  assert.equal(done.status, 302);
  return (await client.page(done.headers.get('location')!)).html;
}

/** Deletes one post from its delete page. */
async function deleteOne(client: TestClient, id: number): Promise<void> {
  await client.page(`/admin/blog/post/${id}/delete/`);
  assert.equal((await client.post(`/admin/blog/post/${id}/delete/`, {})).status, 302);
}

for (const [transport, client] of Object.entries(transports)) {
  describe(`the admin's recent actions, ${transport}`, () => {
    test('after delete_selected of several rows, a login lands on the front page, which names the deletion without a link', async () => {
      const admin = await staff(client());
      await deleteSelected(admin, await Post.objects.filter({ status: 'draft' }));
      const browser = client();
      await browser.page('/admin/login/?next=/admin/');
      const login = await browser.post('/admin/login/', { username: 'admin', password: 'admin', next: '/admin/' });
      assert.equal(login.status, 302);
      assert.equal(login.headers.get('location'), '/admin/');
      assert.deepEqual((await frontPage(browser))[0], { text: 'Deleted 2 posts (Post)', href: undefined });
    });

    test('a restore of a whole operation is plain text; one object is linked to its history in the trash, and to its change page once restored', async () => {
      const admin = await staff(client());
      const list = await deleteSelected(admin, await Post.objects.filter({ status: 'draft' }));
      const undo = /<form method="post" action="([^"]+)" class="undo">/.exec(list)?.[1]?.replaceAll('&amp;', '&');
      assert.ok(undo !== undefined, 'the message offers Undo');
      assert.equal((await admin.post(undo)).status, 302);
      assert.equal(await Post.objects.filter({ status: 'draft' }).count(), 2, 'Undo restored both');
      assert.deepEqual((await frontPage(admin)).slice(0, 2), [
        { text: 'Restored 2 posts (Post)', href: undefined },
        { text: 'Deleted 2 posts (Post)', href: undefined },
      ]);

      const post = await Post.objects.get({ title: 'Welcome to Trove' });
      await deleteOne(admin, post.id);
      assert.deepEqual((await frontPage(admin))[0], { text: 'Deleted Welcome to Trove (Post)', href: `/admin/blog/post/${post.id}/history/` });
      const history = await admin.page(`/admin/blog/post/${post.id}/history/`);
      assert.equal(history.status, 200, 'the link leads to a page');
      assert.match(history.html, /In the trash since/);

      const deletionId = (await Post.allObjects.get({ id: post.id })).deletionId!;
      await admin.page(`/admin/trash/${deletionId}/`);
      assert.equal((await admin.post(`/admin/trash/${deletionId}/restore/`)).status, 302);
      assert.deepEqual((await frontPage(admin)).slice(0, 2), [
        { text: 'Restored Welcome to Trove (Post)', href: `/admin/blog/post/${post.id}/change/` },
        { text: 'Deleted Welcome to Trove (Post)', href: `/admin/blog/post/${post.id}/change/` },
      ]);
    });

    test('an object gone for good is named without a link: deleted without a trash, or purged', async () => {
      const admin = await staff(client());
      await admin.page('/admin/blog/tag/add/');
      assert.equal((await admin.post('/admin/blog/tag/add/', { name: 'ephemeral', _save: '1' })).status, 302);
      const tag = await Tag.objects.get({ name: 'ephemeral' });
      assert.deepEqual((await frontPage(admin))[0], { text: 'Added ephemeral (Tag)', href: `/admin/blog/tag/${tag.id}/change/` });
      await admin.page(`/admin/blog/tag/${tag.id}/delete/`);
      assert.equal((await admin.post(`/admin/blog/tag/${tag.id}/delete/`, {})).status, 302);
      assert.equal(await Tag.objects.filter({ id: tag.id }).count(), 0);

      const post = await Post.objects.get({ title: 'Cascades explained' });
      await deleteOne(admin, post.id);
      const deletionId = (await Post.allObjects.get({ id: post.id })).deletionId!;
      await admin.page(`/admin/trash/${deletionId}/purge/`);
      assert.equal((await admin.post(`/admin/trash/${deletionId}/purge/`)).status, 302);
      assert.equal(await Post.allObjects.filter({ id: post.id }).count(), 0);

      assert.deepEqual((await frontPage(admin)).slice(0, 4), [
        { text: 'Purged Cascades explained (Post)', href: undefined },
        { text: 'Deleted Cascades explained (Post)', href: undefined },
        { text: 'Deleted ephemeral (Tag)', href: undefined },
        { text: 'Added ephemeral (Tag)', href: undefined },
      ]);
    });
  });
}
