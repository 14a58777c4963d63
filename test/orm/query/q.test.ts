/**
 * An empty Q() is no condition at all, as in Django, wherever a Q goes.
 *
 * What Django does (checked on Django 3.2 with SQLite; the code paths are the same in 5.2:
 * `Q._combine` returns the other operand when one is empty, and `Query._add_q` leaves out child
 * clauses that come out empty, so an empty tree adds no WHERE at all):
 *   filter(Q()), exclude(Q()), filter(~Q()), exclude(~Q())   every row
 *   Q() | Q(name='a'), Q(name='a') | Q(), ~Q() | Q(name='a')   name = 'a'
 *   Q(~Q()) | Q(name='a')                                     name = 'a'
 *   Q(Q()) | Q(Q()), ~(Q(Q()) | Q(Q())), Q() & Q()             every row
 *   ~(Q() | Q(name='a')), exclude(Q() | Q(name='a'))           name != 'a'
 *   filter(Q() | Q(name='c')).delete()                          deletes the 'c' rows only
 *   aggregate(n=Count('id', filter=Q() | Q(title='y')))         counts the 'y' rows
 *   aggregate(n=Count('id', filter=~Q()))                       counts every row (no FILTER clause)
 *   Exists(Post.objects.filter(Q() | Q(title='x'), author=OuterRef('pk')))   authors with an 'x' post
 *   filter(Q()) on a sliced queryset                            refused, like any filter() call
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CASCADE, Count, Exists, OuterRef, Q, QueryUsageError, fields as f, model } from '../../../src/index.ts';
import { withSeededDatabase } from '../../support/database.ts';

class Person extends model('emptyq.Person', {
  name: f.char({ maxLength: 10 }),
  age: f.integer({ null: true }),
}) {}

class Note extends model('emptyq.Note', {
  person: f.foreignKey(() => Person, { onDelete: CASCADE, relatedName: 'notes' }),
  text: f.char({ maxLength: 10 }),
}) {}

withSeededDatabase(async () => undefined);

interface Row {
  readonly id: number;
  readonly name: string;
  readonly age: number | null;
}

/**
 * A generated Q tree with its meaning, written out by hand as the reference: `holds` says
 * whether a row matches, or undefined for no condition. NULL compares as false and `exclude()`
 * keeps such rows, as in Django.
 */
interface Built {
  readonly q: Q;
  readonly holds: (row: Row) => boolean | undefined;
  readonly text: string;
}

const NAMES = ['a', 'b', 'c'] as const;

const emptyLeaf: fc.Arbitrary<Built> = fc.constantFrom<Built>(
  { q: Q(), holds: () => undefined, text: 'Q()' },
  { q: Q({}), holds: () => undefined, text: 'Q({})' },
);

const conditionLeaf: fc.Arbitrary<Built> = fc.oneof(
  fc.constantFrom(...NAMES).map((name): Built => ({ q: Q({ name }), holds: (r) => r.name === name, text: `name=${name}` })),
  fc.subarray([...NAMES]).map((names): Built => ({ q: Q({ name__in: names }), holds: (r) => names.includes(r.name as never), text: `name in [${names}]` })),
  fc.integer({ min: 0, max: 3 }).map((k): Built => ({ q: Q({ age__gt: k }), holds: (r) => r.age !== null && r.age > k, text: `age>${k}` })),
  fc.integer({ min: 0, max: 3 }).map((k): Built => ({ q: Q({ age: k }), holds: (r) => r.age === k, text: `age=${k}` })),
  fc.boolean().map((isNull): Built => ({ q: Q({ age__isnull: isNull }), holds: (r) => (r.age === null) === isNull, text: `age isnull ${isNull}` })),
);

/** The reference meaning of and / or: the children that say something, combined; none: nothing said. */
function combine(connector: 'and' | 'or', values: ReadonlyArray<boolean | undefined>): boolean | undefined {
  const said = values.filter((v): v is boolean => v !== undefined);
  if (said.length === 0) return undefined;
  return connector === 'and' ? said.every(Boolean) : said.some(Boolean);
}

function joined(connector: 'and' | 'or', first: Built, rest: readonly Built[]): Built {
  const all = [first, ...rest];
  return {
    q: connector === 'and' ? first.q.and(...rest.map((b) => b.q)) : first.q.or(...rest.map((b) => b.q)),
    holds: (r) => combine(connector, all.map((b) => b.holds(r))),
    text: `(${all.map((b) => b.text).join(` ${connector} `)})`,
  };
}

const { tree } = fc.letrec<{ tree: Built; leaf: Built; node: Built }>((tie) => ({
  tree: fc.oneof({ depthSize: 'small', maxDepth: 5, withCrossShrink: true }, tie('leaf'), tie('node')),
  leaf: fc.oneof(emptyLeaf, conditionLeaf),
  node: fc.oneof(
    fc.tuple(tie('tree'), fc.array(tie('tree'), { minLength: 1, maxLength: 2 })).map(([a, rest]) => joined('and', a, rest)),
    fc.tuple(tie('tree'), fc.array(tie('tree'), { minLength: 1, maxLength: 2 })).map(([a, rest]) => joined('or', a, rest)),
    tie('tree').map((a): Built => ({ q: a.q.not(), holds: (r) => { const v = a.holds(r); return v === undefined ? undefined : !v; }, text: `not ${a.text}` })),
  ),
}));

const rowsArbitrary = fc.array(fc.record({ name: fc.constantFrom(...NAMES), age: fc.option(fc.integer({ min: 0, max: 3 }), { nil: null }) }), { maxLength: 8 });

async function load(data: ReadonlyArray<{ name: string; age: number | null }>): Promise<Row[]> {
  await Person.objects.all().delete();
  if (data.length > 0) await Person.objects.bulkCreate(data.map((d) => ({ ...d })));
  return (await Person.objects.orderBy('id')).map((p) => ({ id: p.id, name: p.name, age: p.age }));
}

const ids = async (qs: PromiseLike<Array<{ id: number }>>) => (await qs).map((p) => p.id).sort((a, b) => a - b);
const idsWhere = (rows: readonly Row[], keep: (row: Row) => boolean) => rows.filter(keep).map((r) => r.id);

test('trees of Q objects with empty ones in them match what the reference says, in every place a Q goes', async () => {
  await fc.assert(
    fc.asyncProperty(rowsArbitrary, tree, async (data, built) => {
      const rows = await load(data);
      const matched = idsWhere(rows, (r) => built.holds(r) !== false);
      const kept = idsWhere(rows, (r) => built.holds(r) !== true);
      assert.deepEqual(await ids(Person.objects.filter(built.q)), matched, `filter(${built.text})`);
      assert.deepEqual(await ids(Person.objects.exclude(built.q)), kept, `exclude(${built.text})`);
      assert.equal(await Person.objects.filter(built.q).count(), matched.length, `filter(${built.text}).count()`);
      const { n } = await Person.objects.aggregate({ n: Count('id', { filter: built.q }) });
      assert.equal(n, matched.length, `Count('id', { filter: ${built.text} })`);
      const inner = Exists(Person.objects.filter(built.q, Q({ id: OuterRef('pk') })));
      assert.deepEqual(await ids(Person.objects.filter(inner)), matched, `Exists(filter(${built.text}))`);
      // Last, as it changes the rows: the statement the bug report was about.
      await Person.objects.filter(built.q).delete();
      assert.deepEqual(await ids(Person.objects.all()), idsWhere(rows, (r) => built.holds(r) === false), `filter(${built.text}).delete()`);
    }),
    { numRuns: 80 },
  );
});

test("Django's 'any of these' idiom: start from Q() and OR each condition into it", async () => {
  const rows = await load([{ name: 'a', age: 1 }, { name: 'b', age: null }, { name: 'c', age: 3 }]);
  let anyOf = Q();
  for (const name of ['a', 'c']) anyOf = anyOf.or({ name });
  assert.deepEqual(await ids(Person.objects.filter(anyOf)), idsWhere(rows, (r) => r.name !== 'b'));
  // No condition added at all: every row, as filter(Q()) is in Django.
  let none = Q();
  for (const name of [] as string[]) none = none.or({ name });
  assert.equal(await Person.objects.filter(none).count(), 3);
  assert.equal(await Person.objects.exclude(none).count(), 3);
  assert.equal(await Person.objects.exclude(Q().or({ name: 'a' })).count(), 2);
  assert.deepEqual(await Person.objects.filter(Q().or({ name: 'b' })).delete(), { total: 1, byModel: { 'emptyq.Person': 1 } });
  assert.deepEqual(await ids(Person.objects.all()), idsWhere(rows, (r) => r.name !== 'b'));
});

test('an empty Q in aggregates, annotations and Exists() filters nothing out', async () => {
  const [ann, bob] = await Person.objects.bulkCreate([{ name: 'a', age: 1 }, { name: 'b', age: 2 }]).then(() => Person.objects.orderBy('name'));
  await Note.objects.bulkCreate([{ person: ann!, text: 'x' }, { person: ann!, text: 'y' }, { person: bob!, text: 'y' }]);
  const counted = await Person.objects.annotate({ all: Count('notes', { filter: Q() }), xs: Count('notes', { filter: Q().or({ notes__text: 'x' }) }) }).orderBy('name');
  assert.deepEqual(counted.map((p) => [p.name, p.all, p.xs]), [['a', 2, 1], ['b', 1, 0]]);
  const grouped = await Note.objects.values('text').annotate({ n: Count('id', { filter: Q().not() }), a: Count('id', { filter: Q().or({ person__name: 'a' }) }) }).orderBy('text');
  assert.deepEqual(grouped, [{ text: 'x', n: 1, a: 1 }, { text: 'y', n: 2, a: 1 }]);
  assert.deepEqual(await Note.objects.aggregate({ n: Count('id', { filter: Q().and(Q()) }), y: Count('id', { filter: Q().or({ text: 'y' }) }) }), { n: 3, y: 2 });
  const withX = Exists(Note.objects.filter(Q().or({ text: 'x' }), Q({ person: OuterRef('pk') })));
  assert.deepEqual((await Person.objects.filter(withX)).map((p) => p.name), ['a']);
  const noNotesExcluded = Exists(Note.objects.exclude(Q()).filter({ person: OuterRef('pk') }));
  assert.deepEqual((await Person.objects.filter(noNotesExcluded.not()).orderBy('name')).map((p) => p.name), []);
  assert.deepEqual((await Person.objects.annotate({ hasX: withX }).orderBy('name')).map((p) => [p.name, p.hasX]), [['a', true], ['b', false]]);
});

test('an empty Q is still a filter() call: a sliced queryset refuses it, as Django does', () => {
  assert.throws(() => Person.objects.orderBy('id').slice(0, 1).filter(Q()), QueryUsageError);
});

test('a key whose value is undefined is refused before any SQL, wherever a condition goes: a missing parameter is never "every row"', async () => {
  await load([{ name: 'a', age: 1 }, { name: 'b', age: null }]);
  const missing = (undefined as unknown) as number;
  const attempts: Array<[string, () => unknown]> = [
    ['filter', () => Person.objects.filter({ id: missing })],
    ['exclude', () => Person.objects.exclude({ id: missing })],
    ['get', () => Person.objects.get({ id: missing })],
    ['Q in filter', () => Person.objects.filter(Q({ name: 'a' }).or({ id: missing }))],
    ['filter().delete()', () => Person.objects.filter({ id: missing }).delete()],
    ['Exists', () => Person.objects.filter(Exists(Note.objects.filter({ person: OuterRef('pk'), text: missing as never })))],
  ];
  for (const [where, attempt] of attempts) {
    await assert.rejects(async () => attempt(), (error: Error) => error instanceof QueryUsageError && /'(id|text)' is undefined/.test(error.message), where);
  }
  assert.equal(await Person.objects.count(), 2, 'nothing was deleted');
  // null still means NULL, as None does in Django.
  assert.deepEqual((await Person.objects.filter({ age: null as never })).map((p) => p.name), ['b']);
});

test('an empty Q among conditions across a relation says nothing, and the others still read one related row', async () => {
  const [ann, bob] = await Person.objects.bulkCreate([{ name: 'a', age: 1 }, { name: 'b', age: 2 }]).then(() => Person.objects.orderBy('name'));
  await Note.objects.bulkCreate([{ person: ann!, text: 'x' }, { person: ann!, text: 'y' }, { person: bob!, text: 'x' }]);
  const names = async (qs: PromiseLike<Person[]>) => (await qs).map((p) => p.name).sort();
  // One note both 'x' and 'y': nobody; the empty Qs change nothing.
  assert.deepEqual(await names(Person.objects.filter(Q({ notes__text: 'x' }).and(Q()).and(Q().or({ notes__text: 'y' })))), []);
  assert.deepEqual(await names(Person.objects.filter(Q({ notes__text: 'x' }), Q().not(), Q().or({ notes__text: 'y' }))), []);
  assert.deepEqual(await names(Person.objects.filter(Q({ notes__text: 'x' })).filter(Q().or({ notes__text: 'y' }))), ['a']);
  assert.deepEqual(await names(Person.objects.filter(Q({ notes__text: 'x' }), Q().and(Q({ notes__text: 'y' }).not()))), ['a', 'b']);
  assert.deepEqual(await names(Person.objects.exclude(Q(), { notes__text: 'y' })), ['b']);
  assert.deepEqual(await names(Person.objects.exclude(Q().or(Q()).not())), ['a', 'b']);
  // In an aggregate's filter, written from Person.
  const counted = await Person.objects.annotate({ x: Count('notes', { filter: Q().or({ notes__text: 'x' }) }), own: Count('notes', { filter: Q().and({ name: 'a' }) }), all: Count('notes', { filter: Q().not() }) }).orderBy('name');
  assert.deepEqual(counted.map((p) => [p.name, p.x, p.own, p.all]), [['a', 1, 2, 2], ['b', 1, 0, 1]]);
  assert.deepEqual(await Person.objects.aggregate({ n: Count('notes', { filter: Q().not().or(Q()) }), y: Count('notes', { filter: Q().or({ notes__text: 'y' }) }) }), { n: 3, y: 1 });
  assert.deepEqual(await Person.objects.values('name').annotate({ y: Count('notes', { filter: Q().or({ notes__text: 'y' }).and(Q()) }) }).orderBy('name'), [{ name: 'a', y: 1 }, { name: 'b', y: 0 }]);
  assert.deepEqual(await names(Person.objects.filter(Exists(Note.objects.filter(Q(), { person: OuterRef('pk') }, Q().or({ text: 'y' }))))), ['a']);
});
