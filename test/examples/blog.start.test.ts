// @backends: sqlite-only
/** `npm start` never surprises: a taken port before any file is touched; the demo data kept unless asked. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { PATIENCE_MS } from '../support/patience.ts';

const root = new URL('../..', import.meta.url).pathname;

/** Runs the blog's server until it prints its address (then stops it) or exits. */
function start(env: Record<string, string>, args: string[] = []): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'examples/blog/server.ts', ...args], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), PATIENCE_MS);
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (/Trove blog: http/.test(out)) child.kill('SIGTERM');
    });
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out, err });
    });
  });
}

const posts = (file: string) => {
  const db = new SqliteDatabase(file, { readonly: true });
  try {
    return (db.prepare('select count(*) as n from blog_post').get() as { n: number }).n;
  } finally {
    db.close();
  }
};

test('npm start: a taken port is one line and exit 1, before the database is touched; the data stays unless --reset', async () => {
  const dir = join(root, 'test', '.tmp', `start-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'blog.db');
  try {
    const first = await start({ PORT: '0', TROVE_BLOG_DB: file });
    assert.match(first.out, /Trove blog: http:\/\/127\.0\.0\.1:\d+\//);
    const seeded = posts(file);
    assert.ok(seeded > 0, 'a new file is seeded');
    const db = new SqliteDatabase(file);
    db.prepare("delete from blog_post_tags").run();
    db.prepare("delete from blog_comment").run();
    db.prepare("delete from blog_post where id = (select min(id) from blog_post)").run();
    db.close();

    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    const before = statSync(file).mtimeMs;
    try {
      const refused = await start({ PORT: String(port), TROVE_BLOG_DB: file }, ['--reset']);
      assert.equal(refused.code, 1);
      assert.equal(refused.err, `port ${port} is in use: PORT=${port + 1} npm start\n`);
    } finally {
      blocker.close();
    }
    assert.equal(statSync(file).mtimeMs, before, 'the database was not touched');
    assert.equal(posts(file), seeded - 1);

    const again = await start({ PORT: '0', TROVE_BLOG_DB: file });
    assert.match(again.out, /the demo data as you left it/);
    assert.equal(posts(file), seeded - 1, 'kept, not re-seeded');
    const reset = await start({ PORT: '0', TROVE_BLOG_DB: file }, ['--reset']);
    assert.doesNotMatch(reset.out, /as you left it/);
    assert.equal(posts(file), seeded, 'seeded anew');
    assert.ok(existsSync(file));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('npm run serve: refuses without a secret key of its own or without allowed hosts (naming the variables), then serves without debug and without demo accounts', { timeout: PATIENCE_MS }, async () => {
  const dir = join(root, 'test', '.tmp', `serve-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'blog.db');
  const key = 'k'.repeat(20) + '-a-secret-of-the-sites-own-0123456789';
  try {
    const refusals: [Record<string, string>, RegExp][] = [
      [{ TROVE_ALLOWED_HOSTS: 'localhost' }, /^npm run serve: refusing to serve without debug:\n {2}- TROVE_SECRET_KEY is not set/],
      [{ TROVE_ALLOWED_HOSTS: 'localhost', TROVE_SECRET_KEY: 'trove-insecure-blog-demo-secret-key' }, /the secret key is the sample written in the repository/],
      [{ TROVE_SECRET_KEY: key }, /allowedHosts is empty: .*TROVE_ALLOWED_HOSTS=/],
    ];
    for (const [env, message] of refusals) {
      const refused = await start({ PORT: '0', TROVE_BLOG_DB: file, TROVE_SECRET_KEY: '', TROVE_ALLOWED_HOSTS: '', ...env }, ['--no-debug']);
      assert.equal(refused.code, 1, refused.out);
      assert.match(refused.err, message);
      assert.ok(!existsSync(file), 'nothing was made');
    }
    const served = await serveUntil({ PORT: '0', TROVE_BLOG_DB: file, TROVE_SECRET_KEY: key, TROVE_ALLOWED_HOSTS: 'localhost' }, async (url) => {
      const local = url.replace('127.0.0.1', 'localhost');
      const login = await (await fetch(`${local}login/`)).text();
      assert.doesNotMatch(login, /Demo accounts/);
      const missing = await fetch(`${local}no/such/page/`);
      assert.equal(missing.status, 404);
      assert.doesNotMatch(await missing.text(), /Patterns tried/, 'no debug details');
      assert.equal((await fetch(`${url}posts/`)).status, 400, '127.0.0.1 is not in TROVE_ALLOWED_HOSTS');
    });
    assert.match(served, /without debug, for localhost; make an account with: cd examples\/blog && npx trove createsuperuser/);
    const db = new SqliteDatabase(file, { readonly: true });
    try {
      assert.equal((db.prepare('select count(*) as n from auth_user').get() as { n: number }).n, 0, 'no demo accounts with known passwords');
      assert.ok((db.prepare('select count(*) as n from blog_post').get() as { n: number }).n > 0, 'the demo posts are there');
    } finally {
      db.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Runs `npm run serve` until it listens, calls `check` with its URL, stops it; its first line. */
function serveUntil(env: Record<string, string>, check: (url: string) => Promise<void>): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'examples/blog/server.ts', '--no-debug'], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let failure: unknown;
    const timer = setTimeout(() => child.kill('SIGKILL'), PATIENCE_MS);
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      const before = out;
      out += chunk.toString();
      const url = /Trove blog: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out)?.[1];
      if (url !== undefined && !/Trove blog: http/.test(before)) {
        check(url).catch((error: unknown) => (failure = error)).finally(() => child.kill('SIGTERM'));
      }
    });
    child.on('close', () => {
      clearTimeout(timer);
      if (failure !== undefined) reject(failure);
      else if (!/Trove blog: http/.test(out)) reject(new Error(`it did not serve: ${out}${err}`));
      else resolve(out);
    });
  });
}
