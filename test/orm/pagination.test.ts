/**
 * Paginator and KeysetPaginator against a plain reference: every row once, in order, on random
 * data with ties in the ordering.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { EmptyPage, InvalidPage, KeysetPaginator, Page, PageNotAnInteger, Paginator, QueryUsageError, model, fields as f } from '../../src/index.ts';
import { captureQueries, withSeededDatabase } from '../support/database.ts';

class Entry extends model('paging.Entry', {
  rank: f.integer(),
  name: f.char({ maxLength: 10 }),
  at: f.dateTime(),
  note: f.char({ maxLength: 10, null: true }),
}) {}

withSeededDatabase(async () => undefined);

const entries = fc.array(fc.record({ rank: fc.integer({ min: 0, max: 4 }), name: fc.constantFrom('a', 'b', 'c'), day: fc.integer({ min: 1, max: 3 }) }), { maxLength: 25 });

async function load(rows: Array<{ rank: number; name: string; day: number }>) {
  await Entry.objects.all().delete();
  const made = [];
  for (const row of rows) made.push(await Entry.objects.create({ rank: row.rank, name: row.name, at: new Date(Date.UTC(2026, 0, row.day)) }));
  return made;
}

test('the pages of a Paginator hold every row once, in order, with Django\'s page arithmetic', async () => {
  await fc.assert(fc.asyncProperty(entries, fc.integer({ min: 1, max: 7 }), fc.integer({ min: 0, max: 3 }), async (rows, perPage, orphans) => {
    const made = await load(rows);
    const paginator = new Paginator(Entry.objects.orderBy('rank', 'id'), perPage, { orphans });
    const expected = [...made].sort((a, b) => a.rank - b.rank || a.id - b.id).map((e) => e.id);
    // Django: pages = ceil(max(count - orphans, 0) / perPage), at least 1 (an empty first page is allowed).
    const pages = Math.max(1, Math.ceil(Math.max(rows.length - orphans, 0) / perPage));
    assert.equal(await paginator.numPages(), pages);
    assert.deepEqual(await paginator.pageRange(), Array.from({ length: pages }, (_, i) => i + 1));
    const seen: number[] = [];
    for (let n = 1; n <= pages; n++) {
      const page = await paginator.page(n);
      assert.ok(page instanceof Page);
      assert.equal(page.hasNext, n < pages);
      assert.equal(page.hasPrevious, n > 1);
      if (rows.length > 0) {
        assert.equal(page.startIndex, seen.length + 1);
        assert.equal(page.endIndex, seen.length + page.length);
      }
      seen.push(...page.objectList.map((e) => e.id));
    }
    assert.deepEqual(seen, expected);
    await assert.rejects(paginator.page(pages + 1), EmptyPage);
  }), { numRuns: 40 });
});

test('bad page numbers are typed errors; getPage forgives them as Django does', async () => {
  await load([{ rank: 1, name: 'a', day: 1 }, { rank: 2, name: 'b', day: 1 }, { rank: 3, name: 'c', day: 1 }]);
  const paginator = new Paginator(Entry.objects.orderBy('rank'), 2);
  await assert.rejects(paginator.page('two'), PageNotAnInteger);
  await assert.rejects(paginator.page(0), EmptyPage);
  await assert.rejects(paginator.page(1.5), (e: Error) => e instanceof InvalidPage && e instanceof PageNotAnInteger);
  assert.equal((await paginator.page('2')).number, 2, 'a page number may come as text, from a query string');
  assert.equal((await paginator.getPage('two')).number, 1);
  assert.equal((await paginator.getPage(99)).number, 2);
  assert.throws(() => new Paginator(Entry.objects.all(), 0), QueryUsageError);
  const empty = new Paginator(Entry.objects.none(), 10);
  assert.deepEqual([(await empty.page(1)).length, await empty.numPages()], [0, 1]);
  await assert.rejects(new Paginator(Entry.objects.none(), 10, { allowEmptyFirstPage: false }).page(1), EmptyPage);
  // One COUNT for the paginator, one SELECT per page.
  const fresh = new Paginator(Entry.objects.orderBy('rank'), 2);
  const queries = await captureQueries(async () => {
    await fresh.page(1);
    await fresh.page(2);
  });
  assert.equal(queries.length, 3);
});

test('a keyset paginator walks every row once in order, with ties broken by the key, and no COUNT or OFFSET', async () => {
  await fc.assert(fc.asyncProperty(entries, fc.integer({ min: 1, max: 6 }), fc.constantFrom(['rank'], ['-rank', 'name'], ['-at', 'rank'], ['name', '-rank']), async (rows, perPage, ordering) => {
    const made = await load(rows);
    const keys = ordering.map((o) => ({ name: o.replace('-', '') as 'rank' | 'name' | 'at', desc: o.startsWith('-') }));
    const lastDesc = keys.at(-1)!.desc;
    const value = (e: (typeof made)[number], k: 'rank' | 'name' | 'at') => (k === 'at' ? e.at.getTime() : e[k]);
    const expected = [...made].sort((a, b) => {
      for (const { name, desc } of keys) {
        const x = value(a, name);
        const y = value(b, name);
        if (x !== y) return (x < y ? -1 : 1) * (desc ? -1 : 1);
      }
      return (a.id - b.id) * (lastDesc ? -1 : 1);
    }).map((e) => e.id);
    const paginator = new KeysetPaginator(Entry.objects.all(), perPage, ordering);
    const seen: number[] = [];
    let cursor: string | undefined;
    let pages = 0;
    const queries = await captureQueries(async () => {
      do {
        const page = await paginator.page(cursor === undefined ? {} : { after: cursor });
        seen.push(...page.objectList.map((e) => e.id));
        assert.equal(page.hasNext, page.nextCursor !== undefined);
        cursor = page.nextCursor;
        pages++;
      } while (cursor !== undefined && pages < 100);
    });
    assert.deepEqual(seen, expected);
    assert.ok(queries.every((q) => !/count\(|offset/i.test(q.sql)), 'no COUNT, no OFFSET');
  }), { numRuns: 40 });
});

test('a keyset paginator refuses what it cannot page by, and cursors it did not make', async () => {
  assert.throws(() => new KeysetPaginator(Entry.objects.all(), 10, ['note']), /cannot order by paging\.Entry\.note: it may be NULL/);
  assert.throws(() => new KeysetPaginator(Entry.objects.all().slice(0, 5), 10), QueryUsageError);
  const paginator = new KeysetPaginator(Entry.objects.all(), 10, ['-at']);
  await assert.rejects(paginator.page({ after: 'not a cursor' }), InvalidPage);
  await assert.rejects(paginator.page({ after: Buffer.from('[1]').toString('base64url') }), InvalidPage);
});
