/**
 * The admin over HTTP, Trove against Django 5.2's admin on the same tables in the same run:
 * 10,000 authors, 100,000 posts, 1,000,000 comments. The changelist (first page, page 5,000, a
 * search that matches nothing, a filter by author; "SQL alone" is what the page needs, sent
 * straight to the database from this process), and deleting (support/admin-deleting.ts).
 *
 *   npx tsx bench/admin.ts
 *
 * BENCH_PARTS=changelist,deleting (default both), BENCH_DATABASES=sqlite,postgres (the
 * changelist's; default both), BENCH_DJANGO_SELECT_ACROSS=1 (also time Django's minutes-long
 * 5,000-author confirmation), BENCH_POSTGRES_URL (default the test
 * database: do not run the tests at the same time), BENCH_REQUESTS per page and side (15),
 * BENCH_DJANGO_PYTHON (default /tmp/djv/bin/python: a virtualenv with django==5.2.*, gunicorn
 * and psycopg; `python3 -m venv /tmp/djv && /tmp/djv/bin/pip install "django==5.2.*" gunicorn "psycopg[binary]"`).
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import pg from 'pg';
import { data, median, seed, Session, startDjango, startTrove } from './support/admin-bench.ts';
import { benchDeleting } from './support/admin-deleting.ts';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 15);
const POSTGRES_URL = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const DATABASES = (process.env.BENCH_DATABASES ?? 'sqlite,postgres').split(',');
const PARTS = (process.env.BENCH_PARTS ?? 'changelist,deleting').split(',');

const PAGES: [string, string][] = [
  ['first page', ''],
  ['page 5,000', '?p=5000'],
  ['search, no match', '?q=zzzz'],
  ['filter by author', '?author__id__exact=17'],
];

// ---- measuring -----------------------------------------------------------------------------

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
if (PARTS.includes('changelist') && DATABASES.includes('sqlite')) {
  const file = join(data, 'admin-blog.db');
  for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
  tables.push(await benchDatabase('SQLite', `sqlite:${file}`));
}
if (PARTS.includes('changelist') && DATABASES.includes('postgres')) tables.push(await benchDatabase('PostgreSQL', POSTGRES_URL));
if (PARTS.includes('deleting')) tables.push(await benchDeleting());
console.log(`\nMedians, requests one at a time (Node ${process.version}):\n\n${tables.join('\n\n')}`);
process.exit(0);
