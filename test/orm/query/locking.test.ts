/**
 * selectForUpdate(): a second connection that wants the same rows waits, skips them or fails at
 * once (PostgreSQL and MariaDB); only inside atomic(), on every database.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { atomic, connect, model, fields as f, QueryUsageError } from '../../../src/index.ts';
import { BACKEND, TEST_DATABASE_URL, captureQueries, withSeededDatabase } from '../../support/database.ts';

class Seat extends model('lock.Seat', { label: f.char({ maxLength: 10 }), taken: f.boolean({ default: false }) }) {}

withSeededDatabase(async () => {
  await Seat.objects.bulkCreate([{ label: 'A1' }, { label: 'A2' }, { label: 'A3' }]);
});

const other = await connect(TEST_DATABASE_URL, { setDefault: false });
after(() => other.close());

test('outside atomic() it is refused before any SQL', async () => {
  await assert.rejects(Seat.objects.selectForUpdate().fetch(), QueryUsageError);
  assert.throws(() => Seat.objects.selectForUpdate({ skipLocked: true, nowait: true }), QueryUsageError);
  // Counting locks nothing, so it needs no transaction.
  assert.equal(await Seat.objects.selectForUpdate().count(), 3);
});

test('locked rows make another connection wait, skip them or fail at once', { skip: BACKEND === 'sqlite' ? 'SQLite locks the whole database for a writing transaction' : false }, async () => {
  const events: string[] = [];
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let locked!: () => void;
  const isLocked = new Promise<void>((resolve) => (locked = resolve));
  const a1 = await Seat.objects.get({ label: 'A1' });
  // By primary key: InnoDB locks every row a scan passes, so a scan would hold the others too.
  const holder = atomic(async () => {
    const [seat] = await Seat.objects.filter({ id: a1.id }).selectForUpdate();
    assert.equal(seat!.label, 'A1');
    locked();
    await held;
    await Seat.objects.filter({ id: a1.id }).update({ taken: true });
    events.push('holder commits');
  });
  await isLocked;
  // Another connection: skipping gives the free seats; nowait fails; a plain lock waits.
  await atomic(async () => {
    const free = await Seat.objects.using(other).selectForUpdate({ skipLocked: true }).orderBy('label');
    assert.deepEqual(free.map((s) => s.label), ['A2', 'A3']);
  }, { using: other });
  await assert.rejects(atomic(() => Seat.objects.using(other).filter({ id: a1.id }).selectForUpdate({ nowait: true }).fetch(), { using: other }), /lock|NOWAIT/i);
  const waiter = atomic(async () => {
    const [seat] = await Seat.objects.using(other).filter({ id: a1.id }).selectForUpdate();
    events.push(`waiter reads taken=${seat!.taken}`);
  }, { using: other });
  await new Promise((resolve) => setTimeout(resolve, 300));
  events.push('holder releases');
  release();
  await Promise.all([holder, waiter]);
  assert.deepEqual(events, ['holder releases', 'holder commits', 'waiter reads taken=true']);
});

test('on SQLite the query is the same query, in the transaction that already locks the database', { skip: BACKEND !== 'sqlite' ? 'SQLite only' : false }, async () => {
  let seats: unknown[] = [];
  const queries = await captureQueries(() => atomic(async () => {
    seats = await Seat.objects.selectForUpdate().fetch();
  }));
  // The select was sent (an empty capture would pass any check on its statements), without FOR UPDATE.
  const selects = queries.filter((q) => /^select/i.test(q.sql) && /lock_seat/.test(q.sql));
  assert.equal(selects.length, 1);
  assert.doesNotMatch(selects[0]!.sql, /for update/i);
  assert.equal(seats.length, 3);
});
