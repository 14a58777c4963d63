/**
 * A query ordered by expressions that carry values, filtered by conditions that carry values,
 * through every way of running it: each must send the values its SQL holds, in their places.
 * The SQL of a shape is compiled once and cached, and each run binds its values in a second
 * walk; count() and exists() leave out the ORDER BY, and once the two walks disagreed about
 * that (`orderBy(F('views').add(1).desc()).count()` failed with "bound 1 values but compiled 0").
 *
 * Django, for comparison: count() and exists() clear the ordering (`SELECT COUNT(*) … WHERE …`
 * with no ORDER BY), as do update() and delete(); slicing keeps it; last() reverses every term,
 * NULLS FIRST and LAST included.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CASCADE, Count, F, Q, Sum, Value, fields as f, model, type OrderByExpression, type QuerySet } from '../../../src/index.ts';
import { withSeededDatabase } from '../../support/database.ts';

class Item extends model('ordcount.Item', {
  label: f.char({ maxLength: 10 }),
  views: f.integer(),
  score: f.integer({ null: true }),
}) {}

class Mark extends model('ordcount.Mark', {
  item: f.foreignKey(() => Item, { onDelete: CASCADE, relatedName: 'marks' }),
  text: f.char({ maxLength: 10 }),
}) {}

withSeededDatabase(async () => undefined);

/** label, views, score, and the texts of the item's marks ('h…' ones are hot). */
const DATA: ReadonlyArray<[string, number, number | null, string[]]> = [
  ['a', 5, null, ['hot', 'hip']],
  ['b', 2, 7, ['hot', 'cold']],
  ['c', 8, 1, []],
  ['d', 2, null, ['hot', 'hat', 'hum']],
  ['e', 0, 4, ['cold']],
  ['f', 6, 3, ['hot']],
  ['g', 3, 9, []],
  ['h', 1, null, ['hex', 'hop']],
];

interface Row {
  readonly id: number;
  readonly label: string;
  readonly views: number;
  readonly score: number | null;
  readonly hot: number;
  readonly marks: number;
}

async function load(): Promise<Row[]> {
  await Item.objects.all().delete();
  const rows: Row[] = [];
  for (const [label, views, score, texts] of DATA) {
    const item = await Item.objects.create({ label, views, score });
    if (texts.length > 0) await Mark.objects.bulkCreate(texts.map((text) => ({ item, text })));
    rows.push({ id: item.id, label, views, score, hot: texts.filter((t) => t.startsWith('h')).length, marks: texts.length });
  }
  return rows;
}

const byId = (x: Row, y: Row) => x.id - y.id;
/** `key` ascending with NULLs where asked, then `then`. */
function nullable(key: (r: Row) => number | null, descending: boolean, nulls: 'first' | 'last', then: (x: Row, y: Row) => number) {
  return (x: Row, y: Row) => {
    const [a, b] = [key(x), key(y)];
    if (a === null || b === null) return a === b ? then(x, y) : (a === null) === (nulls === 'first') ? -1 : 1;
    return (descending ? b - a : a - b) || then(x, y);
  };
}

interface Ordering {
  readonly name: string;
  readonly terms: () => Array<string | OrderByExpression>;
  readonly compare: (x: Row, y: Row) => number;
  /** Orders by the `hot` annotation. */
  readonly annotated?: boolean;
}

const ORDERINGS: readonly Ordering[] = [
  { name: 'views + 1 descending, then id', terms: () => [F('views').add(1).desc(), 'id'], compare: (x, y) => y.views - x.views || byId(x, y) },
  { name: 'views * 2 - 7 ascending, then -id', terms: () => [F('views').mul(2).sub(Value(7)).asc(), '-id'], compare: (x, y) => x.views - y.views || y.id - x.id },
  // MySQL has no NULLS LAST: there the expression is bound twice (is null, then the value).
  { name: 'score + 3 descending, NULLs last, then id', terms: () => [F('score').add(3).desc({ nullsLast: true }), 'id'], compare: nullable((r) => r.score, true, 'last', byId) },
  { name: 'score * -1 ascending, NULLs first, then id', terms: () => [F('score').mul(-1).asc({ nullsFirst: true }), 'id'], compare: nullable((r) => (r.score === null ? null : -r.score), false, 'first', byId) },
  { name: 'a Count with a filter, descending, then id', terms: () => ['-hot', 'id'], compare: (x, y) => y.hot - x.hot || byId(x, y), annotated: true },
];

interface Filtering {
  readonly name: string;
  readonly apply: (qs: QuerySet<any, any>) => QuerySet<any, any>;
  readonly holds: (r: Row) => boolean;
  /** Filters on the `hot` annotation. */
  readonly annotated?: boolean;
}

const FILTERINGS: readonly Filtering[] = [
  { name: 'no filter', apply: (qs) => qs, holds: () => true },
  { name: 'views >= 3', apply: (qs) => qs.filter(Q({ views__gte: 3 })), holds: (r) => r.views >= 3 },
  { name: "label in (a, c, d, f, g) or score < 4", apply: (qs) => qs.filter(Q({ label__in: ['a', 'c', 'd', 'f', 'g'] }).or({ score__lt: 4 })), holds: (r) => ['a', 'c', 'd', 'f', 'g'].includes(r.label) || (r.score !== null && r.score < 4) },
  { name: "views >= 2, excluding label 'f'", apply: (qs) => qs.filter(Q({ views__gte: 2 })).exclude(Q({ label: 'f' })), holds: (r) => r.views >= 2 && r.label !== 'f' },
  { name: 'hot >= 1 (on the annotation)', apply: (qs) => qs.filter(Q({ hot__gte: 1 })), holds: (r) => r.hot >= 1, annotated: true },
];

/** The queryset of one case: annotated with a filtered Count (itself a value to bind) or not. */
function casesOf(annotate: boolean) {
  return ORDERINGS.filter((o) => annotate || !o.annotated).flatMap((ordering) =>
    FILTERINGS.filter((w) => annotate || !w.annotated).map((filtering) => ({ ordering, filtering, annotate })),
  );
}

function build(annotate: boolean, filtering: Filtering, ordering: Ordering, extra?: (qs: QuerySet<any, any>) => QuerySet<any, any>) {
  let qs: QuerySet<any, any> = Item.objects.all();
  if (annotate) qs = qs.annotate({ hot: Count('marks', { filter: Q({ marks__text__startswith: 'h' }) }) });
  qs = filtering.apply(extra ? extra(qs) : qs);
  return qs.orderBy(...ordering.terms());
}

const idsOf = (rows: readonly Row[]) => rows.map((r) => r.id);

test('ordering by expressions with values, filters with values, and every way of running the query', async () => {
  for (const annotate of [false, true]) {
    for (const { ordering, filtering } of casesOf(annotate)) {
      const where = `${annotate ? 'annotated, ' : ''}${filtering.name}, ordered by ${ordering.name}`;
      const rows = await load();
      const expected = rows.filter(filtering.holds).sort(ordering.compare);
      const qs = build(annotate, filtering, ordering);
      const ids = idsOf(expected);

      assert.deepEqual((await qs).map((i) => i.id), ids, `rows: ${where}`);
      assert.equal(await qs.count(), ids.length, `count(): ${where}`);
      assert.equal(await qs.exists(), ids.length > 0, `exists(): ${where}`);
      assert.equal(await qs.filter(Q({ label: 'none' })).exists(), false, `exists() of none: ${where}`);
      assert.deepEqual(await qs.valuesList('id', { flat: true }), ids, `valuesList(): ${where}`);
      assert.deepEqual((await qs.values('label')).map((v) => v.label), expected.map((r) => r.label), `values(): ${where}`);
      assert.equal(await qs.values('label').count(), ids.length, `values().count(): ${where}`);
      assert.equal(await qs.distinct().count(), ids.length, `distinct().count(): ${where}`);
      assert.deepEqual((await qs.slice(1, 4)).map((i) => i.id), ids.slice(1, 4), `slice(1, 4): ${where}`);
      assert.equal(await qs.slice(1, 4).count(), ids.slice(1, 4).length, `slice(1, 4).count(): ${where}`);
      assert.equal(await qs.slice(1, 4).exists(), ids.length > 1, `slice(1, 4).exists(): ${where}`);
      assert.deepEqual((await qs.slice(2)).map((i) => i.id), ids.slice(2), `slice(2): ${where}`);
      assert.equal(await qs.slice(2).count(), ids.slice(2).length, `slice(2).count(): ${where}`);
      assert.equal((await qs.first())?.id ?? null, ids[0] ?? null, `first(): ${where}`);
      assert.equal((await qs.last())?.id ?? null, ids.at(-1) ?? null, `last(): ${where}`);
      const streamed: number[] = [];
      for await (const item of qs.iterator({ chunkSize: 3 })) streamed.push(item.id);
      assert.deepEqual(streamed, ids, `iterator(): ${where}`);
      const totals = await qs.aggregate({ n: Count('id'), views: Sum('views') });
      assert.deepEqual(totals, { n: ids.length, views: ids.length === 0 ? null : expected.reduce((s, r) => s + r.views, 0) }, `aggregate(): ${where}`);

      // A union of two such querysets, each ordered (the parts' orderings are dropped).
      const low = build(annotate, filtering, ordering, (q) => q.filter(Q({ views__lte: 2 })));
      const lowIds = idsOf(rows.filter((r) => filtering.holds(r) && r.views <= 2));
      const united = [...new Set([...ids, ...lowIds])].sort((a, b) => a - b);
      assert.equal(await qs.union(low).count(), united.length, `union().count(): ${where}`);
      assert.deepEqual((await qs.union(low, { all: true }).orderBy('id')).map((i) => i.id), [...ids, ...lowIds].sort((a, b) => a - b), `union(all).orderBy('id'): ${where}`);

      const plan = await qs.planDelete();
      assert.equal(plan.byModel['ordcount.Item'] ?? 0, ids.length, `planDelete(): ${where}`);

      // (The queryset's type is loose here: its cases are built generically.)
      assert.equal(await qs.update({ label: 'z' } as never), ids.length, `update(): ${where}`);
      assert.deepEqual(await Item.objects.filter({ label: 'z' }).orderBy('id').valuesList('id', { flat: true }), [...ids].sort((a, b) => a - b), `update() changed: ${where}`);

      const reloaded = await load();
      const again = reloaded.filter(filtering.holds);
      const marks = again.reduce((s, r) => s + r.marks, 0);
      const deleted = await build(annotate, filtering, ordering).delete();
      assert.equal(deleted.total, again.length + marks, `delete(): ${where}`);
      assert.deepEqual(await Item.objects.orderBy('id').valuesList('id', { flat: true }), idsOf(reloaded.filter((r) => !filtering.holds(r))), `delete() left: ${where}`);
    }
  }
});
