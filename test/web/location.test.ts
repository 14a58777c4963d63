// @backends: sqlite-only
/**
 * A redirect's Location carries any URL: CR, LF and characters above U+00FF (which Web-standard
 * Headers refuse, a 500) are escaped as UTF-8, as Django's iri_to_uri does; a URL from the
 * request is never read as a pattern's name (`next=nope` was a NoReverseMatch, a 500).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createApp, iriToUri, path, redirect, redirectToUrl } from '../../src/web/index.ts';
import { listen } from '../support/web.ts';

test('iriToUri: every string becomes a header value that decodes back to it, and an escaped URL stays as it is', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (text) => {
      const uri = iriToUri(text);
      assert.doesNotThrow(() => new Headers({ location: uri }), uri);
      assert.match(uri, /^[\x21-\x7e]*$/, 'visible ASCII only');
      if (!text.includes('%')) assert.equal(decodeURIComponent(uri), text);
      assert.equal(iriToUri(uri), uri, 'idempotent');
    }),
    { numRuns: 500 },
  );
  assert.equal(iriToUri('/admin/blog/post/?q=été&status__exact=draft'), '/admin/blog/post/?q=%C3%A9t%C3%A9&status__exact=draft');
  assert.equal(iriToUri('/a\r\nSet-Cookie: x=1'), '/a%0D%0ASet-Cookie:%20x=1');
  assert.equal(iriToUri('/€/%E2%82%AC'), '/%E2%82%AC/%E2%82%AC');
  assert.equal(iriToUri('/\ud800'), '/%EF%BF%BD', 'a lone surrogate as U+FFFD');
});

test('redirect() and redirectToUrl() answer with an escaped Location, over a real socket', async () => {
  const app = createApp({
    urls: [
      path('to/', async (request) => redirectToUrl(request.url.searchParams.get('next') ?? '/')),
      path('named/', async () => redirect('/list/?q=日本')),
      path('list/', async () => new Response('list'), { name: 'list' }),
    ],
  });
  const server = await listen(app);
  try {
    const go = async (next: string) => {
      const res = await fetch(`${server.url}/to/?${new URLSearchParams({ next })}`, { redirect: 'manual' });
      return { status: res.status, location: res.headers.get('location') };
    };
    assert.deepEqual(await go('nope'), { status: 302, location: 'nope' }, 'a relative URL, not a name');
    assert.deepEqual(await go('/x/\r\nX-Evil: 1'), { status: 302, location: '/x/%0D%0AX-Evil:%201' });
    assert.deepEqual(await go('/x/€'), { status: 302, location: '/x/%E2%82%AC' });
    const named = await fetch(`${server.url}/named/`, { redirect: 'manual' });
    assert.equal(named.headers.get('location'), '/list/?q=%E6%97%A5%E6%9C%AC');
  } finally {
    await server.close();
  }
});
