// @backends: sqlite-only
/**
 * The HTTPS settings over a real socket, as `trove check --deploy` asks for them: a plain-HTTP
 * request is a 301 to the same address over HTTPS (secureSslRedirect), an HTTPS one (through a
 * proxy that says so) gets Strict-Transport-Security (secureHstsSeconds and its two flags) and
 * is served, and the session cookie is Secure even over plain HTTP (sessionCookieSecure).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createApp, path, type AppConfig } from '../../src/web/index.ts';
import { withSeededDatabase } from '../support/database.ts';
import { listen, rawRequest } from '../support/web.ts';

withSeededDatabase(async () => undefined);

const PROXY: [string, string] = ['x-forwarded-proto', 'https'];
const app = (settings: Partial<AppConfig>) => createApp({
  secretKey: 'an-https-test-secret-key-long-enough',
  allowedHosts: ['shop.example'],
  urls: [path('count/', async (request) => {
    request.session.set('n', 1);
    return new Response('counted');
  })],
  ...settings,
});

const servers: Record<string, Awaited<ReturnType<typeof listen>>> = {};
before(async () => {
  servers.strict = await listen(app({ secureProxyHeader: PROXY, secureSslRedirect: true, secureHstsSeconds: 3600, secureHstsIncludeSubdomains: true, secureHstsPreload: true, sessionCookieSecure: true }));
  servers.plain = await listen(app({ secureProxyHeader: PROXY, secureHstsSeconds: 60 }));
});
after(async () => {
  for (const server of Object.values(servers)) await server.close();
});

test('secureSslRedirect: plain HTTP is a 301 to the same path and query over HTTPS; a host not allowed is still a 400', async () => {
  const res = await rawRequest(servers.strict!.url, '/count/?a=1&b=2', 'shop.example');
  assert.equal(res.status, 301);
  assert.equal(res.headers.location, 'https://shop.example/count/?a=1&b=2');
  assert.equal(res.headers['strict-transport-security'], undefined, 'no HSTS over plain HTTP: browsers ignore it there');
  assert.equal((await rawRequest(servers.strict!.url, '/count/', 'evil.example')).status, 400);
});

test('over HTTPS (the proxy says so): served, with Strict-Transport-Security and its flags, and a Secure session cookie', async () => {
  const res = await rawRequest(servers.strict!.url, '/count/', 'shop.example', { headers: { 'x-forwarded-proto': 'https' } });
  assert.equal(res.status, 200);
  assert.equal(res.body, 'counted');
  assert.equal(res.headers['strict-transport-security'], 'max-age=3600; includeSubDomains; preload');
  assert.match(String(res.headers['set-cookie']), /; Secure/);
  const notFound = await rawRequest(servers.strict!.url, '/nothing/', 'shop.example', { headers: { 'x-forwarded-proto': 'https' } });
  assert.equal(notFound.status, 404);
  assert.equal(notFound.headers['strict-transport-security'], 'max-age=3600; includeSubDomains; preload', 'error pages too');
});

test('without the redirect, plain HTTP is served without HSTS; without sessionCookieSecure its cookie is Secure over HTTPS only', async () => {
  const plain = await rawRequest(servers.plain!.url, '/count/', 'shop.example');
  assert.equal(plain.status, 200);
  assert.equal(plain.headers['strict-transport-security'], undefined);
  assert.doesNotMatch(String(plain.headers['set-cookie']), /Secure/);
  const secure = await rawRequest(servers.plain!.url, '/count/', 'shop.example', { headers: { 'x-forwarded-proto': 'https' } });
  assert.equal(secure.headers['strict-transport-security'], 'max-age=60');
  assert.match(String(secure.headers['set-cookie']), /; Secure/);
});

test('sessionCookieSecure: the cookie is Secure over plain HTTP too (a proxy that ends TLS and says nothing)', async () => {
  const web = app({ sessionCookieSecure: true });
  const res = await web.request('http://shop.example/count/');
  assert.equal(res.status, 200);
  assert.match(res.headers.get('set-cookie') ?? '', /; Secure/);
});

test('the scheme is the connection\'s, not the request line\'s: `GET https://…` over plain HTTP is plain HTTP', async () => {
  const res = await rawRequest(servers.plain!.url, 'https://shop.example/count/', 'shop.example');
  assert.equal(res.headers['strict-transport-security'], undefined);
  assert.doesNotMatch(String(res.headers['set-cookie']), /Secure/);
  const redirected = await rawRequest(servers.strict!.url, 'https://shop.example/count/', 'shop.example');
  assert.equal(redirected.status, 301);
});

test('the proxy header decides when present, by the first of a comma-separated list, as Django\'s SECURE_PROXY_SSL_HEADER', async () => {
  const chained = await rawRequest(servers.strict!.url, '/count/', 'shop.example', { headers: { 'x-forwarded-proto': 'https, http' } });
  assert.equal(chained.status, 200, 'the first proxy (the one the client reached) saw HTTPS');
  const spaced = await rawRequest(servers.strict!.url, '/count/', 'shop.example', { headers: { 'x-forwarded-proto': ' https ' } });
  assert.equal(spaced.status, 200);
  const plain = await rawRequest(servers.strict!.url, '/count/', 'shop.example', { headers: { 'x-forwarded-proto': 'http, https' } });
  assert.equal(plain.status, 301);
  // Handed a Request directly, with no connection to ask: the header still wins over the URL's scheme.
  const direct = await app({ secureProxyHeader: PROXY, secureSslRedirect: true }).request('https://shop.example/count/', { headers: { 'x-forwarded-proto': 'http' } });
  assert.equal(direct.status, 301);
});
