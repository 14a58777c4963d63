/**
 * Relations in the add and change forms: a select for a small table; above 1,000 related rows a
 * key input that admin.js turns into a search box (the autocomplete endpoint), which without
 * JavaScript still saves, shows whom its key names, and gives the history names, not numbers.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Author, Post, Tag } from '../../examples/blog/models.ts';
import { SELECT_LIMIT } from '../../src/admin/forms.ts';
import { useBlogApp } from '../support/blog-app.ts';
import { TestClient } from '../support/web.ts';

const { app } = useBlogApp();

async function admin(): Promise<TestClient> {
  const client = TestClient.inProcess(app);
  await client.login('admin', 'admin', '/admin/login/');
  return client;
}

test('a small related table is a select; above the limit, a key input wired to the autocomplete endpoint', async () => {
  const browser = await admin();
  const small = await browser.page('/admin/blog/post/add/');
  assert.match(small.html, /<select id="id_author" name="author"/);
  await Author.objects.bulkCreate(Array.from({ length: SELECT_LIMIT }, (_, i) => ({ name: `Writer ${i}`, email: `w${i}@example.com` })));
  const large = await browser.page('/admin/blog/post/add/');
  assert.doesNotMatch(large.html, /<select id="id_author"/);
  assert.match(large.html, /<div class="related-key" data-autocomplete-url="\/admin\/autocomplete\/\?app_label=blog&amp;model_name=post&amp;field_name=author"><input type="text" id="id_author" name="author" value=""/);
  // The URL in the page answers with the related rows.
  const url = /data-autocomplete-url="([^"]+)"/.exec(large.html)![1]!.replaceAll('&amp;', '&');
  const answer = (await (await browser.get(`${url}&term=Writer 99`)).json()) as { results: { text: string }[] };
  // Every word matches somewhere: "Writer 99" finds 199 and 990 too (19 writers, one page).
  const expected = Array.from({ length: SELECT_LIMIT }, (_, i) => `Writer ${i}`).filter((name) => name.includes('99'));
  assert.deepEqual(answer.results.map((r) => r.text).sort(), expected.sort());
});

test('without JavaScript the key input saves, shows whom it names, and the history names them', async () => {
  const browser = await admin();
  await Author.objects.bulkCreate(Array.from({ length: SELECT_LIMIT }, (_, i) => ({ name: `Writer ${i}`, email: `w${i}@example.com` })));
  await Tag.objects.bulkCreate(Array.from({ length: SELECT_LIMIT }, (_, i) => ({ name: `tag-${i}` })));
  const writer = await Author.objects.get({ name: 'Writer 7' });
  const [t1, t2] = await Tag.objects.filter({ name__in: ['tag-1', 'tag-2'] }).orderBy('name');
  const post = await Post.objects.get({ title: 'Welcome to Trove' });
  const form = await browser.page(`/admin/blog/post/${post.id}/change/`);
  const ann = await Author.objects.get({ id: post.authorId });
  assert.match(form.html, new RegExp(`name="author" value="${ann.id}"[^>]*/><span class="current" id="id_author_current">Ann Archer</span>`));
  const res = await browser.post(`/admin/blog/post/${post.id}/change/`, { title: post.title, content: post.content, status: post.status, author: String(writer.id), tags: `${t1!.id}, ${t2!.id}`, _continue: '1' });
  assert.equal(res.status, 302);
  const saved = await Post.objects.get({ id: post.id });
  assert.equal(saved.authorId, writer.id);
  assert.deepEqual((await saved.tags.all()).map((t) => t.name).sort(), ['tag-1', 'tag-2']);
  const again = await browser.page(`/admin/blog/post/${post.id}/change/`);
  assert.match(again.html, /<span class="current" id="id_tags_current">tag-1, tag-2<\/span>/);
  const history = await browser.page(`/admin/blog/post/${post.id}/history/`);
  assert.match(history.html, /<td>Ann Archer<\/td><td>Writer 7<\/td>/);
  // A key that names nobody is an error beside the field, and nothing is saved.
  const bad = await browser.post(`/admin/blog/post/${post.id}/change/`, { title: post.title, content: post.content, status: post.status, author: '999999', tags: '', _save: '1' });
  assert.equal(bad.status, 200);
  assert.match(await bad.text(), /id="id_author_error"/);
  assert.equal((await Post.objects.get({ id: post.id })).authorId, writer.id);
});
