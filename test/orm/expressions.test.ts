/** F() and Value() in filter(), exclude() and update(), against a reference in plain JavaScript. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { F, FieldError, Q, ValidationError, Value, model, fields as f } from '../../src/index.ts';
import { Author, Post } from '../support/blog.ts';
import { captureQueries, withSeededDatabase } from '../support/database.ts';

class Counter extends model('expr.Counter', {
  views: f.integer(),
  likes: f.integer({ null: true }),
  label: f.char({ maxLength: 10, default: '' }),
}) {}

withSeededDatabase(async () => undefined);

const rows = fc.array(fc.record({ views: fc.integer({ min: -50, max: 50 }), likes: fc.option(fc.integer({ min: -50, max: 50 }), { nil: null }) }), { maxLength: 12 });
const ops = { gt: (a: number, b: number) => a > b, gte: (a: number, b: number) => a >= b, lt: (a: number, b: number) => a < b, lte: (a: number, b: number) => a <= b, exact: (a: number, b: number) => a === b };

async function load(data: Array<{ views: number; likes: number | null }>) {
  await Counter.objects.all().delete();
  const made = [];
  for (const row of data) made.push(await Counter.objects.create(row));
  return made;
}

test('a comparison with F() matches the rows where it holds; exclude() keeps the others, NULLs included', async () => {
  await fc.assert(fc.asyncProperty(rows, fc.constantFrom(...(Object.keys(ops) as Array<keyof typeof ops>)), fc.integer({ min: -5, max: 5 }), fc.integer({ min: 1, max: 3 }), async (data, op, k, m) => {
    const made = await load(data);
    const holds = (r: { views: number; likes: number | null }) => r.likes !== null && ops[op](r.likes, r.views * m + k);
    const expected = made.filter(holds).map((r) => r.id).sort((a, b) => a - b);
    const condition = Q({ [`likes__${op}`]: F('views').mul(m).add(Value(k)) });
    assert.deepEqual((await Counter.objects.filter(condition).orderBy('id')).map((r) => r.id), expected);
    const rest = made.filter((r) => !holds(r)).map((r) => r.id).sort((a, b) => a - b);
    assert.deepEqual((await Counter.objects.exclude(condition).orderBy('id')).map((r) => r.id), rest);
  }), { numRuns: 40 });
});

test('update() with F() computes each row from its own columns, in one statement', async () => {
  await fc.assert(fc.asyncProperty(rows, fc.integer({ min: -3, max: 3 }), async (data, k) => {
    const made = await load(data);
    assert.equal(await Counter.objects.all().update({ views: F('views').add(k), likes: F('views').mul(2).sub(F('likes')) }), made.length);
    const stored = await Counter.objects.orderBy('id');
    assert.deepEqual(stored.map((r) => [r.views, r.likes]), made.map((r) => [r.views + k, r.likes === null ? null : r.views * 2 - r.likes]));
  }), { numRuns: 30 });
});

test('assignments read the row as it was, in whatever order they are written (MySQL runs them in order)', async () => {
  const [row] = await load([{ views: 3, likes: 10 }]);
  await Counter.objects.all().update({ likes: F('views'), views: F('views').add(1) });
  await Counter.objects.all().update({ views: F('views').add(1), likes: F('views') });
  const stored = await Counter.objects.get({ id: row!.id });
  assert.deepEqual([stored.views, stored.likes], [5, 4]);
  const swap = Counter.objects.all().update({ views: F('likes'), likes: F('views') });
  if (Counter.objects.all().db.dialect === 'mysql') await assert.rejects(swap, /read each other's columns \(views, likes\)/);
  else {
    await swap;
    const swapped = await Counter.objects.get({ id: row!.id });
    assert.deepEqual([swapped.views, swapped.likes], [4, 5]);
  }
});

test('expressions are checked before any SQL', async () => {
  assert.throws(() => Counter.objects.filter({ views__gt: F('nope') }), /F\('nope'\): expr\.Counter has no field 'nope'/);
  assert.throws(() => Counter.objects.filter({ label__icontains: F('label') as never }), /cannot take an expression/);
  assert.throws(() => Counter.objects.filter({ views: F('a__b') }), /'a' is not a foreign key of expr\.Counter/);
  assert.throws(() => F('views').add(Number.NaN), FieldError);
  // Typed: a comparison or an update takes an expression where it takes a value.
  void Counter.objects.filter({ likes__gt: F('views'), views: F('likes') });
  // @ts-expect-error: an update takes a field's value or an expression, not an arbitrary object
  const badUpdate = () => Counter.objects.all().update({ views: { nope: 1 } });
  // And at run time, for callers without types: refused with the field named, and no SQL sent.
  const sent = await captureQueries(() => assert.rejects(badUpdate(), (error) => error instanceof ValidationError && /expr\.Counter\.views/.test(error.message)));
  assert.deepEqual(sent, []);
});

test('F() follows forward keys, and orders rows, NULLs first or last on every database', async () => {
  await Post.objects.all().delete();
  await Author.objects.all().delete();
  const old = await Author.objects.create({ name: 'old', email: 'o@x.org', age: 80 });
  const young = await Author.objects.create({ name: 'young', email: 'y@x.org', age: 20 });
  const unknown = await Author.objects.create({ name: 'unknown', email: 'u@x.org' });
  const a = await Post.objects.create({ title: 'a', author: old, rating: 50 });
  const b = await Post.objects.create({ title: 'b', author: young, rating: 50 });
  const c = await Post.objects.create({ title: 'c', author: unknown, rating: 50 });
  // Rated above the author's age: b only (c's author has no age, so no comparison holds).
  assert.deepEqual((await Post.objects.filter({ rating__gt: F('author__age') })).map((p) => p.id), [b.id]);
  assert.deepEqual((await Post.objects.orderBy(F('author__age').desc({ nullsLast: true }), 'id')).map((p) => p.id), [a.id, b.id, c.id]);
  assert.deepEqual((await Post.objects.orderBy(F('author__age').asc({ nullsFirst: true }), 'id')).map((p) => p.id), [c.id, b.id, a.id]);
  assert.deepEqual((await Post.objects.orderBy(F('author__age').add(F('rating')).desc({ nullsFirst: true }))).map((p) => p.id), [c.id, a.id, b.id]);
  // last() turns every term round, where NULLs go included, as Django's reverse_ordering() does.
  assert.equal((await Post.objects.orderBy(F('author__age').desc({ nullsLast: true }), 'id').last())?.id, c.id);
  assert.equal((await Post.objects.orderBy(F('author__age').asc({ nullsFirst: true }), 'id').last())?.id, a.id);
  assert.throws(() => Post.objects.filter({ rating__gt: F('tags__name') }), /a many-valued relation has no one value/);
  assert.throws(() => F('rating').desc({ nullsFirst: true, nullsLast: true }), /not both/);
});
