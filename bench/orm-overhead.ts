/**
 * ORM overhead: `get({ id })` and a 100-row `filter()` through Trove, against the same queries
 * written by hand with better-sqlite3 (SQLite file) and pg (PostgreSQL), on the same data.
 *
 *   npx tsx bench/orm-overhead.ts            # SQLite, and PostgreSQL if it answers
 *   BENCH_POSTGRES_URL=postgres://… npx tsx bench/orm-overhead.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { connect, model, fields as f } from '../src/index.ts';
import { compare, ratioTable } from './support/measure.ts';

class Item extends model('bench.Item', {
  name: f.char({ maxLength: 50 }),
  value: f.integer(),
  bucket: f.integer({ dbIndex: true }),
}) {}

const ROWS = 10_000;
const BUCKETS = ROWS / 100;
const rows = Array.from({ length: ROWS }, (_, i) => ({ name: `item ${i}`, value: i * 7, bucket: i % BUCKETS }));
const sections: string[] = [];

async function seed(url: string): Promise<Awaited<ReturnType<typeof connect>>> {
  const db = await connect(url);
  await db.dropTables();
  await db.createTables();
  await Item.objects.bulkCreate(rows);
  return db;
}

async function benchSqlite(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'trove-bench-'));
  const path = join(dir, 'bench.db');
  const db = await seed(`sqlite:${path}`);
  const raw = new BetterSqlite3(path);
  raw.pragma('journal_mode = WAL');
  const getStmt = raw.prepare('select id, name, value, bucket from bench_item where id = ?');
  const filterStmt = raw.prepare('select id, name, value, bucket from bench_item where bucket = ?');
  const get = await compare([
    { name: 'raw better-sqlite3', run: (i) => getStmt.get((i % ROWS) + 1) },
    { name: 'Trove get({ id })', run: (i) => Item.objects.get({ id: (i % ROWS) + 1 }) },
  ], { ops: 20_000, rounds: 9 });
  const filter = await compare([
    { name: 'raw better-sqlite3', run: (i) => filterStmt.all(i % BUCKETS) },
    { name: 'Trove filter() 100 rows', run: (i) => Item.objects.filter({ bucket: i % BUCKETS }) },
  ], { ops: 1_000, rounds: 9 });
  sections.push(`### SQLite (file, WAL)\n\n${ratioTable('get by id', get[0]!, get.slice(1))}\n\n${ratioTable('filter, 100 rows', filter[0]!, filter.slice(1))}`);
  raw.close();
  await db.close();
  rmSync(dir, { recursive: true, force: true });
}

async function benchPostgres(url: string): Promise<void> {
  const db = await seed(url);
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  const getSql = 'select id, name, value, bucket from bench_item where id = $1';
  const filterSql = 'select id, name, value, bucket from bench_item where bucket = $1';
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
  sections.push(`### PostgreSQL (loopback)\n\n${ratioTable('get by id', get[0]!, get.slice(1))}\n\n${ratioTable('filter, 100 rows', filter[0]!, filter.slice(1))}`);
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
