/**
 * How long one admin request holds a SQLite-backed server (issue 24, item 4). better-sqlite3 runs
 * each statement synchronously, so while it runs nothing else in the process moves. The blog
 * serves from a child process (bench/support/admin-hold-server.ts) on 100,000 posts; for each
 * changelist address below this process sends it, logged in as a superuser, and meanwhile asks
 * for the login page again and again: "others waited" is the longest any of those took.
 *
 *   npx tsx bench/admin-hold.ts
 *
 * BENCH_POSTS (100,000), BENCH_FILE (the SQLite file, made on first use: /tmp/trove-admin-hold-<posts>.db).
 */
import { fork } from 'node:child_process';
import http from 'node:http';
import { TestClient } from '../test/support/web.ts';

const POSTS = Number(process.env.BENCH_POSTS ?? 100_000);
const FILE = process.env.BENCH_FILE ?? `/tmp/trove-admin-hold-${POSTS}.db`;
const year = new Date().getUTCFullYear();
const month = new Date().getUTCMonth() + 1;
const search = (words: string[]) => new URLSearchParams({ q: words.join(' ') }).toString();
/** Ten words every post matches (each in its content), the most a search may have. */
const TEN = 'dolor dolore magna aliqua labore tempor elit amet ipsum lorem'.split(' ');

const ADDRESSES: [string, string][] = [
  ['the list', ''],
  ['900 words, every post matching each', search(Array.from({ length: 900 }, () => 'dolor'))],
  ['ten words, every post matching each', search(TEN)],
  ['ten words and a month of the date hierarchy', `${search(TEN)}&createdAt__year=${year}&createdAt__month=${month}`],
  ['ten words of 19 letters (200 characters)', search(Array.from({ length: 10 }, () => 'consecteturadipisci'))],
  ['2,500 titles in title__in, and ten words', `title__in=${Array.from({ length: 2500 }, (_, i) => `t${i}`).join(',')}&${search(TEN)}`],
  ['sorted by author, page 900', 'o=2&p=900'],
  ['a year of the date hierarchy', `createdAt__year=${year}`],
];

const child = fork(new URL('./support/admin-hold-server.ts', import.meta.url).pathname, [FILE], { execArgv: ['--import', 'tsx'], env: { ...process.env, BENCH_POSTS: String(POSTS) } });
const url = await new Promise<string>((resolve) => child.once('message', (m) => resolve(String(m))));
const ask = (message: string) => new Promise<string>((resolve) => {
  child.once('message', (answer) => resolve(String(answer)));
  child.send(message);
});
/** The login page on a connection of its own: how long the server took to answer it. */
const probe = () => new Promise<number>((resolve, reject) => {
  const start = performance.now();
  http.get(`${url}/admin/login/`, { agent: false }, (res) => {
    res.resume();
    res.on('end', () => resolve(performance.now() - start));
  }).on('error', reject);
});

const admin = TestClient.overSocket(url);
await admin.login('admin', 'admin', '/admin/login/');
console.log(`| changelist of ${POSTS.toLocaleString('en')} posts | status | request | longest statement | event loop held | others waited |`);
console.log('|---|---:|---:|---:|---:|---:|');
for (const [name, query] of ADDRESSES) {
  await probe();
  await ask('reset');
  const start = performance.now();
  let done = false;
  const request = admin.get(`/admin/blog/post/${query === '' ? '' : `?${query}`}`, { connection: 'close' }).then(async (res) => {
    await res.text();
    done = true;
    return { status: res.status, ms: performance.now() - start };
  });
  let waited = 0;
  while (!done) waited = Math.max(waited, await probe());
  const { status, ms } = await request;
  const { longest, held } = JSON.parse(await ask('stats')) as { longest: number; held: number };
  const f = (n: number) => `${Math.round(n).toLocaleString('en')} ms`;
  console.log(`| ${name} | ${status} | ${f(ms)} | ${f(longest)} | ${f(held)} | ${f(waited)} |`);
}
child.kill();
