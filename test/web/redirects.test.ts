// @backends: sqlite-only
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createApp, path, urlHasAllowedHostAndScheme } from '../../src/web/index.ts';

// Django's own cases for url_has_allowed_host_and_scheme (tests/utils_tests/test_http.py).
const BAD = [
  'http://example.com', 'http:///example.com', 'https://example.com', 'ftp://example.com', '\\\\example.com', '\\\\\\example.com',
  '/\\\\/example.com', '\\\\//example.com', '/\\/example.com', '\\/example.com', '/\\example.com', 'http:/\\//example.com',
  'http:\\/example.com', 'http:/\\example.com', 'javascript:alert("XSS")', '\njavascript:alert(x)', '\x08//example.com',
  'http://otherserver\\@example.com', 'http:\\\\testserver\\@example.com', 'http://testserver\\me:pass@example.com',
  'http://testserver\\@example.com', 'http:\\\\testserver\\confirm\\me@example.com', 'http:999999999', 'ftp:9999999999', '\n',
  'http://[2001:cdba:0000:0000:0000:0000:3257:9652/', 'http://2001:cdba:0000:0000:0000:0000:3257:9652]/',
  // and review's: a tab inside the slashes
  '/\t/evil.example/', '', '   ',
];
const GOOD = [
  '/view/?param=http://example.com', '/view/?param=https://example.com', '/view?param=ftp://example.com', 'view/?param=//example.com',
  'https://testserver/', 'HTTPS://testserver/', '//testserver/', 'http://testserver/confirm?email=me@example.com', '/url%20with%20spaces/',
  'path/http:2222222222',
];

test('urlHasAllowedHostAndScheme follows Django on its own cases', () => {
  for (const url of BAD) assert.equal(urlHasAllowedHostAndScheme(url, { allowedHosts: ['testserver'] }), false, JSON.stringify(url));
  for (const url of GOOD) assert.equal(urlHasAllowedHostAndScheme(url, { allowedHosts: ['testserver'] }), true, JSON.stringify(url));
  assert.equal(urlHasAllowedHostAndScheme('http://testserver/', { allowedHosts: ['testserver'], requireHttps: true }), false);
  assert.equal(urlHasAllowedHostAndScheme(null), false);
});

test('APPEND_SLASH never redirects to another host (CVE-2018-14574)', async () => {
  const app = createApp({ urls: [path('<path:rest>/', () => new Response('page'))], allowedHosts: ['testserver'] });
  for (const url of ['//evil.example', '///evil.example', '//evil.example?x=1']) {
    const res = await app.request(`http://testserver${url}`);
    assert.equal(res.status, 301);
    const location = res.headers.get('location')!;
    assert.ok(!location.startsWith('//'), `${url} redirected to ${location}`);
    assert.equal(new URL(location, 'http://testserver/').host, 'testserver');
  }
});
