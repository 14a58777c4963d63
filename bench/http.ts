/**
 * Requests per second of the blog's post list and delete confirmation pages (1,000 posts), against
 * a bare Hono handler running the same queries on the same SQLite file. Each server runs in a
 * child process; this process is the load generator (keep-alive, CONCURRENCY requests in flight).
 *
 *   npx tsx bench/http.ts            (BENCH_SECONDS per measurement, BENCH_ROUNDS rounds)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { Agent, request } from 'node:http';
import { mkdirSync, rmSync } from 'node:fs';
import { connect } from 'trove';
import { User } from 'trove/auth';
import 'trove/web'; // registers the session table, which createTables() must make
import { Author, Comment, Post, Tag } from '../examples/blog/models.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const POSTS = 1_000;

mkdirSync('bench/.data', { recursive: true });
const file = 'bench/.data/http-blog.db';
for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });

async function seed(): Promise<void> {
  const db = await connect(`sqlite:${file}`);
  await db.createTables();
  const authors = await Author.objects.bulkCreate(Array.from({ length: 20 }, (_, i) => ({ name: `Author ${i}`, email: `author${i}@example.com` })));
  await Tag.objects.bulkCreate([{ name: 'news' }, { name: 'how-to' }]);
  const posts = await Post.objects.bulkCreate(Array.from({ length: POSTS }, (_, i) => ({ title: `Post number ${i}`, content: 'Text. '.repeat(20), status: i % 3 ? 'published' : 'draft', author: authors[i % 20]! })));
  await Comment.objects.bulkCreate(posts.flatMap((post, i) => [1, 2, 3].map((n) => ({ post, author: authors[(i + n) % 20]!, text: `Comment ${n} on post ${i}` }))));
  await User.createSuperuser({ username: 'admin', password: 'admin' });
  await db.close();
}

function start(variant: 'trove' | 'bare'): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/support/http-servers.ts', variant, file], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      const port = /listening (\d+)/.exec(chunk.toString())?.[1];
      if (port !== undefined) resolve({ child, port: Number(port) });
    });
    child.once('exit', (code) => reject(new Error(`${variant} server exited with ${code}`)));
  });
}

const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });

function get(port: number, path: string, headers: Record<string, string> = {}, method = 'GET', body?: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers, agent }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Logs in as admin through the blog's login form; the session cookie for later requests. */
async function login(port: number): Promise<string> {
  const form = await get(port, '/login/');
  let cookie = String(form.headers['set-cookie']).split(';')[0]!;
  const token = /name="csrfmiddlewaretoken" value="([^"]+)"/.exec(form.body)![1]!;
  const done = await get(port, '/login/', { cookie, 'content-type': 'application/x-www-form-urlencoded' }, 'POST', `csrfmiddlewaretoken=${token}&username=admin&password=admin&next=/posts/`);
  if (done.status !== 302) throw new Error(`login failed: ${done.status}`);
  cookie = String(done.headers['set-cookie']).split(';')[0]!;
  return cookie;
}

interface Target {
  name: string;
  port: number;
  path: (i: number) => string;
  headers: Record<string, string>;
}

/** Requests per second over SECONDS, CONCURRENCY at a time; every answer must be a 200. */
async function measure(target: Target): Promise<number> {
  const until = performance.now() + SECONDS * 1000;
  let done = 0;
  const worker = async (w: number) => {
    for (let i = w; performance.now() < until; i += CONCURRENCY) {
      const res = await get(target.port, target.path(i), target.headers);
      if (res.status !== 200) throw new Error(`${target.name}: ${res.status} for ${target.path(i)}`);
      done++;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, (_, w) => worker(w)));
  return done / ((performance.now() - started) / 1000);
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;

await seed();
const trove = await start('trove');
const bare = await start('bare');
try {
  const cookie = await login(trove.port);
  const postId = (i: number) => (i % POSTS) + 1;
  const groups: { title: string; baseline: Target; others: Target[] }[] = [
    {
      title: 'post list (50 of 1,000 posts, with authors)',
      baseline: { name: 'bare Hono + better-sqlite3', port: bare.port, path: () => '/posts/', headers: {} },
      others: [{ name: 'Trove blog, logged in', port: trove.port, path: () => '/posts/', headers: { cookie } }],
    },
    {
      title: 'delete confirmation page',
      baseline: { name: 'bare Hono + better-sqlite3', port: bare.port, path: (i) => `/posts/${postId(i)}/remove/`, headers: {} },
      others: [
        { name: 'Trove DeleteView (planDelete)', port: trove.port, path: (i) => `/posts/${postId(i)}/remove/`, headers: { cookie } },
        { name: 'Trove hand-written view', port: trove.port, path: (i) => `/posts/${postId(i)}/delete/`, headers: { cookie } },
      ],
    },
  ];
  // Warm up every target, then interleave them round by round so that noise hits all alike.
  for (const group of groups) for (const t of [group.baseline, ...group.others]) for (let i = 0; i < 300; i++) await get(t.port, t.path(i), t.headers);
  const samples = new Map<Target, number[]>();
  for (let round = 0; round < ROUNDS; round++) {
    for (const group of groups) {
      const targets = round % 2 === 0 ? [group.baseline, ...group.others] : [...group.others, group.baseline];
      for (const t of targets) samples.set(t, [...(samples.get(t) ?? []), await measure(t)]);
    }
  }
  console.log(`Node ${process.version}, ${ROUNDS} rounds of ${SECONDS}s, ${CONCURRENCY} requests in flight, SQLite file.\n`);
  for (const group of groups) {
    const base = median(samples.get(group.baseline)!);
    console.log(`| ${group.title} | median req/s | ratio to bare |`);
    console.log('|---|---:|---:|');
    for (const t of [group.baseline, ...group.others]) {
      const rate = median(samples.get(t)!);
      console.log(`| ${t.name} | ${rate.toFixed(0)} | ${(rate / base).toFixed(2)}x |`);
    }
    console.log('');
  }
} finally {
  trove.child.kill();
  bare.child.kill();
  agent.destroy();
}
