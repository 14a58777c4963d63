/**
 * How a session is written back, as Django's `save(force_update)`: a request whose session row
 * was deleted while it ran (a logout in another request) writes nothing and is a 400
 * (SessionInterrupted), so a logout is never undone by a request already in flight; a new
 * visitor's session is still created. And `Vary: Cookie` on what reads or sets the session.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { User } from '../../src/auth/index.ts';
import { createApp, login, logout, messages, path, SessionRecord, updateSessionAuthHash } from '../../src/web/index.ts';
import { withSeededDatabase } from '../support/database.ts';
import { TestClient } from '../support/web.ts';

withSeededDatabase(async () => {
  const user = new User({ username: 'ann', isActive: true });
  await user.setPassword('a-long-password-1');
  await user.save();
});

/** A promise to wait on, and its resolve. */
function gate(): { wait: Promise<void>; open: () => void } {
  let open!: () => void;
  const wait = new Promise<void>((resolve) => (open = resolve));
  return { wait, open };
}

let held = gate();
let reached = gate();

const app = createApp({
  secretKey: 'a-test-secret-key-that-is-long-enough',
  urls: [
    path('login/', async (request) => {
      await login(request, (await User.objects.get({ username: 'ann' })) as User);
      return new Response('in');
    }),
    path('logout/', async (request) => {
      logout(request);
      return new Response('out');
    }),
    path('whoami/', async (request) => new Response(request.user.isAuthenticated ? String(request.user.username) : 'anonymous')),
    path('token/', async (request) => new Response(String(request.csrfToken))),
    path('plain/', async () => new Response('nothing of the session')),
    // Held until the test opens the gate, then it writes to the session (a message).
    path('slow-message/', async (request) => {
      reached.open();
      await held.wait;
      messages.info(request, 'done');
      return new Response('saved');
    }),
    // Held, then it changes the session's key, as a password change does.
    path('slow-cycle/', async (request) => {
      reached.open();
      await held.wait;
      updateSessionAuthHash(request, request.user as User);
      return new Response('cycled');
    }),
  ],
});

async function loggedIn(): Promise<TestClient> {
  const client = TestClient.inProcess(app);
  assert.equal((await client.get('/login/')).status, 200);
  assert.equal(await (await client.get('/whoami/')).text(), 'ann');
  return client;
}

for (const slow of ['/slow-message/', '/slow-cycle/']) {
  test(`a request in flight (${slow}) cannot bring back a session logged out meanwhile`, async () => {
    held = gate();
    reached = gate();
    const victim = await loggedIn();
    const stolen = victim.cookieHeader;
    const inFlight = app.request(slow, { headers: { cookie: stolen } });
    await reached.wait;
    const out = await victim.get('/logout/');
    assert.match(out.headers.get('set-cookie') ?? '', /Max-Age=0/);
    assert.equal(await SessionRecord.objects.count(), 0);
    held.open();
    const answer = await inFlight;
    assert.equal(answer.status, 400, 'SessionInterrupted');
    assert.match(await answer.text(), /session was deleted before the request completed/);
    assert.equal(answer.headers.get('set-cookie'), null, 'no cookie is set');
    assert.equal(await SessionRecord.objects.count(), 0, 'no session row was written');
    assert.equal(await (await app.request('/whoami/', { headers: { cookie: stolen } })).text(), 'anonymous');
  });
}

test('a new visitor gets a new session, which is then updated in place', async () => {
  const client = TestClient.inProcess(app);
  await client.get('/token/');
  assert.equal(await SessionRecord.objects.count(), 1);
  const [row] = await SessionRecord.objects.all();
  await client.get('/login/');
  const [after] = await SessionRecord.objects.all();
  assert.notEqual(after!.key, row!.key, 'the login rotated the key');
  assert.equal(await SessionRecord.objects.count(), 1);
  held = gate();
  held.open();
  assert.equal((await client.get('/slow-message/')).status, 200);
  assert.equal(await SessionRecord.objects.count(), 1);
  assert.deepEqual((await SessionRecord.objects.get({ key: after!.key })).data._messages, [{ level: 'info', text: 'done' }]);
});

test('a response that reads or sets the session varies by cookie; one that does not, does not', async () => {
  const anonymous = await app.request('/token/');
  assert.match(anonymous.headers.get('set-cookie') ?? '', /trove_session=/);
  assert.match(anonymous.headers.get('vary') ?? '', /Cookie/);
  assert.match((await app.request('/whoami/')).headers.get('vary') ?? '', /Cookie/, 'request.user comes from the session');
  const client = await loggedIn();
  assert.match((await client.get('/whoami/')).headers.get('vary') ?? '', /Cookie/);
  assert.equal((await app.request('/plain/')).headers.get('vary'), null);
  assert.equal((await client.get('/plain/')).headers.get('vary'), null);
});
