/**
 * Where online batches lose time against one set-based delete, in raw SQL on PostgreSQL (issue
 * 26): the data of bench/online.ts (authors <- posts <- comments, 1 : 10 : 100, comments spread
 * over the table), half the authors deleted three ways, no writer:
 *
 *   set      one transaction, one DELETE per table (the reference);
 *   roots    slices of root keys with their cascade, as the online workers' batches do;
 *   sweep    the deepest table first, in slices of its own key order (joined to the doomed
 *            posts, written down once), then slices of root keys as above, which find the
 *            comments already gone;
 *   sweep all  every level so, deepest first (comments, then posts), then the root slices;
 *   sweep all through the root keys  the same, each statement finding the doomed posts again
 *            through the root keys instead of a list written once;
 *   paced    sweep all, each slice as wide as keeps its statement near 200 ms (the workers'
 *            target), as the online batches must.
 *
 *   BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test npx tsx bench/online-sweep.ts
 *   ONLINE_BENCH_ROWS=1000000 … for a smaller run
 *   ONLINE_SWEEP_VARIANTS=paced … set and the variants named (roots, sweep, all, lookup, paced)
 */
import pg from 'pg';
import { AUTHORS, COMMENTS, HALF, POSTS, URL } from './support/online-data.ts';

/** Root keys per batch, as a worker at its largest (bench/online.ts runs them at 1,000). */
const ROOT_SLICE = 1_000;
/** Comments per sweep statement. */
const SWEEP_SLICE = 200_000;

/** The workers' target duration for a batch. */
const TARGET_MS = 200;

const client = new pg.Client(URL);
const only = process.env.ONLINE_SWEEP_VARIANTS?.split(',');
const wanted = (variant: string) => only === undefined || only.includes(variant);

async function seed(): Promise<void> {
  await client.query('drop table if exists sw_comment, sw_post, sw_author, sw_doomed, sw_keys');
  await client.query('create table sw_author (id serial primary key, name varchar(40))');
  await client.query('create table sw_post (id serial primary key, author_id int not null references sw_author(id), title varchar(40))');
  await client.query('create table sw_comment (id serial primary key, post_id int not null references sw_post(id), text varchar(40))');
  await client.query(`insert into sw_author (name) select 'a' || i from generate_series(1, ${AUTHORS}) i`);
  await client.query(`insert into sw_post (author_id, title) select ((i - 1) % ${AUTHORS}) + 1, 'p' || i from generate_series(1, ${POSTS}) i`);
  await client.query(`insert into sw_comment (post_id, text) select ((i - 1) % ${POSTS}) + 1, 'c' || i from generate_series(1, ${COMMENTS}) i`);
  await client.query('create index on sw_post (author_id)');
  await client.query('create index on sw_comment (post_id)');
  await client.query('analyze');
  await client.query('checkpoint');
}

interface Timing { ms: number; longest: number }

/** Runs the statements, each in its own transaction unless `one`, and times them. */
async function timed(statements: string[], one = false): Promise<Timing> {
  let longest = 0;
  const start = performance.now();
  if (one) await client.query('begin');
  for (const text of statements) {
    const s = performance.now();
    await client.query(text);
    longest = Math.max(longest, performance.now() - s);
  }
  if (one) await client.query('commit');
  return { ms: performance.now() - start, longest };
}

function rootSlices(): string[][] {
  const batches: string[][] = [];
  for (let lo = 1; lo <= HALF; lo += ROOT_SLICE) {
    const hi = Math.min(HALF, lo + ROOT_SLICE - 1);
    batches.push([
      `delete from sw_comment where post_id in (select id from sw_post where author_id between ${lo} and ${hi})`,
      `delete from sw_post where author_id between ${lo} and ${hi}`,
      `delete from sw_author where id between ${lo} and ${hi}`,
    ]);
  }
  return batches;
}

async function batches(list: string[][]): Promise<Timing> {
  const total: Timing = { ms: 0, longest: 0 };
  for (const statements of list) {
    const t = await timed(statements, true);
    total.ms += t.ms;
    total.longest = Math.max(total.longest, t.longest);
  }
  return total;
}

/**
 * Slices of keys `first`..`last`, each statement its own transaction, each as wide as kept the
 * last near TARGET_MS (never more than doubling or halving), as the workers pace their batches.
 */
async function paced(first: number, last: number, statement: (from: number, to: number) => string): Promise<Timing & { slices: number }> {
  const total = { ms: 0, longest: 0, slices: 0 };
  let width = 10_000;
  for (let from = first; from <= last; total.slices++) {
    const t = await timed([statement(from, from + width)]);
    from += width;
    total.ms += t.ms;
    total.longest = Math.max(total.longest, t.longest);
    width = Math.round(Math.min(width * 2, Math.max(width / 2, (width * TARGET_MS) / Math.max(t.ms, 1))));
  }
  return total;
}

async function main(): Promise<void> {
  await client.connect();
  const rows: string[] = [];
  const report = (name: string, t: Timing, set: number) => rows.push(`| ${name} | ${(t.ms / 1000).toFixed(1)} | ${(t.ms / set).toFixed(2)}x | ${t.longest.toFixed(0)} |`);

  await seed();
  const set = await timed([
    `delete from sw_comment where post_id in (select id from sw_post where author_id <= ${HALF})`,
    `delete from sw_post where author_id <= ${HALF}`,
    `delete from sw_author where id <= ${HALF}`,
  ], true);
  report('set: one transaction', set, set.ms);

  if (wanted('roots')) {
    await seed();
    report(`roots: slices of ${ROOT_SLICE.toLocaleString('en')} authors`, await batches(rootSlices()), set.ms);
  }

  const sweep: string[] = [];
  for (let lo = 1; lo <= COMMENTS; lo += SWEEP_SLICE) {
    sweep.push(`delete from sw_comment c using sw_doomed d where c.post_id = d.id and c.id >= ${lo} and c.id < ${lo + SWEEP_SLICE}`);
  }
  if (wanted('sweep')) {
    await seed();
    const doomed = await timed([`create table sw_doomed as select id from sw_post where author_id <= ${HALF}`, 'alter table sw_doomed add primary key (id)', 'analyze sw_doomed']);
    const swept = await timed(sweep);
    const after = await batches(rootSlices());
    report('sweep: comments in key order, then root slices', { ms: doomed.ms + swept.ms + after.ms, longest: Math.max(doomed.longest, swept.longest, after.longest) }, set.ms);
    process.stderr.write(`sweep parts: doomed ${doomed.ms.toFixed(0)} ms, comments ${swept.ms.toFixed(0)} ms, root slices ${after.ms.toFixed(0)} ms\n`);
  }

  if (wanted('all')) {
    await seed();
    const doomedAll = await timed([`create table sw_doomed as select id from sw_post where author_id <= ${HALF}`, 'alter table sw_doomed add primary key (id)', 'analyze sw_doomed']);
    const levels: string[] = [...sweep];
    for (let lo = 1; lo <= POSTS; lo += SWEEP_SLICE) levels.push(`delete from sw_post p using sw_doomed d where p.id = d.id and p.id >= ${lo} and p.id < ${lo + SWEEP_SLICE}`);
    const sweptAll = await timed(levels);
    const afterAll = await batches(rootSlices());
    report('sweep all: comments, then posts, in key order, then root slices', { ms: doomedAll.ms + sweptAll.ms + afterAll.ms, longest: Math.max(doomedAll.longest, sweptAll.longest, afterAll.longest) }, set.ms);
    process.stderr.write(`sweep all parts: doomed ${doomedAll.ms.toFixed(0)} ms, comments and posts ${sweptAll.ms.toFixed(0)} ms, root slices ${afterAll.ms.toFixed(0)} ms\n`);
  }

  if (wanted('lookup')) {
    await seed();
    // What an engine can do without writing down the posts: each statement finds the doomed posts
    // again through the root keys, as the operation's key table holds them.
    const keys = await timed([`create table sw_keys as select id as k from sw_author where id <= ${HALF}`, 'alter table sw_keys add primary key (k)', 'analyze sw_keys']);
    const lookups: string[] = [];
    for (let lo = 1; lo <= COMMENTS; lo += SWEEP_SLICE) {
      lookups.push(`delete from sw_comment c where c.id >= ${lo} and c.id < ${lo + SWEEP_SLICE} and c.post_id in (select p.id from sw_post p where p.author_id in (select k from sw_keys))`);
  }
  for (let lo = 1; lo <= POSTS; lo += SWEEP_SLICE) lookups.push(`delete from sw_post p where p.id >= ${lo} and p.id < ${lo + SWEEP_SLICE} and p.author_id in (select k from sw_keys)`);
  const sweptLookup = await timed(lookups);
  const afterLookup = await batches(rootSlices());
  report('sweep all through the root keys: no doomed posts written down', { ms: keys.ms + sweptLookup.ms + afterLookup.ms, longest: Math.max(keys.longest, sweptLookup.longest, afterLookup.longest) }, set.ms);
  process.stderr.write(`sweep through root keys parts: keys ${keys.ms.toFixed(0)} ms, comments and posts ${sweptLookup.ms.toFixed(0)} ms, root slices ${afterLookup.ms.toFixed(0)} ms\n`);
  }

  if (wanted('paced')) {
    await seed();
    const doomedPaced = await timed([`create table sw_doomed as select id from sw_post where author_id <= ${HALF}`, 'alter table sw_doomed add primary key (id)', 'analyze sw_doomed']);
    const comments = await paced(1, COMMENTS, (from, to) => `delete from sw_comment c using sw_doomed d where c.post_id = d.id and c.id >= ${from} and c.id < ${to}`);
    const posts = await paced(1, POSTS, (from, to) => `delete from sw_post p using sw_doomed d where p.id = d.id and p.id >= ${from} and p.id < ${to}`);
    const afterPaced = await batches(rootSlices());
    const parts = [doomedPaced, comments, posts, afterPaced];
    report(`paced: sweep all, slices kept near ${TARGET_MS} ms`, { ms: parts.reduce((a, t) => a + t.ms, 0), longest: Math.max(...parts.map((t) => t.longest)) }, set.ms);
    process.stderr.write(`paced parts: doomed ${doomedPaced.ms.toFixed(0)} ms, comments ${comments.ms.toFixed(0)} ms in ${comments.slices} slices, posts ${posts.ms.toFixed(0)} ms in ${posts.slices} slices, root slices ${afterPaced.ms.toFixed(0)} ms\n`);
  }

  await client.query('drop table if exists sw_comment, sw_post, sw_author, sw_doomed, sw_keys');
  await client.end();
  console.log(`${AUTHORS + POSTS + COMMENTS} rows, half the authors deleted\n`);
  console.log('| variant | total s | against set | longest statement ms |\n|---|---:|---:|---:|');
  console.log(rows.join('\n'));
}

await main();
