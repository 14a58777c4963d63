// @backends: sqlite-only
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createApp, Http404, path } from '../../src/web/index.ts';

const urls = [
  path('posts/', () => new Response('list'), { name: 'post_list' }),
  path('posts/<int:id>/', (request) => {
    if (request.params.id > 100) throw new Http404(`No post ${request.params.id}.`);
    return new Response(`post ${request.params.id} via ${request.method}`);
  }, { name: 'post_detail' }),
  path('boom/', () => {
    throw new Error('secret detail');
  }),
];

test('requests reach the matching view with converted params', async () => {
  const app = createApp({ urls });
  const res = await app.request('/posts/7/');
  assert.equal(res.status, 200);
  assert.equal(await res.text(), 'post 7 via GET');
  assert.equal(await (await app.request('/posts/7/', { method: 'POST' })).text(), 'post 7 via POST');
});

test('unknown paths, malformed ids and Http404 are 404 pages', async () => {
  const app = createApp({ urls });
  for (const url of ['/nope/', '/posts/abc/', '/posts/101/']) {
    const res = await app.request(url);
    assert.equal(res.status, 404, url);
    assert.match(res.headers.get('content-type') ?? '', /text\/html/);
    assert.match(await res.text(), /Page not found/);
  }
});

test('a missing trailing slash redirects, as Django does', async () => {
  const app = createApp({ urls });
  const res = await app.request('/posts/7?x=1');
  assert.equal(res.status, 301);
  assert.equal(res.headers.get('location'), '/posts/7/?x=1');
  assert.equal((await app.request('/posts/7', { method: 'POST' })).status, 404);
});

test('errors are a 500 page, with details only in debug', async () => {
  const quiet = createApp({ urls });
  const original = console.error;
  console.error = () => {};
  try {
    const res = await quiet.request('/boom/');
    assert.equal(res.status, 500);
    assert.doesNotMatch(await res.text(), /secret detail/);
  } finally {
    console.error = original;
  }
  const loud = createApp({ urls, debug: true });
  const res = await loud.request('/boom/');
  assert.equal(res.status, 500);
  assert.match(await res.text(), /secret detail/);
  assert.match(await (await loud.request('/nowhere/')).text(), /posts\/&lt;int:id&gt;\//);
});

test("every response carries Django's security headers unless the view set its own; securityHeaders: false sends none", async () => {
  const web = createApp({
    urls: [
      path('plain/', () => new Response('ok')),
      path('framed/', () => new Response('ok', { headers: { 'x-frame-options': 'SAMEORIGIN' } })),
      path('broken/', () => {
        throw new Error('boom');
      }),
    ],
  });
  const original = console.error;
  console.error = () => {};
  try {
    for (const url of ['/plain/', '/missing/', '/broken/']) {
      const response = await web.request(`http://localhost${url}`);
      assert.equal(response.headers.get('x-frame-options'), 'DENY', url);
      assert.equal(response.headers.get('x-content-type-options'), 'nosniff', url);
      assert.equal(response.headers.get('referrer-policy'), 'same-origin', url);
      assert.equal(response.headers.get('cross-origin-opener-policy'), 'same-origin', url);
    }
  } finally {
    console.error = original;
  }
  assert.equal((await web.request('http://localhost/framed/')).headers.get('x-frame-options'), 'SAMEORIGIN');
  const bare = createApp({ securityHeaders: false, urls: [path('plain/', () => new Response('ok'))] });
  assert.equal((await bare.request('http://localhost/plain/')).headers.get('x-frame-options'), null);
});

test('request bodies over the limit are a 413 before the view runs, declared or streamed', async () => {
  let reached = 0;
  const echo = [path('echo/', async (request) => {
    reached++;
    return new Response(String((await request.raw.text()).length));
  })];
  const app = createApp({ urls: echo });
  const big = 'x'.repeat(2_621_441);
  assert.equal((await app.request('/echo/', { method: 'POST', body: big })).status, 413);
  assert.equal(await (await app.request('/echo/', { method: 'POST', body: 'x'.repeat(2_621_440) })).text(), '2621440');
  const small = createApp({ urls: echo, dataUploadMaxMemorySize: 100 });
  const streamed = (n: number) => new ReadableStream({
    start(controller) {
      for (let i = 0; i < n; i++) controller.enqueue(new TextEncoder().encode('y'.repeat(30)));
      controller.close();
    },
  });
  reached = 0;
  const refused = await small.request('/echo/', { method: 'POST', body: streamed(4), duplex: 'half' } as RequestInit);
  assert.equal(refused.status, 413);
  assert.match(await refused.text(), /larger than 100 bytes/);
  assert.equal(reached, 0);
  assert.equal(await (await small.request('/echo/', { method: 'POST', body: streamed(3), duplex: 'half' } as RequestInit)).text(), '90');
  assert.equal(await (await createApp({ urls: echo, dataUploadMaxMemorySize: null }).request('/echo/', { method: 'POST', body: big })).text(), String(big.length));
});

test('a form body that cannot be read is a 400 page, not a 500', async () => {
  const app = createApp({ urls: [path('form/', async (request) => new Response(String((await request.form()).get('a'))))] });
  const broken = await app.request('/form/', { method: 'POST', body: 'a=1', headers: { 'content-type': 'multipart/form-data; boundary=x' } });
  assert.equal(broken.status, 400);
  assert.match(await broken.text(), /Bad request/);
  const fine = await app.request('/form/', { method: 'POST', body: 'a=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  assert.equal(await fine.text(), '1');
});
