/**
 * Statements outside a transaction run on SQLite's fast path synchronously, and awaiting one
 * settles at once: a request of many of them (a changelist: counts, a page, filters, the date
 * hierarchy's probes) held the whole server until its last one, every other request waiting
 * (issue 24, item 4). The fast path now gives the event loop a turn every few milliseconds.
 * The other databases' drivers are asynchronous anyway: the same holds there.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { CompiledQuery } from 'kysely';
import type { Database } from '../../src/index.ts';
import { setupDatabase } from '../support/database.ts';

/** A statement that keeps the database busy for a moment (about a millisecond on SQLite). */
const BUSY = CompiledQuery.raw('with recursive c(x) as (select 1 union all select x + 1 from c where x < 20000) select count(*) as n from c');

let db: Database;
before(async () => {
  db = await setupDatabase();
});
after(() => db.close());

test('a long run of statements outside a transaction lets a timer (another request) in between them', async () => {
  let statements = 0;
  let firedAfter: number | undefined;
  const timer = setTimeout(() => {
    firedAfter = statements;
  }, 0);
  const start = performance.now();
  while (performance.now() - start < 300) {
    await db.execute(BUSY);
    statements++;
  }
  clearTimeout(timer);
  assert.ok(statements > 5, `${statements} statements`);
  assert.notEqual(firedAfter, undefined, `the timer waited for all ${statements} statements (${Math.round(performance.now() - start)} ms)`);
  assert.ok(firedAfter! < statements);
});
