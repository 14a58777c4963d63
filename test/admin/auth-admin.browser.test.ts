// @backends: sqlite-only
/**
 * The permissions picker in Chromium (playwright-core, Debian's chromium): admin.js turns the
 * multiple select into a filter box over checkboxes, used here with the keyboard alone; axe-core
 * finds nothing serious on the group and user pages; the strict CSP refuses nothing.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { accessibilityProblems, browserSkip, launchChromium, adminPage } from '../support/browser.ts';
import { Group, User } from '../../src/auth/index.ts';
import { useBlogApp } from '../support/blog-app.ts';
import { PATIENCE_MS } from '../support/patience.ts';
import { TestClient } from '../support/web.ts';

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
  const base = (transports['over a socket']!() as TestClient).origin;
  const page = await adminPage(browser!, base, problems);
  return { page, base };
}

test('a group gets a permission picked with the keyboard only: filter, tab, space, save', { skip, timeout: PATIENCE_MS }, async () => {
  const { page, base } = await loggedIn();
  await page.goto(`${base}/admin/auth/group/add/`);
  const filter = page.getByRole('searchbox', { name: 'Filter permissions' });
  assert.equal(await filter.isVisible(), true, 'admin.js shows the filter box');
  assert.equal(await page.locator('select#id_permissions').isVisible(), false, 'and hides the select it drives');
  assert.deepEqual(await accessibilityProblems(page), []);

  await page.getByLabel('Name').focus();
  await page.keyboard.type('Post cleaners');
  await page.keyboard.press('Tab');
  assert.equal(await filter.evaluate((el) => el === (globalThis as unknown as { document: { activeElement: unknown } }).document.activeElement), true, 'the filter comes next');
  await page.keyboard.type('delete post');
  // Enter filters; it must not submit the form.
  await page.keyboard.press('Enter');
  assert.equal(new URL(page.url()).pathname, '/admin/auth/group/add/');
  const shown = page.locator('.choices li:not([hidden])');
  assert.deepEqual(await shown.allTextContents(), ['blog | post | Can delete post']);
  await page.keyboard.press('Tab'); // Choose all shown
  await page.keyboard.press('Tab'); // Remove all shown
  await page.keyboard.press('Tab'); // the one checkbox left in view
  await page.keyboard.press('Space');
  assert.match(await page.locator('.filter-status').textContent() ?? '', /^1 chosen; 1 of \d+ shown\.$/);
  // Filtering again hides the choice but keeps it.
  await filter.fill('comment');
  assert.match(await page.locator('.filter-status').textContent() ?? '', /^1 chosen; [1-9]\d* of \d+ shown\./);
  mkdirSync(join(root, 'test', '.tmp'), { recursive: true });
  await page.screenshot({ path: join(root, 'test', '.tmp', 'auth-admin-group-picker.png'), fullPage: true });
  await page.getByRole('button', { name: 'Save', exact: true }).press('Enter');
  await page.waitForURL(`${base}/admin/auth/group/`);
  const group = await Group.objects.get({ name: 'Post cleaners' });
  assert.deepEqual((await group.permissions.all()).map((p) => `${p.modelLabel}.${p.codename}`), ['blog.Post.delete_post']);
  assert.deepEqual(problems, []);
  await page.close();
});

test('the user pages pass axe: add, change (hash summary, pickers) and the password page', { skip, timeout: PATIENCE_MS }, async () => {
  const { page, base } = await loggedIn();
  const editor = await User.objects.get({ username: 'editor' });
  for (const path of ['/admin/auth/user/', '/admin/auth/user/add/', `/admin/auth/user/${editor.id}/change/`, `/admin/auth/user/${editor.id}/password/`]) {
    await page.goto(`${base}${path}`);
    assert.deepEqual(await accessibilityProblems(page), [], path);
  }
  await page.goto(`${base}/admin/auth/user/${editor.id}/change/`);
  await page.screenshot({ path: join(root, 'test', '.tmp', 'auth-admin-user-change.png'), fullPage: true });
  await page.getByRole('link', { name: 'Reset password' }).click();
  await page.waitForURL(`${base}/admin/auth/user/${editor.id}/password/`);
  await page.getByLabel('Password', { exact: true }).fill('a quiet harbour');
  await page.getByLabel('Password (again)').fill('a quiet harbour');
  await page.getByRole('button', { name: 'Change password' }).click();
  await page.waitForURL(`${base}/admin/auth/user/${editor.id}/change/`);
  assert.match(await page.locator('body').textContent() ?? '', /Password changed successfully\./);
  assert.deepEqual(problems, []);
  await page.close();
});
