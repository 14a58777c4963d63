// @backends: sqlite-only
/**
 * docs/forms.md's library example runs as written: the block between its forms-example markers
 * is imported as a module, mounted in an app, and driven over HTTP as a librarian would.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { User } from '../src/auth/index.ts';
import { createApp, type Route } from '../src/web/index.ts';
import { withSeededDatabase } from './support/database.ts';
import { loginRoute, TestClient } from './support/web.ts';

const root = new URL('..', import.meta.url).pathname;

function exampleSource(): string {
  const doc = readFileSync(join(root, 'docs', 'forms.md'), 'utf8');
  const block = /<!-- forms-example:start -->\s*```tsx\n([\s\S]*?)```\s*<!-- forms-example:end -->/.exec(doc);
  assert.ok(block, 'docs/forms.md has the library example between <!-- forms-example:start --> and <!-- forms-example:end -->');
  // test/.tmp is outside the project's tsconfig: say how to compile JSX, and where Trove is.
  return ['/** @jsxRuntime automatic */', '/** @jsxImportSource hono/jsx */', block[1]!
    .replace(/from 'trove'/g, `from '${root}src/index.ts'`)
    .replace(/from 'trove\/web'/g, `from '${root}src/web/index.ts'`)].join('\n');
}

mkdirSync(join(root, 'test', '.tmp'), { recursive: true });
const file = join(root, 'test', '.tmp', `forms-example-${process.pid}.tsx`);
writeFileSync(file, exampleSource());
type Example = { urls: Route[]; Author: any; Book: any; Tag: any; Loan: any };
let example: Example;
try {
  example = (await import(file)) as Example;
} finally {
  rmSync(file, { force: true });
}
const { Author, Book, Tag, Loan } = example;

const seeded = withSeededDatabase(async () => {
  await User.createSuperuser({ username: 'librarian', password: 'librarian-password' });
  const jane = await Author.objects.create({ name: 'Jane Austen', email: 'jane@example.com' });
  const tags = await Tag.objects.bulkCreate([{ name: 'classic' }, { name: 'romance' }]);
  return { jane, tags };
});

const app = createApp({ secretKey: 'a-test-secret-key-that-is-long-enough', urls: [loginRoute('/books/'), ...example.urls] });

async function librarian(): Promise<TestClient> {
  const client = TestClient.inProcess(app);
  await client.login('librarian', 'librarian-password');
  return client;
}

test('the create view adds a book with its tags and goes to the book', async () => {
  const client = await librarian();
  const { jane, tags } = seeded();
  const { status, html } = await client.page('/books/add/');
  assert.equal(status, 200);
  assert.match(html, /<label for="id_published" id="id_published_label">Published<\/label>/);
  const response = await client.post('/books/add/', [['title', 'Emma'], ['author', String(jane.id)], ['tags', String(tags[0].id)], ['tags', String(tags[1].id)], ['published', '1815-12-23']]);
  assert.equal(response.status, 302);
  const emma = await Book.objects.get({ title: 'Emma' });
  assert.equal(response.headers.get('location'), `/books/${emma.id}/`);
  assert.deepEqual((await emma.tags.all()).map(String).sort(), ['classic', 'romance']);
  assert.match((await client.page(`/books/${emma.id}/`)).html, /<h1>Emma<\/h1><p>1815-12-23<\/p>/);
  // The same title by the same author again: the unique rule is the form's own error.
  const twice = await client.post('/books/add/', { title: 'Emma', author: String(jane.id) });
  assert.equal(twice.status, 200);
  assert.match(await twice.text(), /Book with this Title and Author already exists./);
});

test('the edit view, laid out field by field, refuses a blank title and then saves', async () => {
  const client = await librarian();
  const book = await Book.objects.create({ title: 'Persuasion', author: seeded().jane });
  const { html } = await client.page(`/books/${book.id}/edit/`);
  assert.match(html, /<h1>Edit “Persuasion”<\/h1>/);
  assert.match(html, /<p class="title-row"><label for="id_title" id="id_title_label" class="required">Title/);
  const refused = await client.post(`/books/${book.id}/edit/`, { title: '', author: String(seeded().jane.id) });
  assert.equal(refused.status, 200);
  assert.match(await refused.text(), /aria-describedby="id_title_error" aria-invalid="true"\/> <ul class="errorlist" id="id_title_error"><li>This field is required.<\/li>/);
  const saved = await client.post(`/books/${book.id}/edit/`, { title: 'Persuasion.', author: String(seeded().jane.id), published: '1817-12-20' });
  assert.equal(saved.status, 302);
  assert.equal(saved.headers.get('location'), '/books/');
  assert.match((await client.page('/books/')).html, /Persuasion./);
  assert.equal((await Book.objects.get({ id: book.id })).published, '1817-12-20');
});

test("the hand-written lending view: the form's clean() refuses a date in the past, then the loan is made", async () => {
  const client = await librarian();
  const book = await Book.objects.create({ title: 'Mansfield Park', author: seeded().jane });
  const { html } = await client.page('/loans/add/');
  assert.match(html, /<label for="id_due" id="id_due_label" class="required">Due back/);
  const past = await client.post('/loans/add/', { book: String(book.id), borrower: 'Fanny', due: '2000-01-01' });
  assert.equal(past.status, 200);
  assert.match(await past.text(), /<li>A loan cannot be due in the past.<\/li>/);
  assert.equal(await Loan.objects.count(), 0);
  const lent = await client.post('/loans/add/', { book: String(book.id), borrower: 'Fanny', due: '2999-01-01' });
  assert.equal(lent.status, 302);
  assert.equal(await Loan.objects.count(), 1);
  assert.match((await client.page('/books/')).html, /Fanny borrowed “Mansfield Park”./);
  const anonymous = TestClient.inProcess(app);
  assert.equal((await anonymous.get('/loans/add/')).status, 302);
});
