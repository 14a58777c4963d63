// @backends: sqlite-only
/**
 * Stored and reflected markup in a real browser (Debian's Chromium): names, titles, comments and
 * tags written by an attacker, and search terms in links, are shown on every blog and admin page
 * as text. A payload that runs sets `window.__xss` or opens a dialog; neither may happen, and no
 * page may hold an element the payload made.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { browserSkip, launchChromium } from '../support/browser.ts';
import { createBlogApp } from '../../examples/blog/app.ts';
import { Author, Comment, Post, Tag } from '../../examples/blog/models.ts';
import { seedDemoUsers } from '../../examples/blog/seed.ts';
import type { Database } from '../../src/index.ts';
import { setupDatabase } from '../support/database.ts';
import { PATIENCE_MS } from '../support/patience.ts';
import { listen } from '../support/web.ts';

const skip = browserSkip;

/** Each payload marks the page when it runs; `data-xss` marks an element it managed to make. */
/** Run in the page: did a payload run, and how many elements did payloads make? (A string: tsc knows no DOM here.) */
const PROBE = `({ xss: window.__xss, made: document.querySelectorAll('[data-xss]').length })`;

const PAYLOADS = [
  '<img src=x onerror="window.__xss=1" data-xss>',
  '"><script>window.__xss=1</script><b data-xss>',
  "'><svg onload=window.__xss=1 data-xss>",
  '</textarea><script>window.__xss=1</script>',
  '<a href="javascript:window.__xss=1" data-xss>x</a>',
];

let db: Database;
let server: Awaited<ReturnType<typeof listen>> | undefined;
let browser: Browser | undefined;
let postIds: number[] = [];

before(async () => {
  if (skip) return;
  db = await setupDatabase();
  await seedDemoUsers();
  for (const [i, payload] of PAYLOADS.entries()) {
    const author = await Author.objects.create({ name: `Ann ${payload}`, email: `ann${i}@example.com` });
    const tag = await Tag.objects.create({ name: `tag${i} ${payload}`.slice(0, 50) });
    const post = await Post.objects.create({ title: `Post ${payload}`, content: payload, author, status: 'published' });
    await post.tags.add(tag);
    await Comment.objects.create({ post, author, text: `Nice ${payload}` });
    postIds.push(post.id);
  }
  // One in the trash, so the trash pages show it too.
  await Post.objects.filter({ id: postIds.at(-1)! }).delete({ reason: PAYLOADS[0] });
  postIds = postIds.slice(0, -1);
  server = await listen(createBlogApp({ secretKey: 'blog-xss-secret-key-long-enough' }));
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await server?.close();
  await db?.close();
});

/** Opens `path` and says whether any payload ran or made an element. */
async function visit(page: Page, path: string, ran: string[]): Promise<void> {
  await page.goto(`${server!.url}${path}`);
  const state = await page.evaluate<{ xss?: number; made: number }>(PROBE);
  if (state.xss !== undefined || state.made > 0) ran.push(`${path}: ${state.xss !== undefined ? 'a payload ran' : ''} ${state.made > 0 ? `${state.made} elements made` : ''}`);
}

test('payloads stored in every field, and sent in links, stay text on the blog and admin pages', { skip, timeout: PATIENCE_MS }, async () => {
  const page = await browser!.newPage();
  const ran: string[] = [];
  page.on('dialog', (dialog) => {
    ran.push(`a dialog opened on ${page.url()}`);
    void dialog.dismiss();
  });
  const q = encodeURIComponent(PAYLOADS[1]!);
  for (const path of ['/posts/', ...postIds.map((id) => `/posts/${id}/`), `/posts/${postIds[0]}/delete/`, `/login/?next=${q}`]) await visit(page, path, ran);

  await page.goto(`${server!.url}/admin/login/`);
  await page.getByLabel('Username').fill('admin');
  await page.getByLabel('Password').fill('admin');
  await page.getByLabel('Password').press('Enter');
  await page.waitForURL(/\/admin\/$/);
  const admin = [
    '/admin/', '/admin/blog/', '/admin/blog/post/', '/admin/blog/author/', '/admin/blog/comment/', '/admin/blog/tag/',
    `/admin/blog/post/?q=${q}`, `/admin/blog/post/?author__id__exact=1&q=${q}`, `/admin/blog/post/?o=${q}`, `/admin/blog/post/?status__exact=${q}`,
    ...postIds.flatMap((id) => [`/admin/blog/post/${id}/change/`, `/admin/blog/post/${id}/delete/`, `/admin/blog/post/${id}/history/`]),
    '/admin/blog/author/1/change/', '/admin/blog/author/1/delete/', '/admin/blog/post/add/', '/admin/trash/',
  ];
  for (const path of admin) await visit(page, path, ran);
  // A changelist with every row ticked for deletion: the confirmation lists them all.
  await page.goto(`${server!.url}/admin/blog/post/`);
  await page.locator('#action-toggle').check();
  await page.getByLabel('Action').selectOption('delete_selected');
  await page.getByRole('button', { name: 'Go' }).click();
  await page.getByRole('button', { name: /Yes/ }).waitFor();
  const state = await page.evaluate<{ xss?: number; made: number }>(PROBE);
  if (state.xss !== undefined || state.made > 0) ran.push('the delete_selected confirmation');
  assert.deepEqual(ran, []);
});
