import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CASCADE, Deletion, PROTECT, model, fields as f } from '../../src/index.ts';
import { Permission, User, syncPermissions } from '../../src/auth/index.ts';
import { authenticate, createApp, DeleteView, login, path, restoreView, takeMessages, type DeleteConfirmationProps } from '../../src/web/index.ts';
import { withSeededDatabase } from '../support/database.ts';
import { clientsInProcessAndOverSocket, loginRoute, TestClient } from '../support/web.ts';

class Shelf extends model('dv.Shelf', { name: f.char({ maxLength: 40 }) }, { softDelete: true }) {
  override toString() {
    return this.name;
  }
}
class Book extends model('dv.Book', {
  shelf: f.foreignKey(() => Shelf, { onDelete: CASCADE }),
  title: f.char({ maxLength: 40 }),
}, { softDelete: true }) {
  override toString() {
    return this.title;
  }
}
class Loan extends model('dv.Loan', { book: f.foreignKey(() => Book, { onDelete: PROTECT }) }) {
  override toString() {
    return `Loan of book ${this.bookId}`;
  }
}
class Label extends model('dv.Label', { text: f.char({ maxLength: 40 }) }) {
  override toString() {
    return this.text;
  }
}

const seeded = withSeededDatabase(async () => {
  await syncPermissions();
  const clerk = await User.createUser({ username: 'clerk', password: 'clerk-password' });
  for (const codename of ['view_shelf', 'view_book', 'view_label', 'view_loan', 'delete_shelf', 'delete_book', 'delete_label', 'restore_shelf', 'restore_book', 'purge_shelf', 'purge_book']) {
    await clerk.userPermissions.add(await Permission.objects.get({ codename }));
  }
  await User.createUser({ username: 'guest', password: 'guest-password' });
  const shelf = await Shelf.objects.create({ name: 'Poetry' });
  const books = await Book.objects.bulkCreate(['Odes', 'Sonnets', 'Haiku'].map((title) => ({ shelf, title })));
  const other = await Shelf.objects.create({ name: 'Prose' });
  const label = await Label.objects.create({ text: 'fragile' });
  return { shelf, books, other, label };
});

function CustomPage({ object, plan }: DeleteConfirmationProps) {
  return <p>custom: {String(object)} takes {plan.total}</p>;
}

const app = () =>
  createApp({
    secretKey: 'a-test-secret-key-that-is-long-enough',
    urls: [
      loginRoute('/shelves/'),
      path('shelves/', async (request) => new Response(JSON.stringify({ live: await Shelf.objects.count(), messages: takeMessages(request) })), { name: 'shelf_list' }),
      path('shelves/<int:id>/delete/', DeleteView.for(Shelf, { successUrl: 'shelf_list', sampleSize: 2 }), { name: 'shelf_delete' }),
      path('shelves/<str:id>/custom/', DeleteView.for(Shelf, { successUrl: '/shelves/', template: CustomPage })),
      path('books/<int:id>/delete/', DeleteView.for(Book, { successUrl: 'shelf_list' })),
      path('labels/<int:id>/delete/', DeleteView.for(Label, { successUrl: 'shelf_list' })),
      path('hard/<int:id>/delete/', DeleteView.for(Shelf, { successUrl: 'shelf_list', hard: true })),
      path('trash/<uuid:deletionId>/restore/', restoreView({ successUrl: 'shelf_list' }), { name: 'restore' }),
    ],
  });

const web = app();
const transports = clientsInProcessAndOverSocket(web);

for (const [transport, newClient] of Object.entries(transports)) {
  async function clerk(): Promise<TestClient> {
    const client = newClient();
    await client.login('clerk', 'clerk-password');
    return client;
  }

  describe(`DeleteView, ${transport}`, () => {
    test('GET shows the object, what the cascade takes and a sample, and deletes nothing', async () => {
      const { shelf } = seeded();
      const client = await clerk();
      const { status, html } = await client.page(`/shelves/${shelf.id}/delete/`);
      assert.equal(status, 200);
      assert.match(html, /Are you sure you want to move the shelf “Poetry” to the trash\?/);
      assert.match(html, /<li data-model="dv.Shelf">Shelf: 1<\/li><li data-model="dv.Book">Books: 3<\/li>/);
      assert.match(html, /Books: Odes, Sonnets and 1 more/);
      assert.match(html, /<form method="post"><input type="hidden" name="csrfmiddlewaretoken"/);
      assert.equal(await Book.objects.count(), 3);
      assert.equal(await Shelf.objects.count(), 2);
    });

    test('POST soft-deletes in one operation with the actor, sets a message with Undo, and redirects; Undo restores', async () => {
      const { shelf } = seeded();
      const client = await clerk();
      await client.page(`/shelves/${shelf.id}/delete/`);
      const response = await client.post(`/shelves/${shelf.id}/delete/`);
      assert.equal(response.status, 302);
      assert.equal(response.headers.get('location'), '/shelves/');
      assert.equal(await Shelf.objects.count(), 1);
      assert.equal(await Book.objects.count(), 0);
      const record = await Deletion.objects.get({ rootLabel: 'dv.Shelf' });
      assert.equal(record.actor, 'clerk');
      assert.equal(record.source, 'view');
      assert.deepEqual(record.counts, { 'dv.Book': 3, 'dv.Shelf': 1 });
      const list = (await (await client.get('/shelves/')).json()) as { messages: { text: string; extra: { undoUrl: string } }[] };
      assert.equal(list.messages[0]!.text, 'The shelf “Poetry” was moved to the trash with 3 related objects.');
      assert.equal(list.messages[0]!.extra.undoUrl, `/trash/${record.id}/restore/`);
      const undo = await client.post(list.messages[0]!.extra.undoUrl);
      assert.equal(undo.status, 302);
      assert.equal(await Shelf.objects.count(), 2);
      assert.equal(await Book.objects.count(), 3);
    });

    test('without a valid CSRF token, or from another origin, POST is a 403 and deletes nothing', async () => {
      const { shelf } = seeded();
      const client = await clerk();
      await client.page(`/shelves/${shelf.id}/delete/`);
      assert.equal((await client.post(`/shelves/${shelf.id}/delete/`, {}, { token: null })).status, 403);
      assert.equal((await client.post(`/shelves/${shelf.id}/delete/`, {}, { token: 'x'.repeat(43) })).status, 403);
      assert.equal((await client.post(`/shelves/${shelf.id}/delete/`, {}, { headers: { origin: 'https://evil.example' } })).status, 403);
      assert.equal(await Shelf.objects.count(), 2);
      assert.equal(await Deletion.objects.count(), 0);
    });

    test('the delete permission is built in: anonymous visitors go to log in, others get a 403', async () => {
      const { shelf } = seeded();
      const anonymous = newClient();
      const redirected = await anonymous.get(`/shelves/${shelf.id}/delete/`);
      assert.equal(redirected.status, 302);
      assert.equal(redirected.headers.get('location'), `/login/?next=${encodeURIComponent(`/shelves/${shelf.id}/delete/`)}`);
      const guest = newClient();
      await guest.login('guest', 'guest-password');
      assert.equal((await guest.get(`/shelves/${shelf.id}/delete/`)).status, 403);
      assert.equal((await guest.post(`/shelves/${shelf.id}/delete/`)).status, 403);
      assert.equal(await Shelf.objects.count(), 2);
    });

    test('unknown, malformed and trashed objects are 404s', async () => {
      const { shelf } = seeded();
      const client = await clerk();
      assert.equal((await client.get('/shelves/999/delete/')).status, 404);
      assert.equal((await client.get('/shelves/abc/custom/')).status, 404);
      await shelf.delete();
      assert.equal((await client.get(`/shelves/${shelf.id}/delete/`)).status, 404);
      assert.equal((await client.post(`/shelves/${shelf.id}/delete/`)).status, 404);
    });

    test('a PROTECTed object shows its blockers and no form; POST deletes nothing', async () => {
      const { books } = seeded();
      await Loan.objects.create({ book: books[0]! });
      const client = await clerk();
      const { status, html } = await client.page(`/books/${books[0]!.id}/delete/`);
      assert.equal(status, 200);
      assert.match(html, /Deleting the book “Odes” would require deleting the following protected related objects:/);
      assert.match(html, /Loan: Loan of book \d+/);
      assert.doesNotMatch(html, /<form method="post">/);
      const refused = await client.post(`/books/${books[0]!.id}/delete/`);
      assert.equal(refused.status, 409);
      assert.match(await refused.text(), /protected related objects/);
      assert.equal(await Book.objects.count(), 3);
      assert.equal(await Deletion.objects.count(), 0);
    });

    test('models without a trash, and hard: true, delete for real with no Undo', async () => {
      const { label, shelf } = seeded();
      const client = await clerk();
      await client.page(`/labels/${label.id}/delete/`);
      assert.equal((await client.post(`/labels/${label.id}/delete/`)).status, 302);
      assert.equal(await Label.objects.count(), 0);
      const { html } = await client.page(`/hard/${shelf.id}/delete/`);
      assert.match(html, /Are you sure you want to delete the shelf “Poetry”\? All of the following objects go with it and are deleted:/);
      // The next page shows the message of the first delete, with no Undo.
      assert.match(html, /<li class="message success">The label “fragile” was deleted\.<\/li>/);
      await client.post(`/hard/${shelf.id}/delete/`);
      assert.equal(await Shelf.allObjects.count(), 1);
      assert.equal(await Book.allObjects.count(), 0);
      const { messages } = (await (await client.get('/shelves/')).json()) as { messages: { text: string; extra?: unknown }[] };
      assert.deepEqual(messages, [{ level: 'success', text: 'The shelf “Poetry” was deleted with 3 related objects.' }]);
      // One object going with it: the sentence in the singular.
      const { other } = seeded();
      const novel = await Book.objects.create({ shelf: other, title: 'Novel' });
      assert.match((await client.page(`/hard/${other.id}/delete/`)).html, /“Prose”\? The following object goes with it and is deleted:/);
      await Book.allObjects.filter({ id: novel.id }).hardDelete();
    });

    test('a template of its own gets the same props', async () => {
      const { shelf } = seeded();
      const client = await clerk();
      const { html } = await client.page(`/shelves/${shelf.id}/custom/`);
      assert.match(html, /<p>custom: Poetry takes 4<\/p>/);
    });

    test('other methods are a 405', async () => {
      const { shelf } = seeded();
      const client = await clerk();
      const response = await client.request(`/shelves/${shelf.id}/delete/`, { method: 'PUT', headers: { 'x-csrftoken': client.token! } });
      assert.equal(response.status, 405);
    });
  });
}

test('DeleteView: a soft delete without a restore route fails before deleting anything', async () => {
  const { shelf } = seeded();
  const bare = createApp({
    secretKey: 'a-test-secret-key-that-is-long-enough',
    urls: [
      path('login/', async (request) => {
        if (request.method === 'GET') return new Response(`<input name="csrfmiddlewaretoken" value="${request.csrfToken}">`);
        await login(request, (await authenticate('clerk', 'clerk-password'))!);
        return new Response(null, { status: 302, headers: { location: '/' } });
      }),
      path('shelves/<int:id>/delete/', DeleteView.for(Shelf, { successUrl: '/' })),
    ],
  });
  const client = TestClient.inProcess(bare);
  await client.login('clerk', 'clerk-password');
  const original = console.error;
  console.error = () => {};
  try {
    assert.equal((await client.post(`/shelves/${shelf.id}/delete/`)).status, 500);
  } finally {
    console.error = original;
  }
  assert.equal(await Shelf.objects.count(), 2);
});
