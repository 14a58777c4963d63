/**
 * The admin's changelist over HTTP, Trove against Django 5.2's admin on the same tables in the
 * same run: 10,000 authors, 100,000 posts, 1,000,000 comments. Pages: the first, page 5,000, a
 * search that matches nothing, a filter by author. "SQL alone" is the floor: the count and the
 * page query a changelist needs, sent straight to the database from this process.
 *
 *   npx tsx bench/admin.ts
 *
 * BENCH_DATABASES=sqlite,postgres (default both), BENCH_POSTGRES_URL (default the test
 * database: do not run the tests at the same time), BENCH_REQUESTS per page and side (15),
 * BENCH_DJANGO_PYTHON (default /tmp/djv/bin/python: a virtualenv with django==5.2.*, gunicorn
 * and psycopg; `python3 -m venv /tmp/djv && /tmp/djv/bin/pip install "django==5.2.*" gunicorn "psycopg[binary]"`).
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import pg from 'pg';
import { CompiledQuery } from 'kysely';
import { atomic, connect } from 'trove';
import { User } from 'trove/auth';
import 'trove/web';
import 'trove/admin';
import '../examples/blog/models.ts';

const AUTHORS = 10_000;
const POSTS = 100_000;
const COMMENTS = 1_000_000;
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 15);
const PYTHON = process.env.BENCH_DJANGO_PYTHON ?? '/tmp/djv/bin/python';
const POSTGRES_URL = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const DATABASES = (process.env.BENCH_DATABASES ?? 'sqlite,postgres').split(',');
const root = new URL('..', import.meta.url).pathname;
const data = join(root, 'bench', '.data');
mkdirSync(data, { recursive: true });

const PAGES: [string, string][] = [
  ['first page', ''],
  ['page 5,000', '?p=5000'],
  ['search, no match', '?q=zzzz'],
  ['filter by author', '?author__id__exact=17'],
];

// ---- the data ------------------------------------------------------------------------------

async function seed(url: string): Promise<void> {
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

async function startTrove(url: string): Promise<{ child: ChildProcess; base: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/support/admin-server.ts', url], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await listening(child, /listening (\d+)/, 'stdout');
  return { child, base: `http://127.0.0.1:${port}` };
}

async function startDjango(url: string): Promise<{ child: ChildProcess; base: string }> {
  const own = join(data, 'django-own.db');
  rmSync(own, { force: true });
  const env = { ...process.env, BENCH_DJANGO_OWN_DB: own, BENCH_BLOG_DB: url, DJANGO_SUPERUSER_PASSWORD: 'admin-pass', PYTHONDONTWRITEBYTECODE: '1' };
  const cwd = join(root, 'bench', 'django');
  execFileSync(PYTHON, ['manage.py', 'migrate', '--verbosity', '0'], { cwd, env });
  execFileSync(PYTHON, ['manage.py', 'createsuperuser', '--noinput', '--username', 'admin', '--email', 'admin@example.com'], { cwd, env });
  const gunicorn = join(PYTHON, '..', 'gunicorn');
  const child = spawn(gunicorn, ['--workers', '1', '--bind', '127.0.0.1:0', 'benchsite.wsgi'], { cwd, env, stdio: ['ignore', 'ignore', 'pipe'] });
  const port = await listening(child, /Listening at: http:\/\/127\.0\.0\.1:(\d+)/, 'stderr');
  return { child, base: `http://127.0.0.1:${port}` };
}

/** A browser's cookies, enough to log in to either admin. */
class Session {
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

// ---- measuring -----------------------------------------------------------------------------

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

async function timePage(session: Session, path: string, rowsExpected: number | undefined): Promise<number> {
  const start = performance.now();
  const response = await session.fetch(path);
  const html = await response.text();
  const ms = performance.now() - start;
  if (response.status !== 200) throw new Error(`${session.base}${path} answered ${response.status}`);
  // Both admins link each row to its change page, once.
  const rows = new Set([...html.matchAll(/\/admin\/blog\/comment\/(\d+)\/change\//g)].map((m) => m[1])).size;
  if (rowsExpected !== undefined && rows !== rowsExpected) throw new Error(`${session.base}${path} listed ${rows} rows, expected ${rowsExpected}`);
  return ms;
}

interface SqlAlone {
  run(page: SqlPage): Promise<void>;
  close(): Promise<void>;
}

interface SqlPage {
  offset: number;
  /** The filter or search, on alias c; `?` is its one parameter. */
  where: string;
  params: unknown[];
}

/**
 * What a changelist page needs, written by hand as well as we know how: the count (on SQLite,
 * all rows less the trashed ones), the total when filtered, the page's keys, then its rows with
 * their joins. Django sends the same queries less carefully (see the Django column).
 */
function pageSql(dialect: 'sqlite' | 'postgres', page: SqlPage): { counts: string[]; keys: string; rows: (keys: number[]) => string } {
  // SQLite's LIKE ignores ASCII case already, as far as its lower() goes.
  const where = dialect === 'sqlite' ? page.where.replace('lower(c.text) like lower(?)', 'c.text like ?') : page.where;
  const filter = where === '' ? '' : ` and ${where}`;
  const liveCount = (where: string) =>
    dialect === 'sqlite'
      ? `select (select count(*) from blog_comment c where 1 = 1${where}) - (select count(*) from blog_comment c where unlikely(c.deleted_at is not null)${where}) as n`
      : `select count(*) as n from blog_comment c where c.deleted_at is null${where}`;
  const live = dialect === 'sqlite' ? 'likely(c.deleted_at is null)' : 'c.deleted_at is null';
  const number = (text: string) => (dialect === 'postgres' ? text.replaceAll('?', '$1') : text);
  return {
    counts: [number(liveCount(filter)), ...(filter === '' ? [] : [liveCount('')])],
    keys: number(`select c.id from blog_comment c where ${live}${filter} order by c.id desc limit 101 offset ${page.offset}`),
    rows: (keys) => `select c.id, c.text, p.id as pid, p.title, a.id as aid, a.name from blog_comment c join blog_post p on p.id = c.post_id left join blog_author a on a.id = c.author_id where c.id in (${keys.join(', ')}) order by c.id desc`,
  };
}

async function sqlAlone(url: string): Promise<SqlAlone> {
  const sqlite = url.startsWith('sqlite:');
  const file = sqlite ? new Sqlite(url.slice('sqlite:'.length), { readonly: true }) : undefined;
  const client = sqlite ? undefined : new pg.Client({ connectionString: url });
  await client?.connect();
  const query = async (text: string, params: unknown[]): Promise<Record<string, unknown>[]> => {
    // One parameter at most, which SQLite's count asks for twice.
    const bound = file !== undefined ? (text.match(/\?/g) ?? []).map(() => params[0]) : text.includes('$1') ? params : [];
    return file !== undefined ? (file.prepare(text).all(...bound) as Record<string, unknown>[]) : (await client!.query(text, bound)).rows;
  };
  return {
    async run(page) {
      const sql = pageSql(sqlite ? 'sqlite' : 'postgres', page);
      const [count] = await query(sql.counts[0]!, page.params);
      for (const text of sql.counts.slice(1)) await query(text, page.params);
      if (Number(count!.n) <= page.offset) return;
      const keys = (await query(sql.keys, page.params)).map((row) => Number(row.id));
      await query(sql.rows(keys.slice(0, 100)), []);
    },
    async close() {
      file?.close();
      await client?.end();
    },
  };
}

const SQL_OF_PAGE: Record<string, SqlPage> = {
  'first page': { offset: 0, where: '', params: [] },
  'page 5,000': { offset: 499_900, where: '', params: [] },
  'search, no match': { offset: 0, where: `lower(c.text) like lower(?) escape '!'`, params: ['%zzzz%'] },
  'filter by author': { offset: 0, where: 'c.author_id = ?', params: [17] },
};

async function benchDatabase(name: string, url: string): Promise<string> {
  console.log(`\n${name}:`);
  await seed(url);
  const trove = await startTrove(url);
  const django = await startDjango(url);
  const alone = await sqlAlone(url);
  const sessions = { trove: new Session(trove.base), django: new Session(django.base) };
  try {
    await sessions.trove.login();
    await sessions.django.login();
    const lines = [`| ${name}: page | SQL alone ms | Trove ms | Django 5.2 ms | Django / Trove |`, '|---|---:|---:|---:|---:|'];
    for (const [label, query] of PAGES) {
      const path = `/admin/blog/comment/${query}`;
      const rows = label === 'search, no match' ? 0 : 100;
      const sql = SQL_OF_PAGE[label]!;
      const times = { trove: [] as number[], django: [] as number[], sql: [] as number[] };
      for (let i = 0; i < 2; i++) {
        await timePage(sessions.trove, path, rows);
        await timePage(sessions.django, path, rows);
      }
      // Interleaved, so a slow spell of the machine falls on both alike.
      for (let i = 0; i < REQUESTS; i++) {
        const order = i % 2 === 0 ? (['trove', 'django'] as const) : (['django', 'trove'] as const);
        for (const side of order) times[side].push(await timePage(sessions[side], path, rows));
        const start = performance.now();
        await alone.run(sql);
        times.sql.push(performance.now() - start);
      }
      const [t, d, s] = [median(times.trove), median(times.django), median(times.sql)];
      lines.push(`| ${label} | ${s.toFixed(1)} | ${t.toFixed(1)} | ${d.toFixed(1)} | ${(d / t).toFixed(1)}x |`);
      console.log(`  ${label}: SQL ${s.toFixed(1)} ms, Trove ${t.toFixed(1)} ms, Django ${d.toFixed(1)} ms`);
    }
    return lines.join('\n');
  } finally {
    await alone.close();
    trove.child.kill('SIGTERM');
    django.child.kill('SIGTERM');
  }
}

const tables: string[] = [];
if (DATABASES.includes('sqlite')) {
  const file = join(data, 'admin-blog.db');
  for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
  tables.push(await benchDatabase('SQLite', `sqlite:${file}`));
}
if (DATABASES.includes('postgres')) tables.push(await benchDatabase('PostgreSQL', POSTGRES_URL));
console.log(`\nMedian of ${REQUESTS} requests per page and side, one at a time (Node ${process.version}):\n\n${tables.join('\n\n')}`);
process.exit(0);
