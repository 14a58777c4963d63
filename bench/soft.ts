/**
 * Soft delete and restore of half of the 3-level graph of bench/cascade.ts (authors <- posts <-
 * comments, all three with a trash), through Trove and through hand-written UPDATEs on the same
 * data, on a SQLite file and on PostgreSQL.
 *
 *   npx tsx bench/soft.ts
 *   BENCH_DATABASES=sqlite BENCH_ROUNDS=3 BENCH_SCALE=1 npx tsx bench/soft.ts
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { connect, model, fields as f, restoreDeletion, CASCADE, type Database } from '../src/index.ts';

class Author extends model('soft.Author', { name: f.char({ maxLength: 40 }) }, { softDelete: true }) {}
class Post extends model('soft.Post', { author: f.foreignKey(() => Author, { onDelete: CASCADE }), title: f.char({ maxLength: 40 }) }, { softDelete: true }) {}
model('soft.Comment', { post: f.foreignKey(() => Post, { onDelete: CASCADE }), text: f.char({ maxLength: 40 }) }, { softDelete: true });

const scale = Number(process.env.BENCH_SCALE ?? 1);
const sizes = { authors: 10_000 * scale, posts: 100_000 * scale, comments: 1_000_000 * scale };
const half = sizes.authors / 2;

async function seed(db: Database): Promise<void> {
  await db.dropTables();
  await db.createTables();
  const series = (n: number) =>
    db.dialect === 'postgres'
      ? sql`select i from generate_series(1, ${sql.lit(n)}) as i`
      : sql`with recursive n(i) as (select 1 union all select i + 1 from n where i < ${sql.lit(n)}) select i from n`;
  await sql`insert into soft_author (name) select 'a' || i from (${series(sizes.authors)}) s`.execute(db.kysely);
  await sql`insert into soft_post (author_id, title) select ((i - 1) % ${sql.lit(sizes.authors)}) + 1, 'p' || i from (${series(sizes.posts)}) s`.execute(db.kysely);
  await sql`insert into soft_comment (post_id, text) select ((i - 1) % ${sql.lit(sizes.posts)}) + 1, 'c' || i from (${series(sizes.comments)}) s`.execute(db.kysely);
  if (db.dialect === 'postgres') await sql`analyze`.execute(db.kysely);
}

/** What one would write by hand: stamp each table bottom-up, then clear the stamps by operation. */
async function handWritten(db: Database): Promise<{ deleteMs: number; restoreMs: number }> {
  const op = randomUUID();
  const at = db.dialect === 'postgres' ? new Date() : new Date().toISOString().replace('T', ' ').slice(0, db.dialect === 'mysql' ? 23 : 24);
  let start = performance.now();
  await db.kysely.transaction().execute(async (trx) => {
    await sql`update soft_comment set deleted_at = ${at}, deletion_id = ${op} where deleted_at is null and post_id in (select id from soft_post where deleted_at is null and author_id <= ${half})`.execute(trx);
    await sql`update soft_post set deleted_at = ${at}, deletion_id = ${op} where deleted_at is null and author_id <= ${half}`.execute(trx);
    await sql`update soft_author set deleted_at = ${at}, deletion_id = ${op} where deleted_at is null and id <= ${half}`.execute(trx);
  });
  const deleteMs = performance.now() - start;
  start = performance.now();
  await db.kysely.transaction().execute(async (trx) => {
    for (const table of ['soft_comment', 'soft_post', 'soft_author']) {
      await sql`update ${sql.table(table)} set deleted_at = null, deletion_id = null where deletion_id = ${op}`.execute(trx);
    }
  });
  return { deleteMs, restoreMs: performance.now() - start };
}

async function viaTrove(): Promise<{ deleteMs: number; restoreMs: number }> {
  let start = performance.now();
  const { deletionId, total } = await Author.objects.filter({ id__lte: half }).delete();
  const deleteMs = performance.now() - start;
  if (total !== (sizes.authors + sizes.posts + sizes.comments) / 2) throw new Error(`soft-deleted ${total} rows`);
  start = performance.now();
  const restored = await restoreDeletion(deletionId!);
  if (restored.total !== total) throw new Error(`restored ${restored.total} of ${total}`);
  return { deleteMs, restoreMs: performance.now() - start };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const lines: string[] = [];
for (const database of (process.env.BENCH_DATABASES ?? 'sqlite,postgres').split(',')) {
  const dir = mkdtempSync(join(tmpdir(), 'trove-soft-'));
  const url = database === 'sqlite' ? `sqlite:${join(dir, 'soft.db')}` : (process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test');
  const db = await connect(url);
  await seed(db);
  const runs = { raw: { d: [] as number[], r: [] as number[] }, trove: { d: [] as number[], r: [] as number[] } };
  const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
  for (let round = 0; round < rounds; round++) {
    for (const variant of round % 2 === 0 ? (['raw', 'trove'] as const) : (['trove', 'raw'] as const)) {
      // Every run starts from the same state: everything live again.
      const { deleteMs, restoreMs } = variant === 'raw' ? await handWritten(db) : await viaTrove();
      runs[variant].d.push(deleteMs);
      runs[variant].r.push(restoreMs);
      process.stderr.write(`${database} ${variant}: delete ${deleteMs.toFixed(0)} ms, restore ${restoreMs.toFixed(0)} ms\n`);
    }
  }
  for (const [what, key] of [['soft delete', 'd'], ['restore', 'r']] as const) {
    const raw = median(runs.raw[key]);
    const trove = median(runs.trove[key]);
    lines.push(`| ${database} | ${scale}x | ${what} | ${raw.toFixed(0)} | ${trove.toFixed(0)} | ${(trove / raw).toFixed(2)}x |`);
  }
  await db.dropTables();
  await db.close();
  rmSync(dir, { recursive: true, force: true });
}
console.log(`| database | size | operation | hand-written ms | Trove ms | ratio |\n|---|---:|---|---:|---:|---:|\n${lines.join('\n')}`);
