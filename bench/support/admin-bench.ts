/**
 * What bench/admin.ts shares between its parts: the data (10,000 authors, 100,000 posts,
 * 1,000,000 comments, made in SQL), the two servers (Trove's admin and Django 5.2's over the
 * same tables) and a logged-in HTTP session.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CompiledQuery } from 'kysely';
import { atomic, connect } from 'trove';
import { User } from 'trove/auth';
import 'trove/web';
import 'trove/admin';
import '../../examples/blog/models.ts';

export const AUTHORS = 10_000;
export const POSTS = 100_000;
export const COMMENTS = 1_000_000;
const PYTHON = process.env.BENCH_DJANGO_PYTHON ?? '/tmp/djv/bin/python';
export const root = new URL('../..', import.meta.url).pathname;
export const data = join(root, 'bench', '.data');
mkdirSync(data, { recursive: true });

// ---- the data ------------------------------------------------------------------------------

export async function seed(url: string): Promise<void> {
  const db = await connect(url);
  await db.dropTables();
  await db.createTables();
  const started = Date.now();
  const sqlite = db.dialect === 'sqlite';
  const series = (n: number, body: string) =>
    sqlite ? `with recursive s(i) as (select 1 union all select i + 1 from s where i < ${n}) ${body} from s` : `${body} from generate_series(1, ${n}) as s(i)`;
  const mod = (a: string, b: number) => (sqlite ? `(${a}) % ${b}` : `mod(${a}, ${b})`);
  const statements = [
    series(AUTHORS, `insert into blog_author (name, email) select 'Author ' || i, 'author' || i || '@example.com'`),
    series(POSTS, `insert into blog_post (title, content, status, author_id, created_at) select 'Post number ' || i, 'Some text for post ' || i, case when ${mod('i', 3)} = 0 then 'draft' else 'published' end, ${mod('i - 1', AUTHORS)} + 1, ${sqlite ? "strftime('%Y-%m-%dT%H:%M:%fZ', '2025-01-01', '+' || (i * 300) || ' seconds')" : "timestamptz '2025-01-01 00:00:00+00' + i * interval '5 minutes'"}`),
    series(COMMENTS, `insert into blog_comment (post_id, author_id, text) select ${mod('i - 1', POSTS)} + 1, ${mod('i * 7 - 1', AUTHORS)} + 1, 'Comment ' || i || ' on a post, with a few words to search through'`),
  ];
  await atomic(async () => {
    for (const statement of statements) await db.execute(CompiledQuery.raw(statement));
  }, { using: db });
  if (!sqlite) await db.execute(CompiledQuery.raw('analyze'));
  await User.createSuperuser({ username: 'admin', password: 'admin-pass' });
  await db.close();
  console.log(`  seeded ${AUTHORS.toLocaleString('en')} authors, ${POSTS.toLocaleString('en')} posts, ${COMMENTS.toLocaleString('en')} comments in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

// ---- the servers ---------------------------------------------------------------------------

function listening(child: ChildProcess, pattern: RegExp, stream: 'stdout' | 'stderr'): Promise<number> {
  return new Promise((resolve, reject) => {
    let out = '';
    child[stream]!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const port = pattern.exec(out)?.[1];
      if (port !== undefined) resolve(Number(port));
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${out}`)));
  });
}

export async function startTrove(url: string): Promise<{ child: ChildProcess; base: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/support/admin-server.ts', url], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await listening(child, /listening (\d+)/, 'stdout');
  return { child, base: `http://127.0.0.1:${port}` };
}

export async function startDjango(url: string): Promise<{ child: ChildProcess; base: string }> {
  const own = join(data, 'django-own.db');
  rmSync(own, { force: true });
  const env = { ...process.env, BENCH_DJANGO_OWN_DB: own, BENCH_BLOG_DB: url, DJANGO_SUPERUSER_PASSWORD: 'admin-pass', PYTHONDONTWRITEBYTECODE: '1' };
  const cwd = join(root, 'bench', 'django');
  execFileSync(PYTHON, ['manage.py', 'migrate', '--verbosity', '0'], { cwd, env });
  execFileSync(PYTHON, ['manage.py', 'createsuperuser', '--noinput', '--username', 'admin', '--email', 'admin@example.com'], { cwd, env });
  const gunicorn = join(PYTHON, '..', 'gunicorn');
  // A long timeout: Django's confirmation of a big delete takes minutes, and is what we measure.
  const child = spawn(gunicorn, ['--workers', '1', '--timeout', '900', '--bind', '127.0.0.1:0', 'benchsite.wsgi'], { cwd, env, stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr!.on('data', (chunk: Buffer) => appendFileSync(join(data, 'django.log'), chunk));
  const port = await listening(child, /Listening at: http:\/\/127\.0\.0\.1:(\d+)/, 'stderr');
  return { child, base: `http://127.0.0.1:${port}` };
}

/** A browser's cookies, enough to log in to either admin. */
export class Session {
  private cookies = new Map<string, string>();
  constructor(readonly base: string) {}
  async fetch(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    headers.set('referer', this.base + path);
    const response = await fetch(this.base + path, { ...init, headers, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const [name, ...value] = pair!.split('=');
      this.cookies.set(name!.trim(), value.join('='));
    }
    return response;
  }
  async login(): Promise<void> {
    const page = await (await this.fetch('/admin/login/')).text();
    const token = /name="csrfmiddlewaretoken" value="([^"]+)"/.exec(page)?.[1] ?? '';
    const body = new URLSearchParams({ username: 'admin', password: 'admin-pass', next: '/admin/', csrfmiddlewaretoken: token });
    const response = await this.fetch('/admin/login/', { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    if (response.status !== 302) throw new Error(`login at ${this.base} answered ${response.status}`);
  }
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The peak resident memory of a process so far, in MB (Linux). */
export function peakMemoryMb(pid: number): number {
  const kb = Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);
  return kb / 1024;
}
