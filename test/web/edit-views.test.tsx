/**
 * CreateView and UpdateView through real HTTP (in process and over a socket): GET shows the
 * form, POST validates, saves (many-to-many included) and redirects; an invalid POST is the page
 * again (200) with the errors tied to their inputs; permissions as DeleteView has them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Permission, User, syncPermissions } from '../../src/auth/index.ts';
import { createApp, CreateView, modelForm, path, takeMessages, UpdateView, CsrfField, type EditFormProps } from '../../src/web/index.ts';
import { withSeededDatabase } from '../support/database.ts';
import { clientsInProcessAndOverSocket, loginRoute, TestClient } from '../support/web.ts';
import { Author, Book, Tag } from './forms/library.ts';

const seeded = withSeededDatabase(async () => {
  await syncPermissions();
  const clerk = await User.createUser({ username: 'clerk', password: 'clerk-password' });
  for (const codename of ['add_book', 'change_book']) await clerk.userPermissions.add(await Permission.objects.get({ codename }));
  await User.createUser({ username: 'guest', password: 'guest-password' });
  const jane = await Author.objects.create({ name: 'Jane Austen', email: 'jane@example.com' });
  const tags = await Tag.objects.bulkCreate([{ name: 'classic' }, { name: 'romance' }]);
  const emma = await Book.objects.create({ title: 'Emma', author: jane, published: '1815-12-23' });
  return { jane, tags, emma };
});

class BookForm extends modelForm(Book, { fields: ['title', 'author', 'tags', 'published'], labels: { published: 'First published' } }) {
  override clean() {
    if (this.cleanedData.title === 'Emma 2') this.addError('title', 'No sequels.');
  }
}

/** A page laid out by hand, field by field. */
function HandMade({ form, title }: EditFormProps) {
  const name = form.field('title');
  return (
    <html lang="en">
      <head><title>{title}</title></head>
      <body>
        <form method="post">
          <CsrfField />
          <p class="by-hand"><name.Label /><name.Widget /><name.Errors /></p>
          {form.fieldNames.filter((n: string) => n !== 'title').map((n: string) => form.field(n).Row())}
          <button type="submit">Keep</button>
        </form>
      </body>
    </html>
  );
}

const web = createApp({
  secretKey: 'a-test-secret-key-that-is-long-enough',
  urls: [
    loginRoute('/books/'),
    path('books/', async (request) => new Response(JSON.stringify({ messages: takeMessages(request).map((m) => m.text) })), { name: 'book_list' }),
    path('books/add/', CreateView.for(Book, { fields: ['title', 'author', 'tags', 'published'], successMessage: (b) => `Added “${b}”.` }), { name: 'book_add' }),
    path('books/<int:id>/edit/', UpdateView.for(Book, { formClass: BookForm, successUrl: 'book_list' }), { name: 'book_edit' }),
    path('books/<int:id>/by-hand/', UpdateView.for(Book, { formClass: BookForm, successUrl: '/books/', template: HandMade })),
    path('open/add/', CreateView.for(Author, { fields: ['name', 'email'], permission: null, successUrl: (a) => `/authors/${a.id}/` })),
  ],
});

const transports = clientsInProcessAndOverSocket(web);

async function clerk(newClient: () => TestClient): Promise<TestClient> {
  const client = newClient();
  await client.login('clerk', 'clerk-password');
  return client;
}

for (const [transport, newClient] of Object.entries(transports)) {
  test(`${transport}: GET shows an accessible empty form with its CSRF field`, async () => {
    const client = await clerk(newClient);
    const { status, html } = await client.page('/books/add/');
    assert.equal(status, 200);
    assert.match(html, /<title>Add book<\/title>/);
    assert.match(html, /<form method="post" class="model-form" novalidate=""><input type="hidden" name="csrfmiddlewaretoken" value="[^"]+"/);
    assert.match(html, /<label for="id_title" id="id_title_label" class="required">Title<span class="required-marker" aria-hidden="true"> \*<\/span><\/label><input type="text" id="id_title" name="title" value="" maxlength="200" required=""/);
    assert.match(html, new RegExp(`<option value="${seeded().jane.id}">Jane Austen</option>`));
    assert.match(html, /<select id="id_tags" name="tags" multiple="">/);
    assert.match(html, /<input type="date" id="id_published" name="published" value="" aria-describedby="id_published_help"\/><p class="help" id="id_published_help">The day of its first edition.<\/p>/);
    assert.doesNotMatch(html, /aria-invalid/);
  });

  test(`${transport}: an invalid POST is the page again, 200, errors tied to their inputs, what was typed kept, nothing saved`, async () => {
    const client = await clerk(newClient);
    await client.page('/books/add/');
    const before = await Book.objects.count();
    const response = await client.post('/books/add/', [['title', ''], ['author', String(seeded().jane.id)], ['tags', String(seeded().tags[1]!.id)], ['published', '1815-02-30']]);
    assert.equal(response.status, 200);
    const html = await response.text();
    assert.match(html, /<div class="errornote" role="alert"><p>Please correct the errors below.<\/p>/);
    assert.match(html, /<a href="#id_title_label">Title<\/a>: This field is required./);
    assert.match(html, /<input type="text" id="id_title" name="title" value="" maxlength="200" required="" aria-describedby="id_title_error" aria-invalid="true"\/><ul class="errorlist" id="id_title_error"><li>This field is required.<\/li><\/ul>/);
    assert.match(html, /aria-describedby="id_published_error id_published_help" aria-invalid="true"/);
    assert.match(html, /name="published" value="1815-02-30"/);
    assert.match(html, new RegExp(`<option value="${seeded().tags[1]!.id}" selected="">romance</option>`));
    assert.equal(await Book.objects.count(), before);
  });

  test(`${transport}: a valid POST saves the book and its tags and goes to the book's own URL`, async () => {
    const client = await clerk(newClient);
    await client.page('/books/add/');
    const [classic, romance] = seeded().tags;
    const response = await client.post('/books/add/', [['title', 'Persuasion'], ['author', String(seeded().jane.id)], ['tags', String(classic!.id)], ['tags', String(romance!.id)], ['published', '1817-12-20']]);
    assert.equal(response.status, 302);
    const book = await Book.objects.get({ title: 'Persuasion' });
    assert.equal(response.headers.get('location'), `/books/${book.id}/`);
    assert.equal(book.published, '1817-12-20');
    assert.deepEqual((await book.tags.all()).map(String).sort(), ['classic', 'romance']);
    const list = (await (await client.get('/books/')).json()) as { messages: string[] };
    assert.deepEqual(list.messages, ['Added “Persuasion”.']);
  });

  test(`${transport}: UpdateView shows the object, refuses with the form's clean(), saves, redirects; unknown ids are 404s`, async () => {
    const client = await clerk(newClient);
    const { emma, jane } = seeded();
    const { html } = await client.page(`/books/${emma.id}/edit/`);
    assert.match(html, /<title>Change book<\/title>/);
    assert.match(html, /name="title" value="Emma"/);
    assert.match(html, /<label for="id_published" id="id_published_label">First published<\/label>/);
    const refused = await client.post(`/books/${emma.id}/edit/`, { title: 'Emma 2', author: String(jane.id) });
    assert.equal(refused.status, 200);
    assert.match(await refused.text(), /<li>No sequels.<\/li>/);
    assert.equal((await Book.objects.get({ id: emma.id })).title, 'Emma');
    const saved = await client.post(`/books/${emma.id}/edit/`, { title: 'Emma.', author: String(jane.id), published: '' });
    assert.equal(saved.status, 302);
    assert.equal(saved.headers.get('location'), '/books/');
    const stored = await Book.objects.get({ id: emma.id });
    assert.equal(stored.title, 'Emma.');
    assert.equal(stored.published, null);
    assert.equal((await client.get('/books/999999/edit/')).status, 404);
  });

  test(`${transport}: field by field in a page of one's own`, async () => {
    const client = await clerk(newClient);
    const id = seeded().emma.id;
    await client.page(`/books/${id}/by-hand/`);
    const response = await client.post(`/books/${id}/by-hand/`, { title: '', author: String(seeded().jane.id) });
    assert.equal(response.status, 200);
    const html = await response.text();
    assert.match(html, /<p class="by-hand"><label for="id_title" id="id_title_label" class="required">Title<span class="required-marker" aria-hidden="true"> \*<\/span><\/label><input type="text" id="id_title" name="title" value="" maxlength="200" required="" aria-describedby="id_title_error" aria-invalid="true"\/><ul class="errorlist" id="id_title_error"><li>This field is required.<\/li><\/ul><\/p>/);
    assert.match(html, /<div class="form-row"><label for="id_author" id="id_author_label" class="required">Author/);
  });

  test(`${transport}: permissions: anonymous visitors log in, others without add or change get a 403; a POST needs the CSRF token`, async () => {
    const anonymous = newClient();
    const toLogin = await anonymous.get('/books/add/');
    assert.equal(toLogin.status, 302);
    assert.match(toLogin.headers.get('location')!, /^\/login\/\?next=/);
    const guest = newClient();
    await guest.login('guest', 'guest-password');
    assert.equal((await guest.get('/books/add/')).status, 403);
    assert.equal((await guest.get(`/books/${seeded().emma.id}/edit/`)).status, 403);
    const client = await clerk(newClient);
    await client.page('/books/add/');
    assert.equal((await client.post('/books/add/', { title: 'Sanditon', author: String(seeded().jane.id) }, { token: null })).status, 403);
    assert.equal(await Book.objects.filter({ title: 'Sanditon' }).count(), 0);
    assert.equal((await client.request('/books/add/', { method: 'OPTIONS' })).status, 405);
  });

  test(`${transport}: permission: null lets anyone add; a unique value already taken is the field's error`, async () => {
    const client = newClient();
    await client.page('/open/add/');
    const taken = await client.post('/open/add/', { name: 'Someone', email: 'jane@example.com' });
    assert.equal(taken.status, 200);
    assert.match(await taken.text(), /<ul class="errorlist" id="id_email_error"><li>Author with this Email already exists.<\/li><\/ul>/);
    const added = await client.post('/open/add/', { name: 'Fanny Burney', email: 'fanny@example.com' });
    assert.equal(added.status, 302);
    const fanny = await Author.objects.get({ name: 'Fanny Burney' });
    assert.equal(added.headers.get('location'), `/authors/${fanny.id}/`);
  });
}

test('a view needs fields or formClass, and says so when it is made', () => {
  class Plain extends modelForm(Tag, { fields: ['name'] }) {}
  const view = CreateView.for(Tag, { formClass: Plain, permission: null });
  assert.equal(typeof view, 'function');
  assert.throws(() => CreateView.for(Tag, { permission: null }), /give fields or formClass/);
});
