// @backends: sqlite-only
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createApp, path, serveStatic } from '../../src/web/index.ts';

const root = new URL('../.tmp/', import.meta.url).pathname;
const folder = join(root, `static-${process.pid}`);
rmSync(folder, { recursive: true, force: true });
mkdirSync(join(folder, 'css'), { recursive: true });
writeFileSync(join(folder, 'css', 'site.css'), 'body { color: red }');
writeFileSync(join(root, `secret-${process.pid}.txt`), 'secret');
symlinkSync(join(root, `secret-${process.pid}.txt`), join(folder, 'link.txt'));

const app = createApp({ urls: [path('static/<path:file>', serveStatic(folder))] });

test('serves files with a type, a length and validators; a second visit is a 304', async () => {
  const first = await app.request('http://localhost/static/css/site.css');
  assert.equal(first.status, 200);
  assert.equal(first.headers.get('content-type'), 'text/css; charset=utf-8');
  assert.equal(first.headers.get('content-length'), '19');
  assert.equal(await first.text(), 'body { color: red }');
  const etag = first.headers.get('etag')!;
  const again = await app.request('http://localhost/static/css/site.css', { headers: { 'if-none-match': etag } });
  assert.equal(again.status, 304);
  assert.equal(await again.text(), '');
  const since = await app.request('http://localhost/static/css/site.css', { headers: { 'if-modified-since': first.headers.get('last-modified')! } });
  assert.equal(since.status, 304);
  const head = await app.request('http://localhost/static/css/site.css', { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(head.headers.get('content-length'), '19');
});

test('nothing outside the folder, no folders, nothing missing: 404s; writes: 405', async () => {
  for (const url of ['/static/css/', '/static/css', '/static/missing.css', `/static/..%2Fsecret-${process.pid}.txt`, `/static/css/..%2F..%2Fsecret-${process.pid}.txt`, `/static/../secret-${process.pid}.txt`, '/static/link.txt', '/static/%00']) {
    assert.equal((await app.request(`http://localhost${url}`)).status, 404, url);
  }
  assert.equal((await app.request('http://localhost/static/css/site.css', { method: 'POST' })).status, 405);
});
