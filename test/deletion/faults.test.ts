/**
 * All or nothing: a cascade delete, a soft delete, a restore, a purge and loaddata are made to
 * fail at each of their statements in turn, by a receiver that throws, and by their connection
 * being killed from outside. After each failure the database holds exactly what it held before,
 * compared row by row.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { connect, getDatabase, purgeDeletion, restoreDeletion, signals, type Database } from '../../src/index.ts';
import { loadObjects } from '../../src/cli/fixtures.ts';
import { BACKEND, TEST_DATABASE_URL, withSeededDatabase } from '../support/database.ts';
import { Album, Artist, Song, Review, Play } from './models.ts';
import { Article, Note, Writer } from './soft-models.ts';

async function seed() {
  const abba = await Artist.objects.create({ name: 'ABBA' });
  await Artist.objects.create({ name: 'Queen' });
  const albums = await Album.objects.bulkCreate([{ artist: abba, title: 'Arrival' }, { artist: abba, title: 'Voulez-Vous' }]);
  const songs = await Song.objects.bulkCreate(albums.flatMap((album) => [1, 2].map((i) => ({ artist: abba, album, title: `${album.title} ${i}` }))));
  await Review.objects.bulkCreate(songs.map((song) => ({ album: albums[0]!, song, text: 'fine' })));
  await Play.objects.bulkCreate(songs.map((song) => ({ song })));
  const writer = await Writer.objects.create({ name: 'w' });
  const articles = await Article.objects.bulkCreate([1, 2, 3].map((i) => ({ title: `t${i}`, slug: `s${i}`, writer })));
  for (const article of articles) await Note.objects.bulkCreate([{ article, text: 'a' }, { article, text: 'b' }]);
  return { abba, writer };
}
const seeded = withSeededDatabase(seed);

const TABLES = [Artist, Album, Song, Review, Play, Writer, Article, Note].map((m) => m.meta.table).concat(['trove_deletion']);

/** Every row of every table the operations touch, in key order. */
async function snapshot(db: Database = getDatabase()): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const table of TABLES) {
    const { rows } = await db.execute(sql`select * from ${sql.table(table)} order by 1`.compile(db.kysely));
    out[table] = rows.map((row) => JSON.parse(JSON.stringify(row)));
  }
  return out;
}

interface Scenario {
  name: string;
  /** Work done before the snapshot (e.g. the soft delete a restore undoes). */
  prepare?: () => Promise<unknown>;
  run: (prepared: unknown) => Promise<unknown>;
}

const SCENARIOS: Scenario[] = [
  { name: 'a cascade delete', run: () => Artist.objects.filter({ name: 'ABBA' }).delete() },
  { name: 'a soft delete', run: () => Article.objects.filter({ title__in: ['t1', 't2'] }).delete() },
  {
    name: 'a restore',
    prepare: async () => (await Article.objects.filter({ title__in: ['t1', 't2'] }).delete()).deletionId,
    run: (deletionId) => restoreDeletion(deletionId as string),
  },
  {
    name: 'a purge',
    prepare: async () => (await Article.objects.all().delete()).deletionId,
    run: (deletionId) => purgeDeletion(deletionId as string, { batchSize: 1 }),
  },
  {
    name: 'loaddata',
    run: () => loadObjects([
      { model: 'td.song', pk: 500, fields: { artist: 700, album: 600, title: 'forward' } },
      { model: 'td.album', pk: 600, fields: { artist: 700, title: 'later' } },
      { model: 'td.artist', pk: 700, fields: { name: 'new' } },
      { model: 'td.artist', pk: 1, fields: { name: 'renamed' } },
    ]),
  },
];

/** Makes the `n`th statement sent through the database fail before it runs; `undo()` puts `execute` back. */
function failStatement(db: Database, n: number): { fired: () => boolean; undo: () => void } {
  const original = db.execute.bind(db);
  let count = 0;
  db.execute = (async (query: Parameters<Database['execute']>[0]) => {
    if (count++ === n) throw new Error(`injected failure at statement ${n}: ${query.sql.slice(0, 60)}`);
    return original(query);
  }) as Database['execute'];
  return {
    fired: () => count > n,
    undo: () => {
      db.execute = original;
    },
  };
}

// The statements are not counted beforehand: an operation may send one fewer the second time
// (a probe whose answer is cached), so each run fails at the next statement until one runs to the
// end. A failed run must leave the database as it found it, so the next one starts from the same
// rows: the data is seeded once per scenario.
for (const scenario of SCENARIOS) {
  test(`${scenario.name} that fails at any of its statements changes nothing`, async () => {
    const db = getDatabase();
    await db.flush();
    await seed();
    const prepared = await scenario.prepare?.();
    const before = await snapshot();
    let n = 0;
    for (;; n++) {
      const injection = failStatement(db, n);
      let error: unknown = null;
      try {
        await scenario.run(prepared);
      } catch (caught) {
        error = caught;
      } finally {
        injection.undo();
      }
      if (!injection.fired()) {
        assert.equal(error, null, `${scenario.name} failed with no injected failure`);
        break;
      }
      assert.match(String(error), /injected failure/, `statement ${n}`);
      assert.deepEqual(await snapshot(), before, `${scenario.name}, failing at statement ${n}`);
    }
    assert.ok(n >= 2, `${scenario.name} sends ${n} statements`);
  });
}

test('a receiver that throws after the first model is gone undoes the whole cascade', async () => {
  const before = await snapshot();
  const off = signals.postDelete.connect(() => {
    throw new Error('receiver failed');
  }, { sender: Review });
  try {
    await assert.rejects(seeded().abba.delete(), /receiver failed/);
  } finally {
    off();
  }
  assert.deepEqual(await snapshot(), before);
});

/**
 * What the drivers say when the server killed the connection under them: PostgreSQL's 57P01,
 * then "not queryable" on the dead client; on MariaDB a dropped socket, or mysql2's closed
 * connection. Any other failure (a bug in the receiver that kills, say) proves nothing about a
 * killed delete.
 */
function connectionKilled(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = String((error as { code?: unknown }).code);
  return ['57P01', 'EPIPE', 'ECONNRESET', 'PROTOCOL_CONNECTION_LOST', 'ER_CONNECTION_KILLED'].includes(code) || /is not queryable|Connection terminated|connection is in closed state/.test(error.message);
}

/** The server-side id of the connection a transaction holds, read from inside it. */
async function connectionId(db: Database): Promise<number> {
  const query = BACKEND === 'postgres' ? sql<{ id: number }>`select pg_backend_pid() as id` : sql<{ id: number }>`select connection_id() as id`;
  const { rows } = await db.execute(query.compile(db.kysely));
  return Number(rows[0]!.id);
}

test('a connection killed from outside in the middle of a delete leaves all or nothing', { skip: BACKEND === 'sqlite' && 'SQLite: see the kill -9 test' }, async () => {
  const db = getDatabase();
  const killer = await connect(TEST_DATABASE_URL, { setDefault: false });
  try {
    for (const sender of [Song, Album]) {
      await db.flush();
      const { abba } = await seed();
      const before = await snapshot();
      // After the first rows of `sender` are gone, inside the transaction, its connection dies.
      const off = signals.postDelete.connect(async () => {
        const id = await connectionId(db);
        await killer.execute((BACKEND === 'postgres' ? sql`select pg_terminate_backend(${id})` : sql`kill ${sql.raw(String(id))}`).compile(killer.kysely));
      }, { sender });
      try {
        await assert.rejects(abba.delete(), connectionKilled);
      } finally {
        off();
      }
      // The pool gives a fresh connection; the server rolled the killed transaction back.
      assert.deepEqual(await snapshot(), before, `killed after ${sender.meta.label}`);
    }
  } finally {
    await killer.close();
  }
});

test('kill -9 of a process in the middle of a delete leaves the SQLite file as it was', { skip: BACKEND !== 'sqlite' && 'a SQLite file' }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'trove-kill-'));
  const file = join(dir, 'killed.db');
  const writer = new URL('./support/sqlite-writer.ts', import.meta.url).pathname;
  const run = (mode: string) => spawn(process.execPath, ['--import', 'tsx', writer, mode, file], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    await new Promise((resolve, reject) => run('seed').on('exit', (code) => (code === 0 ? resolve(code) : reject(new Error(`seed exited ${code}`)))));
    const count = async () => {
      const db = await connect(`sqlite:${file}`, { setDefault: false });
      try {
        const out: number[] = [];
        for (const table of [Artist, Album, Song].map((m) => m.meta.table)) {
          out.push(Number((await db.execute<{ n: number }>(sql`select count(*) as n from ${sql.table(table)}`.compile(db.kysely))).rows[0]!.n));
        }
        return out;
      } finally {
        await db.close();
      }
    };
    const before = await count();
    assert.deepEqual(before, [2, 50, 1000]);
    const child = run('delete');
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('mid-delete') && resolve());
      child.on('exit', (code) => reject(new Error(`the writer exited (${code}) before the middle of its delete`)));
    });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    assert.deepEqual(await count(), before, 'the songs deleted before the kill are back');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
