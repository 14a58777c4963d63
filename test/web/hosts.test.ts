// @backends: sqlite-only
/**
 * The Host header is checked against `allowedHosts` (Django's ALLOWED_HOSTS): any other host is a
 * 400 before a view runs, so redirects and the CSRF origin check only ever see a host the site
 * answers to. Over a real socket, with the Host header (and the request target) a client chooses.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createApp, path } from '../../src/web/index.ts';
import { useBlogApp } from '../support/blog-app.ts';
import { rawRequest as raw } from '../support/web.ts';

const { transports } = useBlogApp({ socket: true });
const overSocket = transports['over a socket']!;

test("another site's name in Host is a 400 on every page; the local names pass (the blog sets no allowedHosts)", async () => {
  const client = overSocket();
  const port = new URL(client.origin).port;
  for (const host of ['evil.example', `evil.example:${port}`, 'localhost.evil.example', 'EVIL.example', '127.0.0.2']) {
    for (const target of ['/posts/', '/admin/login/', '/static/blog.css', '/no-such-page/']) {
      const response = await raw(client.origin, target, host);
      assert.equal(response.status, 400, `${host} ${target}`);
      assert.equal(response.headers['x-frame-options'], 'DENY', 'the 400 page has the security headers too');
      assert.doesNotMatch(response.body, /evil/i, 'the host is not echoed without debug');
    }
  }
  for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, 'localhost', 'LocalHost', 'www.localhost', `[::1]:${port}`, '127.0.0.1']) {
    assert.equal((await raw(client.origin, '/posts/', host)).status, 200, host);
  }
});

test('a login cannot be made to redirect to the host the client names', async () => {
  const client = overSocket();
  await client.page('/admin/login/');
  const body = new URLSearchParams({ username: 'admin', password: 'admin', next: 'http://evil.example/x', csrfmiddlewaretoken: client.token! }).toString();
  const headers = { cookie: client.cookieHeader, 'content-type': 'application/x-www-form-urlencoded' };
  const poisoned = await raw(client.origin, '/admin/login/', 'evil.example', { method: 'POST', headers, body });
  assert.equal(poisoned.status, 400);
  assert.equal(poisoned.headers.location, undefined);
  // Named in the request target instead of the Host header (absolute-form), the same.
  const absolute = await raw(client.origin, 'http://evil.example/admin/login/', new URL(client.origin).host, { method: 'POST', headers, body });
  assert.equal(absolute.status, 400);
  assert.equal(absolute.headers.location, undefined);
  // With the site's own host, the foreign `next` is ignored, as before.
  const fine = await client.post('/admin/login/', { username: 'admin', password: 'admin', next: 'http://evil.example/x' });
  assert.equal(fine.status, 302);
  assert.equal(fine.headers.get('location'), '/admin/');
});

test("the CSRF origin check does not trust an Origin that matches the client's own Host", async () => {
  const client = overSocket();
  await client.login('admin', 'admin', '/admin/login/');
  await client.page('/admin/'); // the logout form's token
  const body = new URLSearchParams({ csrfmiddlewaretoken: client.token! }).toString();
  const logout = await raw(client.origin, '/admin/logout/', 'evil.example', {
    method: 'POST',
    headers: { cookie: client.cookieHeader, origin: 'http://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
    body,
  });
  assert.equal(logout.status, 400);
  assert.equal((await client.get('/admin/')).status, 200, 'still logged in');
});

test('allowedHosts: exact names, a leading dot for a domain and its subdomains, * for any; ports and a final dot are ignored', async () => {
  const view = path('', async () => new Response('ok'));
  const site = createApp({ urls: [view], allowedHosts: ['.example.com', 'other.test'] });
  const status = async (url: string) => (await site.request(url)).status;
  for (const url of ['http://example.com/', 'http://www.example.com/', 'http://a.b.example.com:8080/', 'http://EXAMPLE.com./', 'http://other.test/', 'https://other.test:443/']) {
    assert.equal(await status(url), 200, url);
  }
  for (const url of ['http://evil-example.com/', 'http://example.com.evil/', 'http://www.other.test/', 'http://localhost/', 'http://127.0.0.1/']) {
    assert.equal(await status(url), 400, url);
  }
  const any = createApp({ urls: [view], allowedHosts: ['*'] });
  assert.equal((await any.request('http://anything.example/')).status, 200);
});

test('with debug, the 400 page says which host to add to allowedHosts (escaped); without, it names nothing', async () => {
  const view = path('', async () => new Response('ok'));
  const debug = await createApp({ urls: [view], debug: true }).request('http://evil.example/', { headers: {} });
  assert.equal(debug.status, 400);
  assert.match(await debug.text(), /Invalid Host header: &#39;evil\.example&#39;\. You may need to add &#39;evil\.example&#39; to allowedHosts\./);
  const quiet = await createApp({ urls: [view] }).request('http://evil.example/');
  assert.equal(quiet.status, 400);
  assert.doesNotMatch(await quiet.text(), /evil/);
});
