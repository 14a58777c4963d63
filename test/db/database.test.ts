import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { connect, model, fields as f, getDatabase, type QueryEvent } from '../../src/index.ts';
import { BACKEND, TEST_DATABASE_URL, setupDatabase } from '../support/database.ts';

class Note extends model('tdb.Note', { body: f.text() }) {}

describe('connect', () => {
  let db: Awaited<ReturnType<typeof setupDatabase>>;
  before(async () => {
    db = await setupDatabase();
  });
  after(() => db.close());

  test('onQuery sees every statement with its parameters and duration', async () => {
    const events: QueryEvent[] = [];
    const watched = await connect(TEST_DATABASE_URL, { onQuery: (e) => events.push(e) });
    try {
      if (BACKEND === 'sqlite') await watched.createTables();
      await Note.objects.create({ body: 'hello' });
      await Note.objects.filter({ body: 'hello' }).count();
      const insert = events.find((e) => /^insert/i.test(e.sql))!;
      assert.ok(insert.params.includes('hello'));
      assert.ok(insert.durationMs >= 0);
      assert.ok(events.some((e) => /count\(\*\)/i.test(e.sql)));
    } finally {
      await watched.close();
    }
  });

  test('the latest connection is the default; closing it unsets it', async () => {
    const other = await connect(TEST_DATABASE_URL);
    assert.equal(getDatabase(), other);
    await other.close();
    await db.close();
    assert.throws(() => getDatabase(), /No database is connected/);
    await assert.rejects(Note.objects.count(), /No database is connected/);
    db = await setupDatabase();
  });

  test('createTables is idempotent and says what it created', async () => {
    assert.deepEqual(await db.createTables(), []);
    await db.dropTables();
    assert.ok((await db.createTables()).includes('tdb_note'));
  });

  test('flush empties every table and restarts ids', async () => {
    await Note.objects.create({ body: 'a' });
    await db.flush();
    assert.equal(await Note.objects.count(), 0);
    assert.equal((await Note.objects.create({ body: 'b' })).id, 1);
  });

  test('a server that does not answer fails at connect with a clear message', { skip: BACKEND !== 'sqlite' && 'run once' }, async () => {
    await assert.rejects(connect('postgres://nobody:secret@127.0.0.1:1/none'), (e: unknown) => {
      assert.match((e as Error).message, /Cannot connect to postgres:\/\/nobody:\*\*\*@127\.0\.0\.1:1\/none/);
      assert.doesNotMatch((e as Error).message, /secret/);
      return true;
    });
  });
});

describe('SQLite files', { skip: BACKEND !== 'sqlite' && 'SQLite only' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'trove-db-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('use WAL, enforce foreign keys and persist across connections', async () => {
    const path = join(dir, 'app.db');
    const first = await connect(`sqlite:${path}`);
    const mode = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(first.kysely);
    assert.equal(mode.rows[0]?.journal_mode, 'wal');
    const fk = await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(first.kysely);
    assert.equal(fk.rows[0]?.foreign_keys, 1);
    await first.createTables();
    await Note.objects.create({ body: 'kept' });
    await first.close();
    const second = await connect(`sqlite:${path}`);
    assert.equal((await Note.objects.get({ body: 'kept' })).body, 'kept');
    await second.close();
  });

  test('prepares each SQL text once', async () => {
    const db = await connect('sqlite::memory:');
    await db.createTables();
    const raw = (db as unknown as { statementCache: { raw: { prepare: (s: string) => unknown } } }).statementCache.raw;
    let prepared = 0;
    const original = raw.prepare.bind(raw);
    raw.prepare = (text: string) => {
      prepared++;
      return original(text);
    };
    for (let i = 0; i < 20; i++) await Note.objects.filter({ id: i }).first();
    assert.equal(prepared, 1);
    await db.close();
  });
});
