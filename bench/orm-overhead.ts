/**
 * ORM overhead: `get({ id })`, a 100-row `filter()`, `annotate({ n: Count(…) })` over a relation
 * and a `Paginator` page through Trove, against the same queries written by hand with
 * better-sqlite3 (SQLite file) and pg (PostgreSQL), on the same data.
 *
 *   npx tsx bench/orm-overhead.ts            # SQLite, and PostgreSQL if it answers
 *   BENCH_POSTGRES_URL=postgres://… npx tsx bench/orm-overhead.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { CASCADE, connect, Count, model, Paginator, fields as f } from '../src/index.ts';
import { compare, ratioTable } from './support/measure.ts';

class Group extends model('bench.Group', { name: f.char({ maxLength: 50 }) }) {}
class Item extends model('bench.Item', {
  name: f.char({ maxLength: 50 }),
  value: f.integer(),
  bucket: f.integer({ dbIndex: true }),
  group: f.foreignKey(() => Group, { onDelete: CASCADE, relatedName: 'items' }),
}) {}

const ROWS = 10_000;
const BUCKETS = ROWS / 100;
const GROUPS = 100;
const PER_PAGE = 25;
const rows = Array.from({ length: ROWS }, (_, i) => ({ name: `item ${i}`, value: i * 7, bucket: i % BUCKETS, groupId: (i % GROUPS) + 1 }));
const sections: string[] = [];

async function seed(url: string): Promise<Awaited<ReturnType<typeof connect>>> {
  const db = await connect(url);
  await db.dropTables();
  await db.createTables();
  await Group.objects.bulkCreate(Array.from({ length: GROUPS }, (_, i) => ({ name: `group ${i}` })));
  await Item.objects.bulkCreate(rows);
  return db;
}

async function benchSqlite(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'trove-bench-'));
  const path = join(dir, 'bench.db');
  const db = await seed(`sqlite:${path}`);
  const raw = new BetterSqlite3(path);
  raw.pragma('journal_mode = WAL');
  const getStmt = raw.prepare('select id, name, value, bucket, group_id from bench_item where id = ?');
  const filterStmt = raw.prepare('select id, name, value, bucket, group_id from bench_item where bucket = ?');
  const joinedCount = raw.prepare('select g.id, g.name, count(i.id) as n from bench_group g left join bench_item i on i.group_id = g.id group by g.id, g.name');
  const correlatedCount = raw.prepare('select g.id, g.name, (select count(i.id) from bench_item i where i.group_id = g.id) as n from bench_group g');
  const countStmt = raw.prepare('select count(*) as n from bench_item');
  const pageStmt = raw.prepare('select id, name, value, bucket, group_id from bench_item order by id limit 25 offset ?');
  const get = await compare([
    { name: 'raw better-sqlite3', run: (i) => getStmt.get((i % ROWS) + 1) },
    { name: 'Trove get({ id })', run: (i) => Item.objects.get({ id: (i % ROWS) + 1 }) },
  ], { ops: 20_000, rounds: 9 });
  const filter = await compare([
    { name: 'raw better-sqlite3', run: (i) => filterStmt.all(i % BUCKETS) },
    { name: 'Trove filter() 100 rows', run: (i) => Item.objects.filter({ bucket: i % BUCKETS }) },
  ], { ops: 1_000, rounds: 9 });
  const annotate = await compare([
    { name: 'raw better-sqlite3, correlated count', run: () => correlatedCount.all() },
    { name: 'raw better-sqlite3, join + group by', run: () => joinedCount.all() },
    { name: 'Trove annotate({ n: Count(\'items\') })', run: () => Group.objects.annotate({ n: Count('items') }) },
  ], { ops: 200, rounds: 9, batch: 20 });
  const page = await compare([
    { name: 'raw better-sqlite3, count + page', run: (i) => [countStmt.get(), pageStmt.all(((i * 37) % (ROWS / PER_PAGE)) * PER_PAGE)] },
    { name: 'Trove Paginator page', run: (i) => new Paginator(Item.objects.orderBy('id'), PER_PAGE).page(((i * 37) % (ROWS / PER_PAGE)) + 1) },
  ], { ops: 2_000, rounds: 9 });
  sections.push(`### SQLite (file, WAL)\n\n${ratioTable('get by id', get[0]!, get.slice(1))}\n\n${ratioTable('filter, 100 rows', filter[0]!, filter.slice(1))}\n\n${ratioTable('annotate, 100 groups of 100 rows', annotate[0]!, annotate.slice(1))}\n\n${ratioTable('a page of 25 (count + page)', page[0]!, page.slice(1))}`);
  raw.close();
  await db.close();
  rmSync(dir, { recursive: true, force: true });
}

async function benchPostgres(url: string): Promise<void> {
  const db = await seed(url);
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  const getSql = 'select id, name, value, bucket, group_id from bench_item where id = $1';
  const filterSql = 'select id, name, value, bucket, group_id from bench_item where bucket = $1';
  const joinedSql = 'select g.id, g.name, count(i.id) as n from bench_group g left join bench_item i on i.group_id = g.id group by g.id, g.name';
  const correlatedSql = 'select g.id, g.name, (select count(i.id) from bench_item i where i.group_id = g.id) as n from bench_group g';
  const pageSql = 'select id, name, value, bucket, group_id from bench_item order by id limit 25 offset $1';
  // Trove names its recurring statements on the server; the second raw variant does the same by hand.
  const get = await compare([
    { name: 'raw pg', run: (i) => pool.query(getSql, [(i % ROWS) + 1]) },
    { name: 'raw pg, named statement', run: (i) => pool.query({ name: 'get', text: getSql, values: [(i % ROWS) + 1] }) },
    { name: 'Trove get({ id })', run: (i) => Item.objects.get({ id: (i % ROWS) + 1 }) },
  ], { ops: 2_000, rounds: 9 });
  const filter = await compare([
    { name: 'raw pg', run: (i) => pool.query(filterSql, [i % BUCKETS]) },
    { name: 'raw pg, named statement', run: (i) => pool.query({ name: 'filter', text: filterSql, values: [i % BUCKETS] }) },
    { name: 'Trove filter() 100 rows', run: (i) => Item.objects.filter({ bucket: i % BUCKETS }) },
  ], { ops: 500, rounds: 9 });
  const annotate = await compare([
    { name: 'raw pg, correlated count', run: () => pool.query(correlatedSql) },
    { name: 'raw pg, join + group by', run: () => pool.query(joinedSql) },
    { name: 'Trove annotate({ n: Count(\'items\') })', run: () => Group.objects.annotate({ n: Count('items') }) },
  ], { ops: 200, rounds: 9, batch: 20 });
  const page = await compare([
    { name: 'raw pg, count + page', run: async (i) => [await pool.query('select count(*) as n from bench_item'), await pool.query(pageSql, [((i * 37) % (ROWS / PER_PAGE)) * PER_PAGE])] },
    { name: 'raw pg, count + page, named statements', run: async (i) => [await pool.query({ name: 'count', text: 'select count(*) as n from bench_item' }), await pool.query({ name: 'page', text: pageSql, values: [((i * 37) % (ROWS / PER_PAGE)) * PER_PAGE] })] },
    { name: 'Trove Paginator page', run: (i) => new Paginator(Item.objects.orderBy('id'), PER_PAGE).page(((i * 37) % (ROWS / PER_PAGE)) + 1) },
  ], { ops: 500, rounds: 9 });
  sections.push(`### PostgreSQL (loopback)\n\n${ratioTable('get by id', get[0]!, get.slice(1))}\n\n${ratioTable('filter, 100 rows', filter[0]!, filter.slice(1))}\n\n${ratioTable('annotate, 100 groups of 100 rows', annotate[0]!, annotate.slice(1))}\n\n${ratioTable('a page of 25 (count + page)', page[0]!, page.slice(1))}`);
  await pool.end();
  await db.dropTables();
  await db.close();
}

await benchSqlite();
const pgUrl = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
try {
  await benchPostgres(pgUrl);
} catch (error) {
  sections.push(`### PostgreSQL\n\nskipped: ${(error as Error).message}`);
}
console.log(`## ORM overhead (${new Date().toISOString().slice(0, 10)}, Node ${process.version})\n\n${sections.join('\n\n')}`);
