/**
 * Online delete benchmark (issue 26), on PostgreSQL: half of authors <- posts <- comments deleted
 * three ways on the same data, each while a writer process keeps inserting comments under random
 * posts (those being deleted included) and timing every insert:
 *
 *   none     the writer alone: its latency without any delete running;
 *   set      one transaction of hand-written set-based DELETEs, bottom up (what a DBA writes);
 *   online   Trove's `delete({ online: true })`, carried out by two worker processes.
 *
 * Reported: the delete's total time (online: submit to done), its longest statement, and the
 * writer's p50/p99/max insert latency (an insert under a row being deleted waits for its lock).
 *
 *   npx tsx bench/online.ts                            # 10,000,000 rows
 *   ONLINE_BENCH_ROWS=1000000 npx tsx bench/online.ts  # a smaller run
 *   BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test (the default)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { AUTHORS, COMMENTS, HALF, POSTS, URL } from './support/online-data.ts';
import { connect, model, fields as f, CASCADE, OperationWorker, operationProgress, type Database } from '../src/index.ts';

class Author extends model('benchol.Author', { name: f.char({ maxLength: 40 }) }) {}
class Post extends model('benchol.Post', { author: f.foreignKey(() => Author, { onDelete: CASCADE }), title: f.char({ maxLength: 40 }) }) {}
class Comment extends model('benchol.Comment', { post: f.foreignKey(() => Post, { onDelete: CASCADE }), text: f.char({ maxLength: 40 }) }) {}
void Comment;


async function seed(db: Database): Promise<void> {
  await db.dropTables();
  await db.createTables();
  const k = db.kysely;
  const series = (n: number) => sql`select i from generate_series(1, ${sql.lit(n)}) as i`;
  await sql`insert into benchol_author (name) select 'a' || i from (${series(AUTHORS)}) s`.execute(k);
  await sql`insert into benchol_post (author_id, title) select ((i - 1) % ${sql.lit(AUTHORS)}) + 1, 'p' || i from (${series(POSTS)}) s`.execute(k);
  await sql`insert into benchol_comment (post_id, text) select ((i - 1) % ${sql.lit(POSTS)}) + 1, 'c' || i from (${series(COMMENTS)}) s`.execute(k);
  await sql`analyze`.execute(k);
}

/** The writer: inserts comments under random posts until SIGTERM, then prints its latencies. */
async function writer(): Promise<void> {
  const client = new pg.Client(URL);
  await client.connect();
  const latencies: number[] = [];
  let refused = 0;
  let stopping = false;
  process.on('SIGTERM', () => (stopping = true));
  process.stdout.write('ready\n');
  while (!stopping) {
    const post = 1 + Math.floor(Math.random() * POSTS);
    const start = performance.now();
    try {
      await client.query('insert into benchol_comment (post_id, text) values ($1, $2)', [post, 'late']);
    } catch {
      // Under a post deleted meanwhile: the insert lost the race (IntegrityError), as it should.
      refused++;
    }
    latencies.push(performance.now() - start);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await client.end();
  const out = process.argv[3]!;
  const { writeFileSync } = await import('node:fs');
  writeFileSync(out, JSON.stringify({ latencies, refused }));
}

/**
 * A worker process: drains the queue, then prints its longest statement. With
 * ONLINE_BENCH_PROFILE=1 it also prints, to stderr, where its time went by kind of statement.
 */
async function worker(): Promise<void> {
  let longest = 0;
  let longestSql = '';
  const byKind = new Map<string, { n: number; ms: number }>();
  const db = await connect(URL, {
    onQuery: ({ sql: text, durationMs }) => {
      if (durationMs > longest) [longest, longestSql] = [durationMs, text];
      const kind = text.replace(/\s+/g, ' ').slice(0, 90);
      const entry = byKind.get(kind) ?? { n: 0, ms: 0 };
      entry.n++;
      entry.ms += durationMs;
      byKind.set(kind, entry);
    },
  });
  const batches: number[] = [];
  // Workers in production are up before anything is submitted: the bench times the operation, not their start.
  process.stdout.write('ready\n');
  await new OperationWorker(db, { maxLockWaiters: 1_000, pollMs: 100, maxBatchSize: 1_000, onEvent: (e) => void (e.kind === 'batch' && batches.push(e.ms)) }).serve(stopSignal());
  await db.close();
  if (process.env.ONLINE_BENCH_PROFILE && batches.length > 0) {
    const top = [...byKind].sort((a, b) => b[1].ms - a[1].ms).slice(0, 12);
    process.stderr.write(`worker ${process.pid}: ${batches.length} batches, median ${pct(batches, 0.5)} ms; longest statement ${longest.toFixed(0)} ms: ${longestSql.slice(0, 200)}\n`);
    for (const [kind, { n, ms }] of top) process.stderr.write(`  ${ms.toFixed(0).padStart(7)} ms ${String(n).padStart(6)}x  ${kind}\n`);
  }
  process.stdout.write(JSON.stringify({ longest }));
}

function stopSignal(): AbortSignal {
  const stop = new AbortController();
  process.on('SIGTERM', () => stop.abort());
  return stop.signal;
}

const children = new Set<ChildProcess>();
// A bench that fails leaves no writer or worker behind to disturb the next run.
process.on('exit', () => children.forEach((c) => c.kill('SIGKILL')));

function child(args: string[]): ChildProcess & { out: () => string } {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'bench/online.ts', ...args], { stdio: ['ignore', 'pipe', 'inherit'], env: process.env });
  let out = '';
  proc.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  children.add(proc);
  return Object.assign(proc, { out: () => out });
}

const ended = (p: ChildProcess) => new Promise<void>((resolve) => (p.exitCode !== null ? resolve() : p.on('exit', () => resolve())));
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))] ?? 0;

interface Timed {
  ms: number;
  /** The longest statement of the delete (online: of its workers' batches). */
  longest: number;
  /** Online: how long `delete({ online: true })` took to answer, and its longest statement. */
  submitMs?: number;
  submitLongest?: number;
}

async function withWriter(run: () => Promise<Timed>): Promise<Timed & { p50: number; p99: number; max: number; inserts: number; refused: number }> {
  const file = join(tmpdir(), `online-writer-${process.pid}.json`);
  const w = child(['writer', file]);
  while (!w.out().includes('ready')) await new Promise((resolve) => setTimeout(resolve, 50));
  // A second of the writer alone first, so its latency is steady when the delete starts.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const result = await run();
  w.kill('SIGTERM');
  await ended(w);
  const { latencies, refused } = JSON.parse(readFileSync(file, 'utf8')) as { latencies: number[]; refused: number };
  rmSync(file, { force: true });
  return { ...result, p50: pct(latencies, 0.5), p99: pct(latencies, 0.99), max: Math.max(...latencies), inserts: latencies.length, refused };
}

async function main(): Promise<void> {
  let longest = 0;
  const db = await connect(URL, { onQuery: ({ durationMs }) => void (longest = Math.max(longest, durationMs)) });
  const rows: string[] = [];
  const report = (name: string, r: Awaited<ReturnType<typeof withWriter>>) => {
    const submit = r.submitMs === undefined ? '-' : `${(r.submitMs / 1000).toFixed(1)} s, longest ${r.submitLongest!.toFixed(0)} ms`;
    rows.push(`| ${name} | ${(r.ms / 1000).toFixed(1)} | ${submit} | ${r.longest.toFixed(0)} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.max.toFixed(0)} | ${r.inserts} | ${r.refused} |`);
    process.stderr.write(`${name}: ${JSON.stringify(r)}\n`);
  };
  process.stderr.write(`seeding ${AUTHORS + POSTS + COMMENTS} rows\n`);
  await seed(db);
  report('writer alone, 10 s', await withWriter(async () => {
    await new Promise((resolve) => setTimeout(resolve, 10_000));
    return { ms: 10_000, longest: 0 };
  }));

  await seed(db);
  longest = 0;
  report('one transaction, set-based SQL', await withWriter(async () => {
    const start = performance.now();
    await db.kysely.transaction().execute(async (trx) => {
      // The parents first: otherwise a comment inserted between two statements fails the delete on its foreign key.
      await sql`select count(*) from (select 1 from benchol_post where author_id <= ${HALF} for update) locked`.execute(trx);
      await sql`delete from benchol_comment where post_id in (select id from benchol_post where author_id <= ${HALF})`.execute(trx);
      await sql`delete from benchol_post where author_id <= ${HALF}`.execute(trx);
      await sql`delete from benchol_author where id <= ${HALF}`.execute(trx);
    });
    return { ms: performance.now() - start, longest };
  }));

  await seed(db);
  const workers = [child(['worker']), child(['worker'])];
  while (!workers.every((w) => w.out().includes('ready'))) await new Promise((resolve) => setTimeout(resolve, 50));
  report('online, 2 workers', await withWriter(async () => {
    const start = performance.now();
    longest = 0;
    const { operationId } = await Author.objects.filter({ id__lte: HALF }).delete({ online: true });
    const submitMs = performance.now() - start;
    const submitLongest = longest;
    for (;;) {
      const p = await operationProgress(operationId, db);
      if (p.state === 'done') break;
      if (p.state === 'failed') throw new Error(p.error);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const ms = performance.now() - start;
    for (const w of workers) w.kill('SIGTERM');
    await Promise.all(workers.map(ended));
    const workerLongest = Math.max(...workers.map((w) => (JSON.parse(w.out().replace('ready\n', '') || '{"longest":0}') as { longest: number }).longest));
    return { ms, longest: workerLongest, submitMs, submitLongest };
  }));
  void Post;
  await db.dropTables();
  await db.close();
  console.log(`${AUTHORS + POSTS + COMMENTS} rows; half the authors deleted (${Math.round((AUTHORS + POSTS + COMMENTS) / 2)} rows), a writer inserting a comment every 5 ms\n`);
  console.log('| variant | total s | submit | longest statement ms | writer p50 ms | writer p99 ms | writer max ms | inserts | refused |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  console.log(rows.join('\n'));
}

if (process.argv[2] === 'writer') await writer();
else if (process.argv[2] === 'worker') await worker();
else await main();
