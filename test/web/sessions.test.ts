import { test } from 'node:test';
import assert from 'node:assert/strict';
import { model, fields as f } from '../../src/index.ts';
import { createApp, path, CSRF_FIELD } from '../../src/web/index.ts';
import { withSeededDatabase } from '../support/database.ts';
import { listen } from '../support/web.ts';

class Memo extends model('tw.Memo', { text: f.char({ maxLength: 20 }) }) {}
const seeded = withSeededDatabase(async () => ({ memo: await Memo.objects.create({ text: 'keep me' }) }));

const SECRET = 'a-test-secret-key-that-is-long-enough';
const app = () =>
  createApp({
    secretKey: SECRET,
    urls: [
      path('count/', async (request) => {
        const n = (request.session.get<number>('n') ?? 0) + 1;
        request.session.set('n', n);
        return new Response(`${n} ${request.csrfToken}`);
      }),
      path('logout/', async (request) => {
        request.session.flush();
        return new Response('bye');
      }),
      path('memos/<int:id>/delete/', async (request) => {
        if (request.method === 'GET') return new Response('confirm?');
        const form = request.raw.headers.get('content-type')?.includes('form') ? await request.form() : undefined;
        await (await Memo.objects.get({ id: request.params.id })).delete();
        return new Response(`deleted ${form?.get('note') ?? ''}`.trim());
      }),
    ],
  });

function cookieOf(response: Response): string {
  const header = response.headers.get('set-cookie') ?? '';
  return header.split(';')[0]!;
}

async function start(web: ReturnType<typeof app>, base = 'http://localhost') {
  const first = await web.request(`${base}/count/`);
  const [, token] = (await first.text()).split(' ');
  return { cookie: cookieOf(first), token: token!, setCookie: first.headers.get('set-cookie')! };
}

test('a session follows its signed cookie across requests and lives in the database', async () => {
  const web = app();
  const { cookie, setCookie } = await start(web);
  assert.match(setCookie, /HttpOnly/);
  assert.match(setCookie, /SameSite=Lax/);
  assert.doesNotMatch(setCookie, /Secure/);
  const second = await web.request('http://localhost/count/', { headers: { cookie } });
  assert.match(await second.text(), /^2 /);
  const forged = cookie.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
  assert.match(await (await web.request('http://localhost/count/', { headers: { cookie: forged } })).text(), /^1 /);
  const https = await start(web, 'https://localhost');
  assert.match(https.setCookie, /Secure/);
  const out = await web.request('http://localhost/logout/', { headers: { cookie } });
  assert.match(out.headers.get('set-cookie') ?? '', /Max-Age=0/);
  assert.match(await (await web.request('http://localhost/count/', { headers: { cookie } })).text(), /^1 /);
});

test('POST without a valid CSRF token, or from another origin, is a 403 and changes nothing', async () => {
  const { memo } = seeded();
  const web = app();
  const { cookie, token } = await start(web);
  const url = `http://localhost/memos/${memo.id}/delete/`;
  const post = (body: string, headers: Record<string, string> = {}) =>
    web.request(url, { method: 'POST', body, headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', ...headers } });
  assert.equal((await web.request(url, { headers: { cookie } })).status, 200);
  assert.equal((await post('')).status, 403);
  assert.equal((await post(`${CSRF_FIELD}=wrong`)).status, 403);
  assert.equal((await post(`${CSRF_FIELD}=${token}`, { origin: 'https://evil.example' })).status, 403);
  assert.equal((await web.request(url, { method: 'POST', body: `${CSRF_FIELD}=${token}`, headers: { 'content-type': 'application/x-www-form-urlencoded' } })).status, 403);
  assert.equal(await Memo.objects.count(), 1);
  const ok = await post(`${CSRF_FIELD}=${token}&note=thanks`, { origin: 'http://localhost' });
  assert.equal(ok.status, 200);
  assert.equal(await ok.text(), 'deleted thanks');
  assert.equal(await Memo.objects.count(), 0);
});

test('the token may come in the X-CSRFToken header; HTTPS needs a same-origin Referer', async () => {
  const { memo } = seeded();
  const web = app();
  const { cookie, token } = await start(web, 'https://localhost');
  const url = `https://localhost/memos/${memo.id}/delete/`;
  assert.equal((await web.request(url, { method: 'POST', headers: { cookie, 'x-csrftoken': token } })).status, 403);
  assert.equal((await web.request(url, { method: 'POST', headers: { cookie, 'x-csrftoken': token, referer: 'https://evil.example/x' } })).status, 403);
  const ok = await web.request(url, { method: 'POST', headers: { cookie, 'x-csrftoken': token, referer: 'https://localhost/memos/' } });
  assert.equal(ok.status, 200);
});

test('behind a TLS proxy, secureProxyHeader makes requests HTTPS: Secure cookies, and the https Origin passes', async () => {
  const { memo } = seeded();
  const proxied = { 'x-forwarded-proto': 'https' };
  const plain = app();
  const refused = await start(plain);
  const post = (web: ReturnType<typeof app>, s: { cookie: string; token: string }) =>
    web.request(`http://localhost/memos/${memo.id}/delete/`, {
      method: 'POST',
      body: `${CSRF_FIELD}=${s.token}`,
      headers: { ...proxied, cookie: s.cookie, origin: 'https://localhost', 'content-type': 'application/x-www-form-urlencoded' },
    });
  assert.equal((await post(plain, refused)).status, 403, 'without the setting, https://localhost is another origin');
  assert.equal(await Memo.objects.count(), 1);

  const behindProxy = createApp({
    secretKey: SECRET,
    secureProxyHeader: ['x-forwarded-proto', 'https'],
    urls: [
      path('count/', async (request) => new Response(`1 ${request.csrfToken}`)),
      path('memos/<int:id>/delete/', async (request) => {
        await (await Memo.objects.get({ id: request.params.id })).delete();
        return new Response('deleted');
      }),
    ],
  });
  const first = await behindProxy.request('http://localhost/count/', { headers: proxied });
  assert.match(first.headers.get('set-cookie')!, /; Secure/);
  const s = { cookie: cookieOf(first), token: (await first.text()).split(' ')[1]! };
  const done = await post(behindProxy as ReturnType<typeof app>, s);
  assert.equal(done.status, 200);
  assert.equal(await Memo.objects.count(), 0);
  // A request the proxy did not mark stays plain HTTP.
  assert.doesNotMatch((await behindProxy.request('http://localhost/count/')).headers.get('set-cookie')!, /Secure/);
});

test('a malformed or forged session cookie is no session, never an error', async () => {
  const web = app();
  for (const cookie of ['trove_session=%E0%A4%A', 'trove_session=%', 'trove_session="unterminated', 'trove_session=a.b.c; trove_session=%ZZ', 'trove_session']) {
    const res = await web.request('http://localhost/count/', { headers: { cookie } });
    assert.equal(res.status, 200, cookie);
    assert.match(await res.text(), /^1 /, `${cookie} starts a new session`);
  }
});

test('the CSRF token is masked afresh on every page (BREACH), and every mask of the session secret passes', async () => {
  const { memo } = seeded();
  const web = app();
  const { cookie, token } = await start(web);
  const page = async () => (await (await web.request('http://localhost/count/', { headers: { cookie } })).text()).split(' ')[1]!;
  const tokens = [token, await page(), await page()];
  assert.equal(new Set(tokens).size, 3, 'no two pages carry the same token');
  const other = await start(app());
  const url = `http://localhost/memos/${memo.id}/delete/`;
  const post = (value: string) =>
    web.request(url, { method: 'POST', body: `${CSRF_FIELD}=${encodeURIComponent(value)}`, headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' } });
  // Another session's token, a token cut short, one with a byte flipped: refused, nothing deleted.
  const flipped = Buffer.from(tokens[1]!, 'base64url');
  flipped[40] = flipped[40]! ^ 1;
  for (const bad of [other.token, tokens[1]!.slice(0, 43), flipped.toString('base64url'), `${tokens[1]}=`, '!'.repeat(86)]) {
    assert.equal((await post(bad)).status, 403, bad);
  }
  assert.equal(await Memo.objects.count(), 1);
  assert.equal((await post(tokens[2]!)).status, 200);
  assert.equal(await Memo.objects.count(), 0);
});

test('PUT, PATCH and DELETE need the token as POST does, over a real socket: without it a 403 and the view never runs', async () => {
  const web = app();
  const server = await listen(web);
  try {
    const first = await fetch(`${server.url}/count/`);
    const cookie = cookieOf(first);
    const token = (await first.text()).split(' ')[1]!;
    for (const method of ['PUT', 'PATCH', 'DELETE']) {
      const memo = await Memo.objects.create({ text: method });
      const send = (headers: Record<string, string>) => fetch(`${server.url}/memos/${memo.id}/delete/`, { method, headers: { cookie, ...headers } });
      for (const headers of [{}, { 'x-csrftoken': 'wrong' }, { 'x-csrftoken': token, origin: 'http://evil.example' }] as Record<string, string>[]) {
        const refused = await send(headers);
        assert.equal(refused.status, 403, `${method} ${JSON.stringify(headers)}`);
        assert.match(await refused.text(), /CSRF verification failed/);
        assert.ok(await Memo.objects.filter({ id: memo.id }).exists(), `${method}: nothing deleted`);
      }
      const done = await send({ 'x-csrftoken': token });
      assert.equal(done.status, 200, method);
      assert.equal(await done.text(), 'deleted');
      assert.equal(await Memo.objects.filter({ id: memo.id }).exists(), false);
    }
  } finally {
    await server.close();
  }
});
