// @backends: sqlite-only
/**
 * A ModelForm page in Chromium (playwright-core): axe finds nothing serious on the empty form or
 * on the form with errors; a person using only the keyboard, with JavaScript off, adds a book,
 * meets an error, fixes it and saves. A screenshot of the page with errors is written to
 * test/.tmp/model-form-errors.png for a person to look at.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { accessibilityProblems, browserSkip, launchChromium } from '../../support/browser.ts';
import { BaseLayout, createApp, CreateView, path, UpdateView, type LayoutProps } from '../../../src/web/index.ts';
import { withSeededDatabase } from '../../support/database.ts';
import { PATIENCE_MS } from '../../support/patience.ts';
import { listen } from '../../support/web.ts';
import { Author, Book, Tag } from './library.ts';

const root = new URL('../../..', import.meta.url).pathname;
const skip = browserSkip;

const seeded = withSeededDatabase(async () => {
  const jane = await Author.objects.create({ name: 'Jane Austen', email: 'jane@example.com' });
  await Author.objects.create({ name: 'Mary Shelley', email: 'mary@example.com' });
  await Tag.objects.bulkCreate([{ name: 'classic' }, { name: 'gothic' }, { name: 'romance' }]);
  await Book.objects.create({ title: 'Emma', author: jane });
  return { jane };
});

/** A little style, as a project's own stylesheet would have (the pages' policy refuses inline styles): the screenshot should look like a page. */
const css = 'body{font:16px system-ui;margin:2rem;max-width:40rem}.form-row{margin:0 0 1rem;display:grid;gap:.25rem}'
    + '.errorlist{color:#a00;margin:0;padding-left:1.2rem}.errornote{border:2px solid #a00;padding:.5rem 1rem;margin-bottom:1rem}'
    + '[aria-invalid=true]{outline:2px solid #a00}.help{color:#555;margin:0}input,select{font:inherit;padding:.25rem}'
  + '.required-marker{color:#a00}';

function LibraryLayout(props: LayoutProps) {
  return <BaseLayout {...props} stylesheets={['/library.css']} />;
}

const web = createApp({
  secretKey: 'a-test-secret-key-that-is-long-enough',
  layout: LibraryLayout,
  urls: [
    path('books/add/', CreateView.for(Book, { fields: ['title', 'author', 'tags', 'published'], permission: null, successUrl: '/books/done/' })),
    path('books/<int:id>/edit/', UpdateView.for(Book, { fields: ['title', 'author', 'tags', 'published'], permission: null, successUrl: '/books/done/' })),
    path('library.css', () => new Response(css, { headers: { 'content-type': 'text/css' } })),
    path('books/done/', () => new Response('<!doctype html><html lang="en"><title>Saved</title><main><h1>Saved</h1></main></html>', { headers: { 'content-type': 'text/html' } })),
  ],
});

let server: Awaited<ReturnType<typeof listen>>;
let browser: Browser | undefined;
before(async () => {
  if (skip) return;
  server = await listen(web);
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

/** The focused element's id, or its text when it has none (a link). */
function focused(page: Page): Promise<string | undefined> {
  return page.evaluate(() => {
    const element = (globalThis as unknown as { document: { activeElement: { id: string; textContent: string } | null } }).document.activeElement;
    return element === null ? undefined : element.id || element.textContent;
  });
}

test('axe finds nothing serious on the empty form, the form with errors, or an edit form', { skip, timeout: PATIENCE_MS }, async () => {
  const page = await browser!.newPage();
  await page.goto(`${server.url}/books/add/`);
  assert.deepEqual(await accessibilityProblems(page), []);
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('alert').waitFor();
  assert.deepEqual(await accessibilityProblems(page), []);
  // The error is tied to its input: the accessible description is the message.
  const title = page.getByRole('textbox', { name: 'Title' });
  assert.equal(await title.getAttribute('aria-invalid'), 'true');
  assert.equal(await title.evaluate((el) => (el as unknown as { ownerDocument: { getElementById(id: string): { textContent: string } | null } }).ownerDocument.getElementById(el.getAttribute('aria-describedby')!)?.textContent), 'This field is required.');
  mkdirSync(join(root, 'test', '.tmp'), { recursive: true });
  await page.screenshot({ path: join(root, 'test', '.tmp', 'model-form-errors.png'), fullPage: true });
  const emma = await Book.objects.get({ title: 'Emma' });
  await page.goto(`${server.url}/books/${emma.id}/edit/`);
  assert.equal(await page.getByRole('textbox', { name: 'Title' }).inputValue(), 'Emma');
  assert.deepEqual(await accessibilityProblems(page), []);
  await page.close();
});

test('with the keyboard only and JavaScript off: tab through, meet an error, follow its link, fix it, save', { skip, timeout: PATIENCE_MS }, async () => {
  const context = await browser!.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${server.url}/books/add/`);
  await page.keyboard.press('Tab');
  assert.equal(await focused(page), 'id_title');
  // Leave the title empty; choose the second author; tick a tag; a day.
  await page.keyboard.press('Tab');
  assert.equal(await focused(page), 'id_author');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Tab');
  assert.equal(await focused(page), 'id_tags');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Tab');
  assert.equal(await focused(page), 'id_published');
  await page.keyboard.type('12201817');
  await page.keyboard.press('Enter');
  await page.getByRole('alert').waitFor();
  assert.match(await page.getByRole('alert').textContent() ?? '', /Title: This field is required\./);
  // What was chosen is still chosen.
  assert.equal(await page.getByRole('combobox', { name: 'Author' }).inputValue(), String((await Author.objects.get({ name: 'Mary Shelley' })).id));
  assert.equal(await page.locator('#id_published').inputValue(), '1817-12-20');
  // The summary's link leads to the field; type the title there and send the form with Enter.
  await page.keyboard.press('Tab');
  assert.equal(await focused(page), 'Title');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Tab');
  assert.equal(await focused(page), 'id_title');
  await page.keyboard.type('Northanger Abbey');
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'Saved' }).waitFor();
  const book = await Book.objects.get({ title: 'Northanger Abbey' });
  assert.equal(book.published, '1817-12-20');
  assert.equal((await book.tags.all()).map(String).join(), 'classic');
  await context.close();
});
