import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { User, syncPermissions, Permission, LoginFailure, LOGIN_FAILURE_LIMIT, LOGIN_FAILURE_WINDOW_MS } from '../../src/auth/index.ts';
import { authenticate, createApp, login, logout, loginRequired, path, permissionRequired, CSRF_FIELD } from '../../src/web/index.ts';
import { withSeededDatabase } from '../support/database.ts';
import { listen } from '../support/web.ts';

withSeededDatabase(async () => {
  await syncPermissions();
  const ann = (await User.objects.create({ username: 'ann' })) as User;
  await ann.setPassword('pw-ann-123');
  await ann.save();
  return { ann };
});

const app = () =>
  createApp({
    secretKey: 'a-test-secret-key-that-is-long-enough',
    urls: [
      path('token/', async (request) => new Response(request.csrfToken)),
      path('login/', async (request) => {
        const form = await request.form();
        const user = await authenticate(String(form.get('username')), String(form.get('password')));
        if (user === null) return new Response('bad credentials', { status: 401 });
        await login(request, user);
        return new Response(`hello ${user.username}`);
      }),
      path('guarded-login/', async (request) => {
        const form = await request.form();
        const user = await authenticate(String(form.get('username')), String(form.get('password')), request);
        return user === null ? new Response('bad credentials', { status: 401 }) : new Response(`hello ${user.username}`);
      }),
      path('logout/', async (request) => {
        logout(request);
        return new Response('bye');
      }),
      path('me/', loginRequired(async (request) => new Response(request.user.username))),
      path('purge/', permissionRequired('auth.delete_user', async () => new Response('allowed'))),
    ],
  });

async function session(web: ReturnType<typeof app>) {
  const res = await web.request('http://localhost/token/');
  return { cookie: res.headers.get('set-cookie')!.split(';')[0]!, token: await res.text() };
}

test('login cycles the session key and sets request.user; logout forgets it', async () => {
  const web = app();
  const { cookie, token } = await session(web);
  const post = (url: string, body: string, c = cookie) =>
    web.request(`http://localhost${url}`, { method: 'POST', body, headers: { cookie: c, 'content-type': 'application/x-www-form-urlencoded' } });
  assert.equal((await post('/login/', `${CSRF_FIELD}=${token}&username=ann&password=nope`)).status, 401);
  const res = await post('/login/', `${CSRF_FIELD}=${token}&username=ann&password=pw-ann-123`);
  assert.equal(await res.text(), 'hello ann');
  const loggedIn = res.headers.get('set-cookie')!.split(';')[0]!;
  assert.notEqual(loggedIn, cookie);
  assert.equal(await (await web.request('http://localhost/me/', { headers: { cookie: loggedIn } })).text(), 'ann');
  const me = await web.request('http://localhost/me/', { headers: { cookie } });
  assert.equal(me.status, 302);
  assert.equal(me.headers.get('location'), '/login/?next=%2Fme%2F');
  // The token is new after login: one known before (perhaps planted) is refused.
  assert.equal((await post('/logout/', `${CSRF_FIELD}=${token}`, loggedIn)).status, 403);
  const tokenAfter = await (await web.request('http://localhost/token/', { headers: { cookie: loggedIn } })).text();
  assert.notEqual(tokenAfter, token);
  assert.equal((await post('/logout/', `${CSRF_FIELD}=${tokenAfter}`, loggedIn)).status, 200);
  assert.equal((await web.request('http://localhost/me/', { headers: { cookie: loggedIn } })).status, 302);
});

test('permissionRequired: 403 without the permission, the view with it', async () => {
  const web = app();
  const { cookie, token } = await session(web);
  const res = await web.request('http://localhost/login/', { method: 'POST', body: `${CSRF_FIELD}=${token}&username=ann&password=pw-ann-123`, headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' } });
  const loggedIn = res.headers.get('set-cookie')!.split(';')[0]!;
  assert.equal((await web.request('http://localhost/purge/', { headers: { cookie: loggedIn } })).status, 403);
  const ann = (await User.objects.get({ username: 'ann' })) as User;
  await ann.userPermissions.add(await Permission.objects.get({ modelLabel: 'auth.User', codename: 'delete_user' }));
  assert.equal(await (await web.request('http://localhost/purge/', { headers: { cookie: loggedIn } })).text(), 'allowed');
  assert.equal((await web.request('http://localhost/purge/')).status, 302);
});

test('an unknown username takes as long as a wrong password (a password is hashed either way)', async () => {
  const median = async (fn: () => Promise<unknown>) => {
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const start = performance.now();
      await fn();
      times.push(performance.now() - start);
    }
    return times.sort((a, b) => a - b)[2]!;
  };
  const wrong = await median(() => authenticate('ann', 'not-her-password'));
  const unknown = await median(() => authenticate('nobody-by-this-name', 'whatever'));
  // Without the dummy hash an unknown name answers in a fraction of a millisecond, against scrypt's tens.
  assert.ok(unknown > wrong * 0.3, `unknown user ${unknown.toFixed(1)} ms, wrong password ${wrong.toFixed(1)} ms`);
  assert.equal(await authenticate('nobody-by-this-name', 'whatever'), null);
});

describe('failed logins are throttled per username and per client address', () => {
  const attempt = async (web: ReturnType<typeof app>, username: string, password: string, send = (url: string, init: RequestInit) => web.request(url, init)) => {
    const first = await send('/token/', {});
    const cookie = first.headers.get('set-cookie')!.split(';')[0]!;
    const token = await first.text();
    return send('/guarded-login/', {
      method: 'POST',
      body: new URLSearchParams({ [CSRF_FIELD]: token, username, password }).toString(),
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    });
  };

  test('the eleventh failure within 15 minutes is a 429 until the window passes; the right password waits too', async () => {
    const web = app();
    for (let i = 0; i < LOGIN_FAILURE_LIMIT; i++) assert.equal((await attempt(web, 'ann', `wrong-${i}`)).status, 401);
    const refused = await attempt(web, 'ann', 'pw-ann-123');
    assert.equal(refused.status, 429);
    assert.match(await refused.text(), /Too many failed logins/);
    const retryAfter = Number(refused.headers.get('retry-after'));
    assert.ok(retryAfter > 14 * 60 && retryAfter <= 15 * 60, String(retryAfter));
    assert.equal((await attempt(web, 'Ann', 'wrong')).status, 429, 'the username is counted whatever its case');
    assert.equal((await attempt(web, 'bob', 'wrong')).status, 401, 'other usernames are not held up in process (no address)');
    // The window passes.
    await LoginFailure.objects.all().update({ at: new Date(Date.now() - LOGIN_FAILURE_WINDOW_MS - 1000) });
    assert.equal((await attempt(web, 'ann', 'pw-ann-123')).status, 200);
  });

  test('a success resets the count for its username', async () => {
    const web = app();
    for (let i = 0; i < LOGIN_FAILURE_LIMIT - 1; i++) assert.equal((await attempt(web, 'ann', 'wrong')).status, 401);
    assert.equal((await attempt(web, 'ann', 'pw-ann-123')).status, 200);
    for (let i = 0; i < LOGIN_FAILURE_LIMIT - 1; i++) assert.equal((await attempt(web, 'ann', 'wrong')).status, 401);
    assert.equal((await attempt(web, 'ann', 'pw-ann-123')).status, 200);
  });

  test('over a socket, one address guessing at many usernames is held up too', async () => {
    const web = app();
    const server = await listen(web);
    try {
      const send = (url: string, init: RequestInit) => fetch(server.url + url, { ...init, redirect: 'manual' });
      for (let i = 0; i < LOGIN_FAILURE_LIMIT; i++) assert.equal((await attempt(web, `user${i}`, 'guess', send)).status, 401);
      assert.equal((await attempt(web, 'ann', 'pw-ann-123', send)).status, 429);
      assert.equal((await attempt(web, 'ann', 'pw-ann-123')).status, 200, 'in process (no address) only the username counts');
    } finally {
      await server.close();
    }
  });
});
