// @backends: sqlite-only
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from '../../src/index.ts';
import { createApp, CsrfField, Layout, messages, path, redirect, render } from '../../src/web/index.ts';

test('render gives escaped HTML with the CSRF field and messages shown once, with Undo', async () => {
  const db = await connect('sqlite::memory:');
  await db.createTables();
  const web = createApp({
    secretKey: 'a-test-secret-key-that-is-long-enough',
    urls: [
      path('page/', (request) =>
        render(request, (
          <Layout title="Delete <post>?">
            <p>{'<script>alert(1)</script>'}</p>
            <form method="post"><CsrfField /></form>
          </Layout>
        ))),
      path('flash/', (request) => {
        messages.success(request, 'Deleted “Hi”.', { undoUrl: '/restore/abc/' });
        return redirect('/page/');
      }),
    ],
  });
  const first = await web.request('http://localhost/flash/');
  const cookie = first.headers.get('set-cookie')!.split(';')[0]!;
  const page = await web.request('http://localhost/page/', { headers: { cookie } });
  assert.match(page.headers.get('content-type') ?? '', /text\/html/);
  const html = await page.text();
  assert.ok(html.startsWith('<!doctype html>'));
  assert.match(html, /<title>Delete &lt;post&gt;\?<\/title>/);
  assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  assert.doesNotMatch(html, /<script>/);
  const token = /name="csrfmiddlewaretoken" value="([^"]+)"/.exec(html)?.[1];
  assert.ok(token && token.length > 20);
  assert.match(html, /Deleted “Hi”\./);
  assert.match(html, /<form method="post" action="\/restore\/abc\/" class="undo">/);
  const again = await (await web.request('http://localhost/page/', { headers: { cookie } })).text();
  assert.doesNotMatch(again, /Deleted/);
  await db.close();
});
