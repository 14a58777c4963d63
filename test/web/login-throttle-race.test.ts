// @timeout: 15m
/**
 * The login throttle under a crowd: many wrong passwords for one account posted at once, to two
 * server processes sharing the database, get at most LOGIN_FAILURE_LIMIT passwords checked.
 * Checking the count and recording the attempt are one step in the database, so no two requests
 * can both see "nine so far" and both go on to hash a password.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { LoginFailure, LOGIN_FAILURE_LIMIT, User } from '../../src/auth/index.ts';
import type { Database } from '../../src/index.ts';
import { createBlogApp } from '../../examples/blog/app.ts';
import { BACKEND, setupDatabase, TEST_DATABASE_URL } from '../support/database.ts';
import { PATIENCE_MS } from '../support/patience.ts';
import { listen, TestClient } from '../support/web.ts';

const root = new URL('../..', import.meta.url).pathname;
// Two processes cannot share SQLite's in-memory database: on SQLite, a file.
const file = join(root, 'test', '.tmp', `throttle-race-${process.pid}.db`);
const databaseUrl = BACKEND === 'sqlite' ? `sqlite:${file}` : TEST_DATABASE_URL;

let db: Database;
let here: Awaited<ReturnType<typeof listen>>;
let child: ChildProcess | undefined;
let there = '';

before(async () => {
  mkdirSync(join(root, 'test', '.tmp'), { recursive: true });
  db = await setupDatabase(databaseUrl);
  here = await listen(createBlogApp({ secretKey: 'blog-test-secret-key-long-enough' }));
  child = spawn(process.execPath, ['--import', 'tsx', 'test/support/blog-server.ts', databaseUrl], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  there = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`the second server did not start: ${out}`)), PATIENCE_MS);
    child!.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const url = /listening (http:\S+)/.exec(out)?.[1];
      if (url !== undefined) {
        clearTimeout(timer);
        resolve(url);
      }
    });
    child!.once('exit', (code) => reject(new Error(`the second server exited with ${code}: ${out}`)));
  });
});

after(async () => {
  child?.kill('SIGTERM');
  await here?.close();
  await db?.close();
  for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
});

/** Posts `count` wrong passwords for `username` at once, half to each server; their statuses. */
async function crowd(username: string, count: number): Promise<number[]> {
  // Each attempt has a session and a token of its own, as many browsers (or one script) would.
  const clients = await Promise.all(Array.from({ length: count }, async (_, i) => {
    const client = TestClient.overSocket(i % 2 === 0 ? here.url : there);
    const { status, html } = await client.page('/admin/login/');
    assert.equal(status, 200, html);
    return client;
  }));
  const responses = await Promise.all(clients.map((client, i) => client.post('/admin/login/', { username, password: `guess-${i}`, next: '/admin/' })));
  return Promise.all(responses.map(async (response) => {
    const html = await response.text();
    if (response.status === 200) assert.match(html, /Please enter the correct username and password/);
    assert.ok(response.status === 200 || response.status === 429, `${response.status}: ${html}`);
    return response.status;
  }));
}

for (const count of [40, 150]) {
  test(`${count} wrong passwords at once, to two processes: ${LOGIN_FAILURE_LIMIT} are checked, the others are 429s`, { timeout: PATIENCE_MS }, async () => {
    await db.flush();
    await User.createSuperuser({ username: 'ann', password: 'the-right-one' });
    const statuses = await crowd('ann', count);
    const checked = statuses.filter((s) => s === 200).length;
    const refused = statuses.filter((s) => s === 429).length;
    assert.equal(checked, LOGIN_FAILURE_LIMIT, `passwords checked: ${checked} (statuses ${[...new Set(statuses)].join(', ')})`);
    assert.equal(refused, count - LOGIN_FAILURE_LIMIT);
    assert.equal(await LoginFailure.objects.filter({ key: 'user:ann' }).count(), LOGIN_FAILURE_LIMIT, 'one recorded attempt per password checked');
    // The right password waits too: the account's window is full.
    const late = TestClient.overSocket(there);
    await late.page('/admin/login/');
    assert.equal((await late.post('/admin/login/', { username: 'ann', password: 'the-right-one' })).status, 429);
  });
}
