/**
 * The blog example end to end, in process and over a real socket: deleting through the
 * hand-written view and through DeleteView, CSRF, permissions, 404s and Undo.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Deletion } from '../../src/index.ts';
import { Comment, Post } from '../../examples/blog/models.ts';
import { useBlogApp } from '../support/blog-app.ts';

const { transports } = useBlogApp({ socket: true });

async function welcome() {
  return Post.objects.get({ title: 'Welcome to Trove' });
}

for (const [transport, client] of Object.entries(transports)) {
  describe(`the blog, ${transport}`, () => {
    test('lists posts, shows one, and serves its stylesheet', async () => {
      const browser = client();
      const list = await browser.page('/posts/');
      assert.equal(list.status, 200);
      assert.match(list.html, /<a href="\/posts\/\d+\/">Welcome to Trove<\/a>/);
      assert.match(list.html, /<link rel="stylesheet" href="\/static\/blog.css"\/>/);
      const post = await welcome();
      const detail = await browser.page(`/posts/${post.id}/`);
      assert.match(detail.html, /Comments \(2\)/);
      assert.equal((await browser.get('/static/blog.css')).headers.get('content-type'), 'text/css; charset=utf-8');
      assert.equal((await browser.get('/')).headers.get('location'), '/posts/');
    });

    test('login follows a next on this site only', async () => {
      for (const [next, expected] of [['/posts/?page=2', '/posts/?page=2'], ['/\t/evil.example/', '/posts/'], ['//evil.example/', '/posts/'], ['https://evil.example/', '/posts/'], ['javascript:alert(1)', '/posts/']]) {
        const browser = client();
        await browser.page('/login/');
        const response = await browser.post('/login/', { username: 'admin', password: 'admin', next: next! });
        assert.equal(response.status, 302, next);
        assert.equal(response.headers.get('location'), expected, next);
      }
    });

    test('the hand-written view: GET confirms and deletes nothing, POST deletes, redirects and shows the message; Undo restores', async () => {
      const browser = client();
      await browser.login('admin', 'admin');
      const post = await welcome();
      const confirm = await browser.page(`/posts/${post.id}/delete/`);
      assert.equal(confirm.status, 200);
      assert.match(confirm.html, /Are you sure you want to delete “Welcome to Trove” and its 2 comments\?/);
      assert.equal(await Post.objects.count(), 4);
      const deleted = await browser.post(`/posts/${post.id}/delete/`);
      assert.equal(deleted.status, 302);
      assert.equal(deleted.headers.get('location'), '/posts/');
      assert.equal(await Post.objects.filter({ id: post.id }).exists(), false);
      assert.equal(await Comment.objects.filter({ post: post.id }).count(), 0);
      const record = await Deletion.objects.get({ rootLabel: 'blog.Post' });
      assert.equal(record.actor, 'admin');
      assert.deepEqual(record.counts, { 'blog.Comment': 2, 'blog.Post': 1 });
      const list = await browser.page('/posts/');
      assert.doesNotMatch(list.html, /Welcome to Trove<\/a>/);
      assert.match(list.html, /Deleted “Welcome to Trove”\.<form method="post" action="\/trash\/[0-9a-f-]{36}\/restore\/" class="undo">/);
      const undoUrl = /action="(\/trash\/[^"]+)"/.exec(list.html)![1]!;
      const undone = await browser.post(undoUrl);
      assert.equal(undone.status, 302);
      assert.equal(await Post.objects.filter({ id: post.id }).exists(), true);
      assert.equal(await Comment.objects.filter({ post: post.id }).count(), 2);
      assert.match((await browser.page('/posts/')).html, /Restored 3 objects\./);
    });

    test('DeleteView: the confirmation lists what goes; POST deletes and offers Undo', async () => {
      const browser = client();
      await browser.login('admin', 'admin');
      const post = await welcome();
      const confirm = await browser.page(`/posts/${post.id}/remove/`);
      assert.match(confirm.html, /Are you sure you want to move the post “Welcome to Trove” to the trash\?/);
      assert.match(confirm.html, /Post: 1.*Comments: 2/s);
      assert.match(confirm.html, /Signed in as <strong>admin<\/strong>/, 'rendered in the blog layout');
      const deleted = await browser.post(`/posts/${post.id}/remove/`);
      assert.equal(deleted.status, 302);
      assert.equal(await Post.objects.count(), 3);
      assert.match((await browser.page('/posts/')).html, /The post “Welcome to Trove” was moved to the trash with 2 related objects\..*Undo/s);
    });

    test('POST without or with a wrong CSRF token, or from another site, is a 403 and deletes nothing', async () => {
      const browser = client();
      await browser.login('admin', 'admin');
      const post = await welcome();
      for (const url of [`/posts/${post.id}/delete/`, `/posts/${post.id}/remove/`]) {
        assert.equal((await browser.post(url, {}, { token: null })).status, 403);
        assert.equal((await browser.post(url, {}, { token: 'forged'.repeat(7) })).status, 403);
        assert.equal((await browser.post(url, {}, { headers: { origin: 'http://evil.example' } })).status, 403);
      }
      assert.equal(await Post.objects.count(), 4);
      assert.equal(await Deletion.objects.count(), 0);
    });

    test('unknown and malformed ids are 404s; without the delete permission, 403', async () => {
      const browser = client();
      await browser.login('admin', 'admin');
      for (const url of ['/posts/999/delete/', '/posts/999/remove/', '/posts/abc/delete/', '/posts/1x/remove/', '/posts/999/']) {
        assert.equal((await browser.get(url)).status, 404, url);
      }
      const reader = client();
      await reader.login('reader', 'reader');
      const post = await welcome();
      for (const url of [`/posts/${post.id}/delete/`, `/posts/${post.id}/remove/`]) {
        assert.equal((await reader.get(url)).status, 403);
        assert.equal((await reader.post(url)).status, 403);
      }
      assert.equal(await Post.objects.count(), 4);
      const anonymous = client();
      assert.equal((await anonymous.get(`/posts/${post.id}/delete/`)).headers.get('location'), `/login/?next=${encodeURIComponent(`/posts/${post.id}/delete/`)}`);
    });
  });
}
