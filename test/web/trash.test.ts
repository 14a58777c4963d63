import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Deletion, model, fields as f } from '../../src/index.ts';
import { Permission, User, syncPermissions } from '../../src/auth/index.ts';
import { createApp, login, messages, path, redirect, restoreView, takeMessages, CSRF_FIELD, reverse } from '../../src/web/index.ts';
import { withSeededDatabase } from '../support/database.ts';

class Card extends model('tt.Card', { title: f.char({ maxLength: 20 }) }, { softDelete: true }) {}
const seeded = withSeededDatabase(async () => {
  await syncPermissions();
  const user = (await User.objects.create({ username: 'u' })) as User;
  const card = await Card.objects.create({ title: 'hi' });
  return { user, card };
});

const app = () =>
  createApp({
    secretKey: 'a-test-secret-key-that-is-long-enough',
    urls: [
      path('as/<int:id>/', async (request) => {
        await login(request, (await User.objects.get({ id: request.params.id })) as User);
        return new Response(request.csrfToken);
      }),
      path('cards/', async (request) => new Response(JSON.stringify({ n: await Card.objects.count(), messages: takeMessages(request).map((m) => m.text) })), { name: 'card_list' }),
      path('cards/<int:id>/delete/', async (request) => {
        const { deletionId } = await (await Card.objects.get({ id: request.params.id })).delete({ source: 'view' });
        messages.success(request, 'Deleted.', { undoUrl: reverse('restore', { deletionId }) });
        return redirect('card_list');
      }),
      path('trash/<uuid:deletionId>/restore/', restoreView({ successUrl: 'card_list' }), { name: 'restore' }),
    ],
  });

test('Undo: POST to the restore view brings the operation back, for users with the restore permission', async () => {
  const { user, card } = seeded();
  const web = app();
  const first = await web.request(`http://localhost/as/${user.id}/`);
  const token = await first.text();
  const cookie = first.headers.get('set-cookie')!.split(';')[0]!;
  const post = (url: string) => web.request(`http://localhost${url}`, { method: 'POST', body: `${CSRF_FIELD}=${token}`, headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' } });
  const deleted = await post(`/cards/${card.id}/delete/`);
  assert.equal(deleted.status, 302);
  assert.equal(await Card.objects.count(), 0);
  const list = await (await web.request('http://localhost/cards/', { headers: { cookie } })).json() as { messages: string[] };
  assert.deepEqual(list.messages, ['Deleted.']);
  const record = await Deletion.objects.get({ rootLabel: 'tt.Card' });
  const undo = `/trash/${record.id}/restore/`;
  assert.equal((await web.request(`http://localhost${undo}`, { headers: { cookie } })).status, 405);
  assert.equal((await post(undo)).status, 403);
  await user.userPermissions.add(await Permission.objects.get({ modelLabel: 'tt.Card', codename: 'restore_card' }));
  const restored = await post(undo);
  assert.equal(restored.status, 302);
  assert.equal(restored.headers.get('location'), '/cards/');
  assert.equal(await Card.objects.count(), 1);
  assert.equal((await post(undo)).status, 404);
});
