/**
 * A user may make a row leave or return only with the permission for that row's model, checked
 * on everything the delete, restore or purge takes, by every path: the blog's own view,
 * DeleteView, the Undo view, the admin's delete page, its actions and its trash. Each case let
 * rows go (or come back) that the user had no permission for before.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Permission, User } from '../../src/auth/index.ts';
import { Deletion } from '../../src/deletion/index.ts';
import { Author, Comment, Post } from '../../examples/blog/models.ts';
import { useBlogApp } from '../support/blog-app.ts';
import { TestClient } from '../support/web.ts';

const { transports } = useBlogApp();
const client = transports['in process']!;

/** A staff user with exactly these permissions (`'blog.delete_post'`…). */
async function userWith(username: string, perms: string[]): Promise<TestClient> {
  const user = await User.createUser({ username, password: 'pw', isStaff: true });
  for (const perm of perms) {
    const [app, codename] = perm.split('.') as [string, string];
    await user.userPermissions.add(await Permission.objects.get({ codename, modelLabel__startswith: `${app}.` }));
  }
  const browser = client();
  await browser.login(username, 'pw', '/admin/login/');
  return browser;
}

const messagesOf = (html: string) => [...html.matchAll(/<li class="message [a-z]+">([^<]*)/g)].map((m) => m[1]);
const hasUndo = (html: string) => /class="undo"/.test(html);

async function postWithComments() {
  const post = await Post.objects.get({ title: 'Welcome to Trove' });
  assert.ok((await Comment.objects.filter({ post }).count()) > 0);
  return post;
}

async function postWithoutComments() {
  const ann = await Author.objects.first();
  return Post.objects.create({ title: 'Lonely', author: ann!, status: 'published' } as never);
}

describe('deleting needs delete on every model the delete takes', () => {
  for (const [name, url] of [['the blog view', 'delete'], ['DeleteView', 'remove']] as const) {
    test(`${name}: the editor (no delete_comment) cannot delete a post with comments; can one without`, async () => {
      const editor = await userWith(`ed-${url}`, ['blog.view_post', 'blog.delete_post', 'blog.view_comment']);
      const post = await postWithComments();
      await editor.page(`/posts/${post.id}/${url}/`);
      const refused = await editor.post(`/posts/${post.id}/${url}/`);
      assert.equal(refused.status, 403);
      assert.equal(await Post.objects.filter({ id: post.id }).exists(), true, 'the post stays');
      assert.equal(await Comment.objects.filter({ post }).count(), await Comment.allObjects.filter({ post }).count(), 'no comment went');
      assert.equal(await Deletion.objects.count(), 0);
      const lonely = await postWithoutComments();
      await editor.page(`/posts/${lonely.id}/${url}/`);
      const done = await editor.post(`/posts/${lonely.id}/${url}/`);
      assert.equal(done.status, 302);
      assert.equal(await Post.objects.filter({ id: lonely.id }).exists(), false);
      const list = await editor.page(done.headers.get('location')!);
      assert.equal(messagesOf(list.html).length, 1);
      assert.equal(hasUndo(list.html), false, 'no Undo for a user who may not restore');
    });
  }

  test('DeleteView says on its page what the user may not do', async () => {
    const editor = await userWith('ed-page', ['blog.view_post', 'blog.delete_post']);
    const post = await postWithComments();
    const page = await editor.page(`/posts/${post.id}/remove/`);
    assert.match(page.html, /Cannot delete post/);
    assert.match(page.html, /<li>delete comments<\/li>/);
  });

  test('with delete and restore on both, the blog view deletes and offers Undo', async () => {
    const writer = await userWith('writer', ['blog.delete_post', 'blog.delete_comment', 'blog.restore_post', 'blog.restore_comment']);
    const post = await postWithComments();
    await writer.page(`/posts/${post.id}/delete/`);
    const done = await writer.post(`/posts/${post.id}/delete/`);
    assert.equal(done.status, 302);
    assert.equal(hasUndo((await writer.page('/posts/')).html), true);
  });
});

describe('restoring needs restore on every model that comes back', () => {
  test('Undo (restoreView) by a user who may restore posts only brings nothing back', async () => {
    const post = await postWithComments();
    const { deletionId } = await post.delete();
    const restorer = await userWith('restorer', ['blog.restore_post']);
    await restorer.page('/posts/');
    const res = await restorer.post(`/trash/${deletionId}/restore/`);
    assert.equal(res.status, 403);
    assert.equal(await Post.objects.filter({ id: post.id }).exists(), false);
    assert.equal((await Deletion.objects.get({ id: deletionId! })).state, 'active');
  });

  test("the admin's trash restore refuses the same user, and shows no Restore button", async () => {
    const post = await postWithComments();
    const { deletionId } = await post.delete();
    const restorer = await userWith('restorer2', ['blog.view_post', 'blog.restore_post']);
    const page = await restorer.page(`/admin/trash/${deletionId}/`);
    assert.equal(page.status, 200);
    assert.doesNotMatch(page.html, /Restore all of it/);
    const res = await restorer.post(`/admin/trash/${deletionId}/restore/`);
    assert.equal(res.status, 403);
    assert.equal(await Post.objects.filter({ id: post.id }).exists(), false);
  });
});

describe('deleting for good needs purge on every model with a trash whose rows go', () => {
  test('deleting an author (posts have a trash) needs purge on posts and comments: refused without, and the page says so', async () => {
    const deleter = await userWith('deleter', ['blog.view_author', 'blog.delete_author', 'blog.delete_post', 'blog.delete_comment']);
    const author = (await Post.objects.selectRelated('author').get({ title: 'Welcome to Trove' })).author!;
    const page = await deleter.page(`/admin/blog/author/${author.id}/delete/`);
    assert.match(page.html, /delete for good posts/);
    const res = await deleter.post(`/admin/blog/author/${author.id}/delete/`);
    assert.equal(res.status, 403);
    assert.equal(await Author.objects.filter({ id: author.id }).exists(), true);
    assert.ok((await Post.allObjects.filter({ author }).count()) > 0, 'its posts were not deleted for good');
  });

  test('with purge too, the confirmation says which rows go for good, and they go', async () => {
    const purger = await userWith('purger', ['blog.view_author', 'blog.delete_author', 'blog.delete_post', 'blog.delete_comment', 'blog.purge_post', 'blog.purge_comment', 'blog.view_post']);
    const author = (await Post.objects.selectRelated('author').get({ title: 'Welcome to Trove' })).author!;
    const page = await purger.page(`/admin/blog/author/${author.id}/delete/`);
    assert.match(page.html, /Deleted for good, not moved to the trash:<\/strong>[^<]* \d+ posts?\b/);
    const res = await purger.post(`/admin/blog/author/${author.id}/delete/`);
    assert.equal(res.status, 302);
    assert.equal(await Post.allObjects.filter({ author }).count(), 0);
  });

  test("the trash's purge needs delete and purge on what it removes", async () => {
    const post = await postWithComments();
    const { deletionId } = await post.delete();
    const partial = await userWith('half-purger', ['blog.view_post', 'blog.delete_post', 'blog.purge_post']);
    await partial.page(`/admin/trash/${deletionId}/purge/`);
    const res = await partial.post(`/admin/trash/${deletionId}/purge/`);
    assert.notEqual(res.status, 302);
    assert.equal(await Post.allObjects.filter({ id: post.id }).exists(), true);
  });
});

describe('viewing needs view on every model a page shows', () => {
  test("the trash detail shows the comments' rows only to who may view comments", async () => {
    const post = await postWithComments();
    const comment = await Comment.objects.filter({ post }).first();
    const { deletionId } = await post.delete();
    const viewer = await userWith('viewer', ['blog.view_post']);
    const page = await viewer.page(`/admin/trash/${deletionId}/`);
    assert.equal(page.status, 200);
    assert.doesNotMatch(page.html, new RegExp(String(comment!).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    assert.match(page.html, /which your account may not view/);
  });
});
