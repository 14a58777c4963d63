// @backends: sqlite-only
/**
 * An online operation's page in Chromium: axe-core finds nothing serious on it or on the cancel
 * confirmation; the figures follow the worker in place (admin.js, no reload); Pause, Resume and
 * Cancel are reached and pressed with the keyboard alone.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { sql } from 'kysely';
import { getDatabase, OnlineOperation, OperationWorker } from '../../src/index.ts';
import { Author, Comment, Post } from '../../examples/blog/models.ts';
import { accessibilityProblems, browserSkip, launchChromium, adminPage } from '../support/browser.ts';
import { useBlogApp } from '../support/blog-app.ts';
import { PATIENCE_MS } from '../support/patience.ts';

const root = new URL('../..', import.meta.url).pathname;
const skip = browserSkip;

const { transports } = useBlogApp({ socket: true });
let browser: Browser | undefined;
const problems: string[] = [];

before(async () => {
  if (skip) return;
  browser = await launchChromium();
});
after(() => browser?.close());

async function loggedIn(): Promise<{ page: Page; base: string }> {
  const base = transports['over a socket']!().origin;
  const page = await adminPage(browser!, base, problems, { viewport: { width: 1200, height: 900 } });
  return { page, base };
}

/** Runs `batches` batches of one root key each, then lets go as a worker that stops would: the operation stays running. */
async function runBatches(batches: number): Promise<void> {
  const stop = new AbortController();
  let seen = 0;
  const worker = new OperationWorker(getDatabase(), { initialBatchSize: 1, maxBatchSize: 1, maxLockWaiters: 1_000, onEvent: (e) => { if (e.kind === 'batch' && ++seen >= batches) stop.abort(); } });
  const id = await worker.claim();
  assert.ok(id !== undefined);
  await worker.run(id, stop.signal);
}

/** Presses Tab until the focused element's text is `name`; fails after 60 presses. */
async function tabTo(page: Page, name: string): Promise<void> {
  for (let i = 0; i < 60; i++) {
    await page.keyboard.press('Tab');
    const text = await page.evaluate(() => (globalThis as unknown as { document: { activeElement: { textContent: string | null } | null } }).document.activeElement?.textContent?.trim() ?? '');
    if (text === name) return;
  }
  assert.fail(`Tab never reached "${name}"`);
}

const doneText = (page: Page) => page.locator('dl.figures div:first-child dd').textContent();

test('the page of a running operation passes axe, follows the worker in place, and is steered with the keyboard', { skip, timeout: PATIENCE_MS }, async () => {
  const bob = await Author.objects.get({ name: 'Bob Baker' });
  const posts = await Post.objects.bulkCreate(Array.from({ length: 30 }, (_, i) => ({ title: `Old draft ${i}`, author: bob })));
  await Comment.objects.bulkCreate(posts.flatMap((post) => Array.from({ length: 4 }, (_, i) => ({ post, text: `Remark ${i}` }))));
  const started = await Post.objects.all().delete({ online: true, actor: 'admin', reason: 'Clearing out old drafts', source: 'admin' });
  await runBatches(12);

  const { page, base } = await loggedIn();
  const url = `${base}/admin/operations/${started.operationId}/`;
  await page.goto(url);
  assert.equal(await page.locator('h1').textContent(), 'Move to the trash: posts');
  assert.deepEqual(await accessibilityProblems(page), []);
  mkdirSync(join(root, 'test', '.tmp'), { recursive: true });
  await page.screenshot({ path: join(root, 'test', '.tmp', 'operation-page.png'), fullPage: true });

  // admin.js replaces the figures as a worker goes on; the page itself is not reloaded.
  const before = await doneText(page);
  await page.evaluate(() => { (globalThis as unknown as { marker: number }).marker = 1; });
  await runBatches(3);
  await page.waitForFunction((text) => (globalThis as unknown as { document: { querySelector(s: string): { textContent: string } | null } }).document.querySelector('dl.figures div:first-child dd')?.textContent !== text, before, { timeout: 15_000 });
  assert.equal(await page.evaluate(() => (globalThis as unknown as { marker?: number }).marker), 1, 'updated in place');

  await tabTo(page, 'Pause');
  await page.keyboard.press('Enter');
  await page.waitForSelector('text=The operation is paused');
  assert.equal((await OnlineOperation.objects.get({ id: started.operationId })).state, 'paused');
  await tabTo(page, 'Resume');
  await page.keyboard.press('Enter');
  await page.waitForSelector('text=The operation is queued again');
  await tabTo(page, 'Cancel…');
  await page.keyboard.press('Enter');
  await page.waitForURL(`${url}cancel/`);
  assert.deepEqual(await accessibilityProblems(page), []);
  await page.screenshot({ path: join(root, 'test', '.tmp', 'operation-cancel.png'), fullPage: true });
  await tabTo(page, 'Yes, cancel it');
  await page.keyboard.press('Enter');
  await page.waitForURL(url);
  await page.waitForSelector('text=everything it had moved to the trash is back');
  assert.equal((await OnlineOperation.objects.get({ id: started.operationId })).state, 'cancelled');
  assert.equal(await Post.objects.count(), 34);
  assert.equal(await Comment.objects.count(), 123);
  assert.deepEqual(await accessibilityProblems(page), []);
  await page.screenshot({ path: join(root, 'test', '.tmp', 'operation-cancelled.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await page.close();
});

test('the purge page of a large trash offers Purge in the background: it passes axe, and the keyboard alone starts it', { skip, timeout: PATIENCE_MS }, async () => {
  // onlineDeleteThreshold (100,000 by default) rows in the trash, inserted in one statement.
  const bob = await Author.objects.get({ name: 'Bob Baker' });
  const db = getDatabase();
  const created = new Date().toISOString();
  await db.execute(sql`with recursive n(i) as (select 1 union all select i + 1 from n where i < 100000)
    insert into blog_post (title, content, status, author_id, created_at) select 'Bulk ' || i, '', 'draft', ${bob.id}, ${created} from n`.compile(db.kysely));
  const { deletionId } = await Post.objects.filter({ title__startswith: 'Bulk ' }).delete();

  const { page, base } = await loggedIn();
  await page.goto(`${base}/admin/trash/${deletionId}/purge/`);
  assert.deepEqual(await accessibilityProblems(page), []);
  await page.screenshot({ path: join(root, 'test', '.tmp', 'purge-background.png'), fullPage: true });
  await tabTo(page, 'Purge in the background');
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/admin\/operations\/[0-9a-f-]+\/$/);
  const op = await OnlineOperation.objects.get();
  assert.deepEqual([op.kind, op.deletionId, op.state], ['purge', deletionId, 'queued']);
  assert.deepEqual(await accessibilityProblems(page), []);
  assert.equal(await Post.allObjects.filter({ title__startswith: 'Bulk ' }).count(), 100_000, 'nothing is gone before a worker runs');
  assert.deepEqual(problems, []);
  await page.close();
});
