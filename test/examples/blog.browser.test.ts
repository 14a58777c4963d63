// @backends: sqlite-only
/**
 * `npm start`'s blog in a real browser (Debian's Chromium through playwright-core): delete a
 * post through the hand-written confirmation page, see it gone and the message, click Undo.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { accessibilityProblems, browserSkip, launchChromium } from '../support/browser.ts';
import { PATIENCE_MS } from '../support/patience.ts';

const root = new URL('../..', import.meta.url).pathname;
const skip = browserSkip;

let server: ChildProcess | undefined;
const databaseFile = join(root, 'test', '.tmp', `browser-blog-${process.pid}.db`);
let baseUrl = '';
let browser: Browser | undefined;
/** What Chromium refused under the pages' Content-Security-Policy, in every page of every test. */
const refusedByPolicy: string[] = [];

/** A page whose Content-Security-Policy refusals (and script errors) are noted in `refusedByPolicy`. */
async function watchedPage(context?: BrowserContext): Promise<Page> {
  const page = await (context ?? browser!).newPage();
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) refusedByPolicy.push(`${page.url()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => refusedByPolicy.push(`${page.url()}: ${error.message}`));
  return page;
}

/** Starts examples/blog/server.ts (what `npm start` runs) on a free port and waits for its line. */
async function startBlog(): Promise<void> {
  mkdirSync(join(root, 'test', '.tmp'), { recursive: true });
  const child = spawn(process.execPath, ['--import', 'tsx', 'examples/blog/server.ts'], {
    cwd: root,
    env: { ...process.env, PORT: '0', TROVE_BLOG_DB: databaseFile },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  server = child;
  baseUrl = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const url = /http:\/\/127\.0\.0\.1:\d+\//.exec(out)?.[0];
      if (url !== undefined) resolve(url);
    });
    child.once('exit', (code) => reject(new Error(`the blog server exited with ${code}: ${out}`)));
  });
}

before(async () => {
  if (skip) return;
  await startBlog();
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  server?.kill('SIGTERM');
  for (const suffix of ['', '-wal', '-shm']) rmSync(databaseFile + suffix, { force: true });
});

test('delete a post through the hand-written page, see the message, click Undo, see it back', { skip, timeout: PATIENCE_MS }, async () => {
  const page = await watchedPage();
  await page.goto(`${baseUrl}posts/`);
  const row = page.locator('tr', { hasText: 'Welcome to Trove' });
  await row.getByRole('link', { name: 'Delete', exact: true }).click();

  // Deleting needs an account: the login page sends us back to the confirmation afterwards.
  await page.getByLabel('Username').fill('admin');
  await page.getByLabel('Password').fill('admin');
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('heading', { name: 'Delete “Welcome to Trove”?' }).waitFor();
  assert.match(await page.textContent('main') ?? '', /and its 2 comments\?/);

  await page.getByRole('button', { name: 'Yes, delete' }).click();
  await page.waitForURL(`${baseUrl}posts/`);
  assert.equal(await page.getByRole('status').textContent(), 'Deleted “Welcome to Trove”.Undo');
  assert.equal(await page.getByRole('link', { name: 'Welcome to Trove' }).count(), 0);
  assert.equal(await page.getByRole('link', { name: 'Cascades explained' }).count(), 1);

  await page.getByRole('button', { name: 'Undo' }).click();
  await page.waitForURL(`${baseUrl}posts/`);
  assert.equal(await page.getByRole('status').textContent(), 'Restored 3 objects.');
  await page.getByRole('link', { name: 'Welcome to Trove' }).click();
  await page.getByRole('heading', { name: 'Comments (2)' }).waitFor();
});

test('the admin: log in, search with the keyboard, filter, sort, change a post after one invalid try, read its history; axe finds nothing serious, light or dark', { skip, timeout: PATIENCE_MS }, async () => {
  const page = await watchedPage();
  await page.goto(`${baseUrl}admin/blog/post/`);
  // Sent to the login page, which brings us back.
  assert.match(page.url(), /\/admin\/login\/\?next=%2Fadmin%2Fblog%2Fpost%2F$/);
  assert.deepEqual(await accessibilityProblems(page), []);
  await page.getByLabel('Username').fill('admin');
  await page.getByLabel('Password').fill('admin');
  await page.getByLabel('Password').press('Enter');
  await page.waitForURL(`${baseUrl}admin/blog/post/`);
  await page.getByRole('heading', { name: 'Select post to change' }).waitFor();
  assert.match(await page.getByRole('status').textContent() ?? '', /^\d+ results$/);

  // "/" jumps to the search box; Enter searches.
  await page.keyboard.press('/');
  await page.keyboard.type('cascades');
  await page.keyboard.press('Enter');
  await page.waitForURL(/q=cascades/);
  assert.deepEqual(await page.locator('table.list tbody th').allTextContents(), ['Cascades explained']);
  assert.match(await page.getByRole('status').textContent() ?? '', /1 result \(\d+ total\)/);

  await page.goto(`${baseUrl}admin/blog/post/`);
  await page.getByRole('complementary').getByRole('link', { name: 'Draft' }).click();
  await page.waitForURL(/status__exact=draft/);
  const drafts = await page.locator('table.list tbody tr').count();
  assert.ok(drafts > 0);
  assert.ok((await page.locator('table.list tbody td', { hasText: 'Published' }).count()) === 0);
  await page.getByRole('link', { name: 'Title' }).click();
  await page.waitForURL(/o=1/);
  const titles = await page.locator('table.list tbody th').allTextContents();
  assert.deepEqual(titles, [...titles].sort((a, b) => a.localeCompare(b)));

  // Tick the first draft, shift-click the last: the range between is ticked; publish them.
  const boxes = page.locator('input.action-select');
  await boxes.first().click();
  await boxes.last().click({ modifiers: ['Shift'] });
  assert.deepEqual(await boxes.evaluateAll((all) => all.map((box) => (box as unknown as { checked: boolean }).checked)), Array(drafts).fill(true));
  assert.equal(await page.locator('.action-counter').textContent(), `${drafts} of ${drafts} selected`);
  assert.deepEqual(await accessibilityProblems(page), []);
  await page.getByLabel('Action').selectOption({ label: 'Publish selected posts' });
  await page.getByRole('button', { name: 'Go' }).click();
  await page.waitForURL(/status__exact=draft/);
  assert.match(await page.getByRole('status').first().textContent() ?? '', new RegExp(`${drafts} posts? (was|were) published`));
  assert.equal(await page.locator('table.list tbody tr', { hasText: 'No rows match' }).count(), 1);

  // Open a post, try an empty title first (refused, nothing saved), then change it; the history says so.
  await page.goto(`${baseUrl}admin/blog/post/?q=cascades`);
  await page.getByRole('link', { name: 'Cascades explained' }).click();
  await page.getByRole('heading', { name: 'Change post' }).waitFor();
  assert.deepEqual(await accessibilityProblems(page), []);
  await page.getByLabel('Title').fill('');
  await page.getByRole('button', { name: 'Save and continue editing' }).click();
  await page.getByRole('alert').waitFor();
  assert.equal(await page.locator('#id_title_error').textContent(), 'This field is required.');
  assert.deepEqual(await accessibilityProblems(page), []);
  await page.getByLabel('Title').fill('Cascades, explained again');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await page.waitForURL(/\/admin\/blog\/post\/\?q=cascades$/);
  assert.match(await page.getByRole('status').first().textContent() ?? '', /was changed successfully/);
  await page.getByRole('link', { name: 'Cascades, explained again' }).click();
  await page.getByRole('link', { name: 'History' }).click();
  const history = await page.textContent('main') ?? '';
  assert.match(history, /Changed Title\./);
  assert.match(history, /Cascades explained\s*Cascades, explained again/);

  // A thousand more authors: the post's author becomes a search box; pick one with the keyboard.
  const file = new Sqlite(databaseFile);
  const insert = file.prepare('insert into blog_author (name, email) values (?, ?)');
  file.transaction(() => {
    for (let i = 0; i < 1000; i++) insert.run(`Writer ${i}`, `writer${i}@example.com`);
  })();
  file.close();
  await page.goto(`${baseUrl}admin/blog/post/add/`);
  await page.getByLabel('Title').fill('Picked from a thousand');
  const author = page.getByRole('combobox', { name: 'Author' });
  await author.fill('writer 420');
  await page.getByRole('option', { name: 'Writer 420' }).waitFor();
  assert.deepEqual(await accessibilityProblems(page), []);
  await author.press('Enter');
  assert.equal(await author.inputValue(), 'Writer 420');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await page.waitForURL(`${baseUrl}admin/blog/post/`);
  assert.match(await page.locator('table.list tbody tr', { hasText: 'Picked from a thousand' }).textContent() ?? '', /Writer 420/);

  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    for (const url of ['admin/', 'admin/blog/', 'admin/blog/post/?o=2', 'admin/blog/post/?createdAt__year=2026', 'admin/blog/post/add/', 'admin/blog/post/trash/', 'admin/password_change/']) {
      await page.goto(baseUrl + url);
      assert.deepEqual(await accessibilityProblems(page), [], `${url} (${colorScheme})`);
    }
  }
});

test('the admin deletes: tick three posts, Delete selected, confirm, Undo; delete one from its page and restore it from the trash; axe finds nothing serious', { skip, timeout: PATIENCE_MS }, async () => {
  const context = await browser!.newContext();
  const page = await watchedPage(context);
  await page.goto(`${baseUrl}admin/login/?next=/admin/blog/post/`);
  await page.getByLabel('Username').fill('admin');
  await page.getByLabel('Password').fill('admin');
  await page.getByLabel('Password').press('Enter');
  await page.waitForURL(`${baseUrl}admin/blog/post/`);
  const titles = async () => page.locator('table.list tbody th').allTextContents();
  const before = await titles();
  const chosen = before.slice(0, 3);
  for (const title of chosen) await page.getByRole('checkbox', { name: `Select ${title}` }).check();
  await page.getByLabel('Action').selectOption({ label: 'Delete selected posts' });
  await page.getByRole('button', { name: 'Go' }).click();
  await page.getByRole('heading', { name: 'Move to the trash?' }).waitFor();
  assert.match(await page.textContent('main') ?? '', /the 3 selected posts/);
  assert.equal(await page.locator('table.delete-summary tr[data-model="blog.Post"] td.number').textContent(), '3');
  assert.deepEqual(await accessibilityProblems(page), []);
  await page.getByLabel(/Reason/).fill('Spring cleaning');
  await page.getByRole('button', { name: 'Yes, move to the trash' }).click();
  await page.waitForURL(`${baseUrl}admin/blog/post/`);
  assert.match(await page.getByRole('status').first().textContent() ?? '', /Successfully moved 3 posts to the trash/);
  assert.deepEqual(await accessibilityProblems(page), [], 'the message with its Undo button');
  assert.deepEqual(await titles(), before.filter((t) => !chosen.includes(t)));
  await page.getByRole('button', { name: 'Undo' }).click();
  await page.waitForURL(`${baseUrl}admin/blog/post/`);
  assert.match(await page.getByRole('status').first().textContent() ?? '', /^Restored 3 posts/);
  assert.deepEqual(await titles(), before);

  // One post from its change page; then back from the trash.
  await page.getByRole('link', { name: before[0]! }).click();
  await page.getByRole('link', { name: 'Delete' }).click();
  await page.getByRole('heading', { name: 'Move to the trash?' }).waitFor();
  await page.getByRole('button', { name: 'Yes, move to the trash' }).click();
  await page.waitForURL(`${baseUrl}admin/blog/post/`);
  assert.ok(!(await titles()).includes(before[0]!));
  await page.getByRole('link', { name: 'Trash', exact: true }).first().click();
  await page.getByRole('heading', { name: 'Trash' }).waitFor();
  assert.deepEqual(await accessibilityProblems(page), []);
  await page.locator('table.trash tbody tr').first().getByRole('link').click();
  assert.deepEqual(await accessibilityProblems(page), []);
  await page.getByRole('button', { name: 'Restore all of it' }).click();
  assert.match(await page.getByRole('status').first().textContent() ?? '', /^Restored 1 post/);
  await page.goto(`${baseUrl}admin/blog/post/`);
  assert.deepEqual(await titles(), before);

  // The editor may delete posts but not the comments they take: Django's "Cannot delete".
  const editor = await watchedPage(await browser!.newContext());
  await editor.goto(`${baseUrl}admin/login/?next=/admin/blog/post/`);
  await editor.getByLabel('Username').fill('editor');
  await editor.getByLabel('Password').fill('editor');
  await editor.getByLabel('Password').press('Enter');
  await editor.waitForURL(`${baseUrl}admin/blog/post/`);
  await editor.getByRole('link', { name: 'Welcome to Trove' }).click();
  await editor.getByRole('link', { name: 'Delete' }).click();
  await editor.getByRole('heading', { name: 'Cannot delete post' }).waitFor();
  assert.match(await editor.textContent('main') ?? '', /permission to:\s*delete comments/);
  assert.deepEqual(await accessibilityProblems(editor), []);
  await context.close();
});

test("every admin page works under the Content-Security-Policy: the admin's script runs, nothing is refused; an injected inline script is", { skip, timeout: PATIENCE_MS }, async () => {
  const page = await watchedPage(await browser!.newContext());
  const response = await page.goto(`${baseUrl}admin/login/`);
  const policy = response!.headers()['content-security-policy'] ?? '';
  assert.match(policy, /default-src 'self'/);
  await page.getByLabel('Username').fill('admin');
  await page.getByLabel('Password').fill('admin');
  await page.getByLabel('Password').press('Enter');
  await page.waitForURL(`${baseUrl}admin/`);
  await page.goto(`${baseUrl}admin/blog/post/`);
  const first = await page.locator('table.list tbody tr').first().getByRole('link').first().getAttribute('href');
  const pages = [
    'admin/', 'admin/blog/', 'admin/blog/post/', 'admin/blog/post/?q=trove&o=-1', 'admin/blog/post/?status__exact=draft',
    'admin/blog/post/add/', first!.slice(1), first!.slice(1).replace('change/', 'delete/'), first!.slice(1).replace('change/', 'history/'),
    'admin/blog/comment/', 'admin/blog/author/add/', 'admin/blog/post/trash/', 'admin/trash/', 'admin/password_change/', 'admin/password_change/done/',
  ];
  for (const url of pages) {
    const visited = await page.goto(baseUrl + url);
    assert.equal(visited!.status(), 200, url);
    assert.equal(visited!.headers()['content-security-policy'], policy, url);
    // The stylesheet (a file, allowed by 'self') applied: the skip link is out of sight.
    assert.equal(await page.evaluate("getComputedStyle(document.querySelector('a.skip')).position"), 'absolute', url);
  }
  // The changelist's script ran: its select-all box is shown and its counter filled in.
  await page.goto(`${baseUrl}admin/blog/post/`);
  assert.equal(await page.locator('#action-toggle').isVisible(), true);
  assert.match(await page.locator('.action-counter').textContent() ?? '', /^0 of \d+ selected$/);
  assert.deepEqual(refusedByPolicy, [], 'nothing on any page of any test was refused or failed');

  // The policy is in force: a script written into the page inline does not run, and is reported.
  const ran = await page.evaluate(`(async () => {
    const script = document.createElement('script');
    script.textContent = 'window.injected = true';
    document.body.append(script);
    await new Promise((resolve) => setTimeout(resolve, 100));
    return window.injected === true;
  })()`);
  assert.equal(ran, false);
  assert.equal(refusedByPolicy.length, 1, refusedByPolicy.join('\n'));
  assert.match(refusedByPolicy[0]!, /inline script violates the following Content Security Policy directive/);
});
