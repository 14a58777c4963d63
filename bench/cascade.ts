/**
 * Cascade benchmark: delete half of a 3-level graph (authors <- posts <- comments) and of a
 * 4-level one (plus one like per comment), through Trove and through hand-written set-based SQL
 * on the same data, on a SQLite file and on PostgreSQL. Each delete runs in its own process so
 * that its peak RSS is its own; data is seeded by SQL inside the database before each run.
 *
 *   npx tsx bench/cascade.ts                 # both databases, sizes 1x and 4x
 *   BENCH_DATABASES=sqlite BENCH_SCALES=1 npx tsx bench/cascade.ts
 *
 * 1x is 10,000 authors, 100,000 posts, 1,000,000 comments (and 1,000,000 likes at 4 levels).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { connect, model, fields as f, signals, CASCADE, Exists, OuterRef, type Database } from '../src/index.ts';

const LEVELS = Number(process.env.CASCADE_LEVELS ?? 3);
class Author extends model('bench.Author', { name: f.char({ maxLength: 40 }) }) {}
class Post extends model('bench.Post', { author: f.foreignKey(() => Author, { onDelete: CASCADE }), title: f.char({ maxLength: 40 }) }) {}
class Comment extends model('bench.Comment', { post: f.foreignKey(() => Post, { onDelete: CASCADE }), text: f.char({ maxLength: 40 }) }) {}
if (LEVELS === 4) model('bench.Like', { comment: f.foreignKey(() => Comment, { onDelete: CASCADE }), weight: f.integer() });

interface Sizes { authors: number; posts: number; comments: number }
const sizesFor = (scale: number): Sizes => ({ authors: 10_000 * scale, posts: 100_000 * scale, comments: 1_000_000 * scale });

async function seed(db: Database, s: Sizes): Promise<void> {
  await db.dropTables();
  await db.createTables();
  const k = db.kysely;
  const series = (n: number) =>
    db.dialect === 'postgres'
      ? sql`select i from generate_series(1, ${sql.lit(n)}) as i`
      : sql`with recursive n(i) as (select 1 union all select i + 1 from n where i < ${sql.lit(n)}) select i from n`;
  const concat = (a: string) => (db.dialect === 'postgres' ? sql.raw(`'${a}' || i`) : sql.raw(`'${a}' || i`));
  await sql`insert into bench_author (name) select ${concat('a')} from (${series(s.authors)}) s`.execute(k);
  await sql`insert into bench_post (author_id, title) select ((i - 1) % ${sql.lit(s.authors)}) + 1, ${concat('p')} from (${series(s.posts)}) s`.execute(k);
  await sql`insert into bench_comment (post_id, text) select ((i - 1) % ${sql.lit(s.posts)}) + 1, ${concat('c')} from (${series(s.comments)}) s`.execute(k);
  if (LEVELS === 4) await sql`insert into bench_like (comment_id, weight) select id, 1 from bench_comment`.execute(k);
  if (db.dialect === 'postgres') await sql`analyze`.execute(k);
}

/** The same delete written by hand, as a DBA would: one statement per table, bottom up. */
async function handWritten(db: Database, half: number): Promise<void> {
  await db.kysely.transaction().execute(async (trx) => {
    if (LEVELS === 4) {
      await sql`delete from bench_like where comment_id in (select id from bench_comment where post_id in (select id from bench_post where author_id <= ${half}))`.execute(trx);
    }
    await sql`delete from bench_comment where post_id in (select id from bench_post where author_id <= ${half})`.execute(trx);
    await sql`delete from bench_post where author_id <= ${half}`.execute(trx);
    await sql`delete from bench_author where id <= ${half}`.execute(trx);
  });
}

async function child(): Promise<void> {
  const [, , , variant, url, scaleText] = process.argv;
  const sizes = sizesFor(Number(scaleText));
  const db = await connect(url!);
  if (variant === 'seed') {
    await seed(db, sizes);
    await db.close();
    return;
  }
  const half = sizes.authors / 2;
  let seen = 0;
  if (variant === 'trove-receiver') signals.postDelete.connect(() => void seen++, { sender: Comment });
  const start = performance.now();
  if (variant === 'raw') await handWritten(db, half);
  // The same rows through a filter that reads the posts the cascade deletes: the root's keys are written down first.
  else if (variant === 'trove-keys') await Author.objects.filter({ id__lte: half }).filter(Exists(Post.objects.filter({ author: OuterRef('pk') }))).delete();
  else await Author.objects.filter({ id__lte: half }).delete();
  const ms = performance.now() - start;
  const remaining = await Comment.objects.count();
  await db.close();
  process.stdout.write(JSON.stringify({ ms, maxRssMb: process.resourceUsage().maxRSS / 1024, remaining, seen }));
}

function run(args: string[]): { ms: number; maxRssMb: number; remaining: number; seen: number } | undefined {
  const out = execFileSync(process.execPath, ['--import', 'tsx', 'bench/cascade.ts', 'child', ...args], {
    env: { ...process.env, CASCADE_LEVELS: String(LEVELS) },
    maxBuffer: 1 << 20,
  }).toString();
  return out ? JSON.parse(out) : undefined;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

async function main(): Promise<void> {
  const databases = (process.env.BENCH_DATABASES ?? 'sqlite,postgres').split(',');
  const scales = (process.env.BENCH_SCALES ?? '1,4').split(',').map(Number);
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
  const lines: string[] = [];
  for (const database of databases) {
    const dir = mkdtempSync(join(tmpdir(), 'trove-cascade-'));
    const url = database === 'sqlite' ? `sqlite:${join(dir, 'bench.db')}` : (process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test');
    for (const scale of scales) {
      const variants = (process.env.BENCH_VARIANTS ?? (LEVELS === 3 ? 'raw,trove,trove-keys,trove-receiver' : 'raw,trove')).split(',');
      const times: Record<string, number[]> = Object.fromEntries(variants.map((v) => [v, []]));
      const rss: Record<string, number[]> = Object.fromEntries(variants.map((v) => [v, []]));
      for (let round = 0; round < (scale === 1 ? rounds : 1); round++) {
        for (const variant of round % 2 === 0 ? variants : [...variants].reverse()) {
          run(['seed', url, String(scale)]);
          const result = run([variant, url, String(scale)])!;
          if (result.remaining !== sizesFor(scale).comments / 2) throw new Error(`${variant} left ${result.remaining} comments`);
          times[variant]!.push(result.ms);
          rss[variant]!.push(result.maxRssMb);
          process.stderr.write(`${database} ${LEVELS} levels ${scale}x ${variant}: ${result.ms.toFixed(0)} ms, ${result.maxRssMb.toFixed(0)} MB\n`);
        }
      }
      for (const variant of variants) {
        const t = median(times[variant]!);
        lines.push(`| ${database} | ${LEVELS} | ${scale}x | ${variant} | ${t.toFixed(0)} | ${(t / median(times.raw!)).toFixed(2)}x | ${median(rss[variant]!).toFixed(0)} |`);
      }
    }
    if (database === 'sqlite') rmSync(dir, { recursive: true, force: true });
  }
  console.log(`| database | levels | size | variant | median ms | ratio to raw | peak RSS MB |\n|---|---:|---:|---|---:|---:|---:|\n${lines.join('\n')}`);
}

if (process.argv[2] === 'child') await child();
else await main();
