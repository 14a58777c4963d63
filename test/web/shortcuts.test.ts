import { test } from 'node:test';
import assert from 'node:assert/strict';
import { model, fields as f } from '../../src/index.ts';
import { createApp, getObjectOr404, messages, path, redirect, takeMessages, CSRF_FIELD } from '../../src/web/index.ts';
import { withSeededDatabase } from '../support/database.ts';

class Entry extends model('tsc.Entry', { title: f.char({ maxLength: 30 }) }, { softDelete: true }) {}
const seeded = withSeededDatabase(async () => ({
  live: await Entry.objects.create({ title: 'live' }),
  gone: await Entry.objects.create({ title: 'gone' }),
}));

/** A delete view written exactly in Django's style: 404, GET confirms, POST deletes and redirects. */
const app = () =>
  createApp({
    secretKey: 'a-test-secret-key-that-is-long-enough',
    urls: [
      path('entries/', async (request) => new Response(JSON.stringify({ titles: (await Entry.objects.orderBy('id')).map((e) => e.title), messages: takeMessages(request) })), { name: 'entry_list' }),
      path('entries/<str:id>/delete/', async (request) => {
        const entry = await getObjectOr404(Entry, { id: request.params.id });
        if (request.method === 'POST') {
          const { deletionId } = await entry.delete({ source: 'view' });
          messages.success(request, `Deleted “${entry.title}”.`, { deletionId });
          return redirect('entry_list');
        }
        return new Response(`Are you sure you want to delete “${entry.title}”? <input name="${CSRF_FIELD}" value="${request.csrfToken}">`);
      }, { name: 'entry_delete' }),
    ],
  });

test('getObjectOr404: missing, soft-deleted and malformed keys are all 404', async () => {
  const { live, gone } = seeded();
  await gone.delete();
  const web = app();
  assert.equal((await web.request(`/entries/${live.id}/delete/`)).status, 200);
  for (const id of [String(gone.id), '999999', 'abc']) assert.equal((await web.request(`/entries/${id}/delete/`)).status, 404, id);
});

test('GET confirms and deletes nothing; POST deletes, sets a message and redirects to the named URL', async () => {
  const { live } = seeded();
  const web = app();
  const confirm = await web.request(`http://localhost/entries/${live.id}/delete/`);
  const cookie = confirm.headers.get('set-cookie')!.split(';')[0]!;
  const token = /value="([^"]+)"/.exec(await confirm.text())![1]!;
  assert.equal(await Entry.objects.count(), 2);
  const done = await web.request(`http://localhost/entries/${live.id}/delete/`, {
    method: 'POST', body: `${CSRF_FIELD}=${token}`, headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost' },
  });
  assert.equal(done.status, 302);
  assert.equal(done.headers.get('location'), '/entries/');
  assert.equal(await Entry.objects.count(), 1);
  const list = await (await web.request('http://localhost/entries/', { headers: { cookie } })).json() as { titles: string[]; messages: Array<{ text: string; extra: { deletionId: string } }> };
  assert.deepEqual(list.titles, ['gone']);
  assert.equal(list.messages.length, 1);
  assert.equal(list.messages[0]!.text, 'Deleted “live”.');
  assert.match(list.messages[0]!.extra.deletionId, /^[0-9a-f-]{36}$/);
  const again = await (await web.request('http://localhost/entries/', { headers: { cookie } })).json() as { messages: unknown[] };
  assert.deepEqual(again.messages, []);
});
