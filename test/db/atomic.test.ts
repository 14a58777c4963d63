import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { atomic, inTransaction, onCommit } from '../../src/db/index.ts';
import { IntegrityError, model, fields as f, type Database } from '../../src/index.ts';
import { BACKEND, setupDatabase } from '../support/database.ts';

class Entry extends model('tat.Entry', { name: f.char({ maxLength: 20, unique: true }) }) {}
// No unique index: MariaDB's gap locks on one would make the two first updates wait on each other.
class Tally extends model('tat.Tally', { n: f.integer({ default: 0 }) }) {}

let db: Database;
before(async () => {
  db = await setupDatabase();
});
beforeEach(() => db.flush());
after(() => db.close());

const names = async () => (await Entry.objects.orderBy('name')).map((e) => e.name);
async function createDeep(name: string, depth: number): Promise<void> {
  if (depth === 0) {
    await Entry.objects.create({ name });
    return;
  }
  await new Promise((r) => setImmediate(r));
  return createDeep(name, depth - 1);
}

test('commits when the function returns, and returns its value', async () => {
  const value = await atomic(async () => {
    await Entry.objects.create({ name: 'a' });
    return 42;
  });
  assert.equal(value, 42);
  assert.deepEqual(await names(), ['a']);
});

test('rolls back everything, however deep in the call stack, when it throws', async () => {
  await assert.rejects(
    atomic(async () => {
      await Entry.objects.create({ name: 'a' });
      await createDeep('b', 5);
      throw new Error('boom');
    }),
    /boom/,
  );
  assert.deepEqual(await names(), []);
});

test('nested calls are savepoints: an inner failure caught outside undoes only the inner work', async () => {
  await atomic(async () => {
    await Entry.objects.create({ name: 'outer' });
    await assert.rejects(
      atomic(async () => {
        await Entry.objects.create({ name: 'inner' });
        await Entry.objects.create({ name: 'outer' });
      }),
      IntegrityError,
    );
    await atomic(() => Entry.objects.create({ name: 'second' }));
  });
  assert.deepEqual(await names(), ['outer', 'second']);
});

test('an outer failure undoes released savepoints too', async () => {
  await assert.rejects(
    atomic(async () => {
      await atomic(() => Entry.objects.create({ name: 'inner' }));
      throw new Error('late');
    }),
    { message: 'late' },
  );
  assert.deepEqual(await names(), []);
});

test('work outside the transaction does not see or join it', async () => {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const transaction = atomic(async () => {
    await Entry.objects.create({ name: 'inside' });
    assert.equal(inTransaction(), true);
    await gate;
    throw new Error('undo');
  });
  const outside = (async () => {
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(inTransaction(), false);
    release();
  })();
  await outside;
  await assert.rejects(transaction, /undo/);
  assert.deepEqual(await names(), []);
});

test('onCommit runs after the outermost commit, and not after a rollback', async () => {
  const calls: string[] = [];
  await atomic(async () => {
    await onCommit(() => calls.push('kept'));
    await assert.rejects(atomic(async () => {
      await onCommit(() => calls.push('dropped'));
      throw new Error('inner');
    }), { message: 'inner' });
    assert.deepEqual(calls, []);
  });
  assert.deepEqual(calls, ['kept']);
  await assert.rejects(atomic(async () => {
    await onCommit(() => calls.push('never'));
    throw new Error('x');
  }), { message: 'x' });
  assert.deepEqual(calls, ['kept']);
});

test('deadlockAttempts: a deadlock victim is run again whole; without it the victim fails', { skip: BACKEND === 'sqlite' && 'SQLite has no row locks' }, async () => {
  const [a, b] = [await Tally.objects.create({}), await Tally.objects.create({})];
  // Each transaction locks one row, waits until the other holds its row, then asks for the other's.
  async function crossed(attempts: number): Promise<PromiseSettledResult<number>[]> {
    let runs = 0;
    let holdA!: () => void, holdB!: () => void;
    const heldA = new Promise<void>((r) => (holdA = r));
    const heldB = new Promise<void>((r) => (holdB = r));
    const lockInOrder = (first: typeof a, second: typeof a, held: () => void, other: Promise<void>) =>
      atomic(
        async () => {
          runs++;
          await Tally.objects.filter({ id: first.id }).update({ n: 1 });
          held();
          await other;
          await Tally.objects.filter({ id: second.id }).update({ n: 2 });
          return runs;
        },
        { using: db, deadlockAttempts: attempts },
      );
    const settled = await Promise.allSettled([lockInOrder(a, b, holdA, heldB), lockInOrder(b, a, holdB, heldA)]);
    return settled;
  }
  const once = await crossed(1);
  assert.equal(once.filter((r) => r.status === 'rejected').length, 1, 'one of the two is the victim');
  const rejected = once.find((r) => r.status === 'rejected') as PromiseRejectedResult;
  assert.match(String(rejected.reason), /deadlock/i);
  const retried = await crossed(3);
  assert.deepEqual(retried.map((r) => r.status), ['fulfilled', 'fulfilled']);
  assert.ok(retried.some((r) => r.status === 'fulfilled' && r.value === 3), 'the victim ran a second time');
});

test('deadlockAttempts that is not a whole number of at least 1 is refused before the transaction opens', async () => {
  for (const bad of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
    await assert.rejects(atomic(() => Entry.objects.create({ name: 'never' }), { deadlockAttempts: bad }), RangeError);
  }
  assert.deepEqual(await names(), []);
});
