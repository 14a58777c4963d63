// @backends: sqlite-only
/**
 * Response headers, over a real socket against the blog: admin pages and every page served to a
 * logged-in user are never cached (Django's never_cache); every response carries a strict
 * Content-Security-Policy and Django's default security headers, error pages included; and the
 * admin's pages need nothing the policy forbids (no inline script or style).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Post } from '../../examples/blog/models.ts';
import { createApp, path } from '../../src/web/index.ts';
import { useBlogApp } from '../support/blog-app.ts';
import { listen, rawRequest, type RawResponse, type TestClient } from '../support/web.ts';

const { transports } = useBlogApp({ socket: true });
const overSocket = transports['over a socket']!;

const NEVER_CACHE = 'max-age=0, no-cache, no-store, must-revalidate, private';

async function staff(): Promise<TestClient> {
  const client = overSocket();
  await client.login('admin', 'admin', '/admin/login/');
  return client;
}

async function adminPages(): Promise<string[]> {
  const post = (await Post.objects.first())!;
  return [
    '/admin/', '/admin/blog/', '/admin/blog/post/', '/admin/blog/post/?q=trove', '/admin/blog/post/add/',
    `/admin/blog/post/${post.id}/change/`, `/admin/blog/post/${post.id}/delete/`, `/admin/blog/post/${post.id}/history/`,
    `/admin/blog/post/${post.id}/`, '/admin/blog/post/trash/', '/admin/trash/', '/admin/password_change/', '/admin/password_change/done/',
    '/admin/autocomplete/?app_label=blog&model_name=post&field_name=author&term=a',
  ];
}

function assertNeverCached(response: Response, what: string): void {
  assert.equal(response.headers.get('cache-control'), NEVER_CACHE, what);
  const expires = Date.parse(response.headers.get('expires') ?? '');
  assert.ok(Math.abs(expires - Date.now()) < 5 * 60_000, `${what}: Expires is now, as Django's never_cache sets it`);
}

test('every admin page is never cached, for staff and for anonymous visitors sent to log in', async () => {
  const anonymous = overSocket();
  for (const url of [...(await adminPages()), '/admin/login/']) {
    const response = await anonymous.get(url);
    await response.body?.cancel();
    assertNeverCached(response, `anonymous ${url} (${response.status})`);
  }
  const admin = await staff();
  for (const url of await adminPages()) {
    const response = await admin.get(url);
    await response.body?.cancel();
    assert.ok(response.status === 200 || response.status === 302, `${url}: ${response.status}`);
    assertNeverCached(response, `staff ${url}`);
  }
  // The admin's script and stylesheet are the same for everyone: cached, and checked again (ETag).
  const script = await admin.get('/admin/static/admin.js');
  assert.equal(script.headers.get('cache-control'), 'no-cache');
});

test("the blog's pages are never cached when a user is logged in; for anonymous readers they may be", async () => {
  const post = (await Post.objects.first())!;
  const reader = overSocket();
  await reader.login('reader', 'reader');
  const anonymous = overSocket();
  for (const url of ['/posts/', `/posts/${post.id}/`]) {
    const mine = await reader.get(url);
    assert.equal(mine.status, 200);
    assertNeverCached(mine, `logged in ${url}`);
    const theirs = await anonymous.get(url);
    assert.equal(theirs.status, 200);
    assert.equal(theirs.headers.get('cache-control'), null, `anonymous ${url}`);
  }
  // Logging out is the last page of the session: not cached either.
  await reader.page('/posts/');
  const out = await reader.post('/logout/');
  assert.equal(out.status, 302);
  assertNeverCached(out, 'the logout redirect');
});

/** Django's defaults (SecurityMiddleware, XFrameOptionsMiddleware) and a Content-Security-Policy. */
function assertSecurityHeaders(headers: Headers, what: string): void {
  assert.equal(headers.get('x-content-type-options'), 'nosniff', what);
  assert.equal(headers.get('x-frame-options'), 'DENY', what);
  assert.equal(headers.get('referrer-policy'), 'same-origin', what);
  assert.equal(headers.get('cross-origin-opener-policy'), 'same-origin', what);
  const csp = headers.get('content-security-policy') ?? '';
  const directives = new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name!, values]));
  assert.deepEqual(directives.get('default-src'), ["'self'"], `${what}: ${csp}`);
  for (const name of ['object-src']) assert.deepEqual(directives.get(name), ["'none'"], `${what}: ${name}`);
  assert.deepEqual(directives.get('frame-ancestors'), ["'none'"], what);
  assert.ok(directives.has('base-uri') && directives.has('form-action'), `${what}: ${csp}`);
  // No way around the policy for inline code: no script-src or style-src that loosens default-src.
  assert.doesNotMatch(csp, /unsafe-|data:|\*|https?:/, `${what}: ${csp}`);
}

test('every response has a strict Content-Security-Policy and the security headers: pages, redirects, static files, errors', async () => {
  const admin = await staff();
  const anonymous = overSocket();
  const responses: [string, Response][] = [
    ['a page', await anonymous.get('/posts/')],
    ['an admin page', await admin.get('/admin/blog/post/')],
    ['a redirect', await anonymous.get('/admin/')],
    ['a static file', await anonymous.get('/static/blog.css')],
    ['the admin script', await anonymous.get('/admin/static/admin.js')],
    ['a 404', await anonymous.get('/no/such/page/')],
    ['a 403 (CSRF)', await anonymous.post('/logout/', {}, { token: null })],
    ['a 405', await admin.request('/admin/logout/')],
  ];
  const failing = createApp({ urls: [path('', async () => { throw new Error('boom'); })] });
  const server = await listen(failing);
  try {
    const silenced = console.error;
    console.error = () => {};
    try {
      responses.push(['a 500', await fetch(`${server.url}/`)]);
    } finally {
      console.error = silenced;
    }
  } finally {
    await server.close();
  }
  for (const [what, response] of responses) {
    await response.body?.cancel();
    assertSecurityHeaders(response.headers, `${what} (${response.status})`);
  }
  // On connections of their own: a refused Host, and a body too large (after which the server
  // closes the connection).
  const host = new URL(anonymous.origin).host;
  const raw: [string, number, RawResponse][] = [
    ['a 400 (Host)', 400, await rawRequest(anonymous.origin, '/posts/', 'evil.example')],
    ['a 413', 413, await rawRequest(anonymous.origin, '/login/', host, { method: 'POST', body: 'x'.repeat(3_000_000), headers: { 'content-type': 'application/x-www-form-urlencoded' } })],
  ];
  for (const [what, status, response] of raw) {
    assert.equal(response.status, status, what);
    assertSecurityHeaders(new Headers(Object.entries(response.headers).map(([k, v]) => [k, String(v)])), what);
  }
});

test("the admin's pages fit the policy: no inline script, style or event handler; an icon of their own from the static files", async () => {
  const admin = await staff();
  const anonymous = overSocket();
  const pages: [string, string][] = [['/admin/login/', (await anonymous.page('/admin/login/')).html]];
  for (const url of await adminPages()) if (!url.includes('autocomplete')) pages.push([url, (await admin.page(url)).html]);
  for (const [url, html] of pages) {
    assert.doesNotMatch(html, /<script(?![^>]*\ssrc=)[^>]*>/i, `${url}: an inline script`);
    assert.doesNotMatch(html, /<style[\s>]/i, `${url}: a style element`);
    assert.doesNotMatch(html, /\sstyle="/i, `${url}: a style attribute`);
    assert.doesNotMatch(html, /\son[a-z]+="/i, `${url}: an event handler attribute`);
    assert.doesNotMatch(html, /(href|src|action)="javascript:/i, `${url}: a javascript: URL`);
    // An icon of its own, so the browser does not ask for /favicon.ico (a 404) on every page.
    if (/<html/.test(html)) assert.match(html, /<link rel="icon" href="\/admin\/static\/favicon\.svg" type="image\/svg\+xml"\/?>/, `${url}: the icon`);
  }
  const icon = await anonymous.get('/admin/static/favicon.svg');
  assert.equal(icon.status, 200);
  assert.equal(icon.headers.get('content-type'), 'image/svg+xml');
  assert.match(await icon.text(), /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
});
