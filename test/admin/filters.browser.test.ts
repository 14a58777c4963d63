// @backends: sqlite-only
/**
 * The sidebar's value and reverse-relation filters in Chromium: axe-core finds nothing serious
 * on a list with them (the "(empty)" value has a name, the cut list's note is text), clicking a
 * value filters the list, and the strict CSP refuses nothing. A screenshot is left in test/.tmp.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { DISTINCT_VALUES } from '../../src/admin/value-filter.ts';
import { accessibilityProblems, browserSkip, launchChromium } from '../support/browser.ts';
import { withSeededDatabase } from '../support/database.ts';
import { PATIENCE_MS } from '../support/patience.ts';
import { listen } from '../support/web.ts';
import { app, Book, seedLibrary } from './filters-site.ts';

const root = new URL('../..', import.meta.url).pathname;
const skip = browserSkip;

withSeededDatabase(seedLibrary);
let server: Awaited<ReturnType<typeof listen>>;
let browser: Browser | undefined;
before(async () => {
  server = await listen(app);
  if (!skip) browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await server.close();
});

test('the filters pass axe, and a click on a value filters the list', { skip, timeout: PATIENCE_MS }, async () => {
  await Book.objects.bulkCreate(Array.from({ length: DISTINCT_VALUES + 1 }, (_, i) => new Book({ title: 'Filler', pages: 1000 + i })));
  const page = await browser!.newPage();
  const problems: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto(`${server.url}/admin/login/`);
  await page.getByLabel('Username').fill('root');
  await page.getByLabel('Password').fill('root-pass');
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(/\/admin\/$/);
  for (const list of ['/admin/vf/book/', '/admin/vf/shelf/']) {
    await page.goto(`${server.url}${list}`);
    assert.deepEqual(await accessibilityProblems(page), [], list);
  }
  await page.goto(`${server.url}/admin/vf/book/`);
  mkdirSync(join(root, 'test', '.tmp'), { recursive: true });
  await page.screenshot({ path: join(root, 'test', '.tmp', 'admin-value-filters.png'), fullPage: true });
  assert.equal(await page.getByText(`Only the first ${DISTINCT_VALUES} values are listed.`).count(), 1);
  await page.getByRole('region', { name: 'By title' }).getByRole('link', { name: 'Emma' }).click();
  await page.waitForURL(/title__exact=Emma/);
  assert.equal(await page.locator('th[scope="row"]').count(), 1);
  await page.goto(`${server.url}/admin/vf/shelf/`);
  await page.getByRole('region', { name: 'By book' }).getByRole('link', { name: 'None' }).click();
  await page.waitForURL(/books__isnull=True/);
  assert.deepEqual(await page.locator('th[scope="row"]').allTextContents(), ['C']);
  await page.screenshot({ path: join(root, 'test', '.tmp', 'admin-reverse-filter.png'), fullPage: true });
  assert.deepEqual(problems, []);
});
