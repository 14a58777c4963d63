/**
 * The sidebar's filters by plain values and reverse relations, over a real socket: each value a
 * column holds is a link (the empty string as "(empty)", null as "None" where the field allows
 * it), the list is cut at DISTINCT_VALUES and says so, every link the sidebar shows answers 200
 * with the rows it names, and lookups no filter offers are still refused (400).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { DISTINCT_VALUES } from '../../src/admin/value-filter.ts';
import { withSeededDatabase } from '../support/database.ts';
import { listen, TestClient } from '../support/web.ts';
import { app, Book, seedLibrary, Shelf } from './filters-site.ts';

const seeded = withSeededDatabase(seedLibrary);

let server: Awaited<ReturnType<typeof listen>>;
before(async () => {
  server = await listen(app);
});
after(() => server.close());

async function root(): Promise<TestClient> {
  const client = TestClient.overSocket(server.url);
  await client.login('root', 'root-pass', '/admin/login/');
  return client;
}

const unescape = (s: string) => s.replaceAll('&amp;', '&').replaceAll('&quot;', '"').replaceAll('&#39;', "'");

/** The sidebar section titled `By <title>`: its choices as [label, href]. */
function section(html: string, title: string): { choices: [string, string][]; note: string | undefined } {
  const match = new RegExp(`<section aria-label="By ${title}">([\\s\\S]*?)</section>`).exec(html);
  assert.ok(match, `no filter by ${title}`);
  const choices = [...match[1]!.matchAll(/<a href="([^"]*)"[^>]*>([^<]*)<\/a>/g)].map((m): [string, string] => [m[2]!, unescape(m[1]!)]);
  return { choices, note: /<p class="filter-note">([^<]*)<\/p>/.exec(match[1]!)?.[1] };
}

const rowTitles = (html: string) => [...html.matchAll(/<th scope="row"><a href="[^"]*">([^<]*)<\/a>/g)].map((m) => m[1]);

test('a plain field lists its distinct values in order, the empty string as (empty); no None when the field is not nullable', async () => {
  const client = await root();
  const page = await client.page('/admin/vf/book/');
  assert.equal(page.status, 200);
  const { choices, note } = section(page.html, 'title');
  assert.deepEqual(choices.map(([label]) => label), ['All', '(empty)', 'Dune', 'Emma']);
  assert.equal(note, undefined);
  assert.deepEqual(section(page.html, 'pages').choices.map(([label]) => label), ['All', '12', '412', '474', '896']);
  const dune = await client.page(choices[2]![1]);
  assert.equal(dune.status, 200);
  assert.deepEqual(rowTitles(dune.html), ['Dune', 'Dune']);
  assert.match(dune.html, /aria-current="true" class="selected">Dune</);
  const empty = await client.page(choices[1]![1]);
  assert.deepEqual(rowTitles(empty.html), ['-'], 'the list shows an empty title as -');
});

test('a nullable number and a decimal: their values, and None for the rows without one', async () => {
  const client = await root();
  const page = await client.page('/admin/vf/shelf/');
  const floor = section(page.html, 'floor').choices;
  assert.deepEqual(floor.map(([label]) => label), ['All', '1', '2', 'None']);
  assert.equal(floor[3]![1], '/admin/vf/shelf/?floor__isnull=True');
  assert.deepEqual(rowTitles((await client.page(floor[3]![1])).html), ['C']);
  assert.deepEqual(rowTitles((await client.page(floor[2]![1])).html), ['B']);
  const width = section(page.html, 'width').choices;
  assert.deepEqual(width.map(([label]) => label), ['All', '0.80', '1.25', 'None']);
  assert.deepEqual(rowTitles((await client.page(width[1]![1])).html), ['A']);
});

test("a plain field across a key lists the related model's values, and filters by them", async () => {
  const client = await root();
  const label = section((await client.page('/admin/vf/book/')).html, 'shelf label').choices;
  assert.deepEqual(label.map(([l]) => l), ['All', 'A', 'B', 'C']);
  assert.equal(label[1]![1], '/admin/vf/book/?shelf__label__exact=A');
  assert.deepEqual(rowTitles((await client.page(label[1]![1])).html).sort(), ['Dune', 'Emma']);
});

test('a reverse relation lists the related objects and None: the shelves holding a book, and those holding none', async () => {
  const client = await root();
  const { dune } = seeded();
  const books = section((await client.page('/admin/vf/shelf/')).html, 'book').choices;
  assert.deepEqual(books.map(([label]) => label).slice(0, 2), ['All', 'Dune']);
  assert.equal(books.at(-1)![0], 'None');
  const byDune = books.find(([, href]) => href.endsWith(`books__id__exact=${dune.id}`));
  assert.ok(byDune, books.join(' '));
  assert.deepEqual(rowTitles((await client.page(byDune[1])).html), ['A']);
  assert.deepEqual(rowTitles((await client.page(books.at(-1)![1])).html), ['C']);
});

test('every link of the sidebar answers 200: a filter that appears works', async () => {
  const client = await root();
  for (const list of ['/admin/vf/book/', '/admin/vf/shelf/', '/admin/vf/review/']) {
    const html = (await client.page(list)).html;
    const aside = /<aside class="filters"[\s\S]*?<\/aside>/.exec(html)![0];
    const hrefs = [...aside.matchAll(/href="([^"]*)"/g)].map((m) => unescape(m[1]!));
    assert.ok(hrefs.length > 5, list);
    if (list === '/admin/vf/shelf/') assert.ok(hrefs.some((href) => href.includes('depth__exact=')), 'the float values are among them');
    for (const href of hrefs) assert.equal((await client.get(href)).status, 200, href);
  }
});

test('lookups no filter offers are still refused', async () => {
  const client = await root();
  for (const url of ['/admin/vf/book/?shelf__floor__exact=1', '/admin/vf/book/?shelf__width__gt=0', '/admin/vf/shelf/?books__title__exact=Dune', '/admin/vf/shelf/?books__pages__gt=1']) {
    assert.equal((await client.get(url)).status, 400, url);
  }
  for (const url of ['/admin/vf/book/?title__icontains=du', '/admin/vf/book/?shelf__label__isnull=True', '/admin/vf/shelf/?books__isnull=False']) {
    assert.equal((await client.get(url)).status, 200, url);
  }
});

test(`the values stop at ${DISTINCT_VALUES}, the sidebar says so, and a value chosen beyond them is shown as chosen`, async () => {
  await Book.objects.bulkCreate(Array.from({ length: DISTINCT_VALUES + 5 }, (_, i) => new Book({ title: 'Filler', pages: 1000 + i })));
  const client = await root();
  const pages = section((await client.page('/admin/vf/book/')).html, 'pages');
  assert.equal(pages.choices.length, 1 + DISTINCT_VALUES);
  assert.equal(pages.note, `Only the first ${DISTINCT_VALUES} values are listed.`);
  const last = 1000 + DISTINCT_VALUES + 4;
  const chosen = await client.page(`/admin/vf/book/?pages__exact=${last}`);
  assert.equal(chosen.status, 200);
  assert.deepEqual(section(chosen.html, 'pages').choices.at(-1), [String(last), `/admin/vf/book/?pages__exact=${last}`]);
  assert.match(chosen.html, new RegExp(`aria-current="true" class="selected">${last}<`));
});

test("an integer past the column's range (32 bits on PostgreSQL and MariaDB) matches nothing or every value, never a 500", async () => {
  const client = await root();
  const expected: Array<[string, string[]]> = [
    ['/admin/vf/book/?pages__exact=3000000000', []],
    ['/admin/vf/book/?pages__gt=3000000000', []],
    ['/admin/vf/book/?pages__lt=2147483648', ['-', 'Dune', 'Dune', 'Emma']],
    ['/admin/vf/book/?pages__gte=-2147483649', ['-', 'Dune', 'Dune', 'Emma']],
    ['/admin/vf/book/?pages__in=412,3000000000', ['Dune']],
    ['/admin/vf/shelf/?floor__gt=-3000000000', ['A', 'B']],
  ];
  for (const [url, titles] of expected) {
    const page = await client.page(url);
    assert.equal(page.status, 200, url);
    assert.deepEqual(rowTitles(page.html).sort(), titles, url);
  }
});

test('a float field lists its values, each link finds its rows, and text that is no number is refused with ?e=1', async () => {
  await Shelf.objects.create({ label: 'D', depth: 1e21 });
  await Shelf.objects.create({ label: 'E', depth: -1e-7 });
  const client = await root();
  const depth = section((await client.page('/admin/vf/shelf/')).html, 'depth').choices;
  assert.deepEqual(depth.map(([label]) => label), ['All', '-1e-7', '0.30000000000000004', '0.5', '1e+21', 'None']);
  const expected = ['E', 'B', 'A', 'D', 'C'];
  for (const [i, [label, href]] of depth.slice(1).entries()) assert.deepEqual(rowTitles((await client.page(href)).html), [expected[i]], label);
  for (const [query, titles] of [['depth__gt=0.4', ['A', 'D']], ['depth__lte=%200.5%20', ['A', 'B', 'E']], ['depth__in=0.5,1e21', ['A', 'D']], ['depth=.5', ['A']]] as const) {
    const page = await client.page(`/admin/vf/shelf/?${query}`);
    assert.equal(page.status, 200, query);
    assert.deepEqual(rowTitles(page.html).sort(), titles, query);
  }
  for (const query of ['depth__exact=abc', 'depth__exact=', 'depth__exact=1e400', 'depth__exact=NaN', 'depth__exact=Infinity', 'depth__in=0.5,x', 'depth__exact=0x10']) {
    assert.equal((await client.get(`/admin/vf/shelf/?${query}`)).headers.get('location'), '/admin/vf/shelf/?e=1', query);
  }
});

test("a key named by its column (bookId, book__shelfId) filters as the key does, as Django's get_field() finds book_id", async () => {
  const client = await root();
  const { a, dune } = seeded();
  const page = await client.page('/admin/vf/review/');
  const book = section(page.html, 'book').choices;
  assert.ok(book.some(([label, href]) => label === 'Dune' && href === `/admin/vf/review/?book__id__exact=${dune.id}`), book.join(' '));
  const shelf = section(page.html, 'book shelf').choices;
  assert.deepEqual(shelf.map(([label]) => label), ['All', 'A', 'B', 'C', 'None']);
  assert.equal(shelf[1]![1], `/admin/vf/review/?book__shelf__id__exact=${a.id}`);
  for (const [, href] of [book.find(([label]) => label === 'Dune')!, shelf[1]!]) {
    const res = await client.page(href);
    assert.equal(res.status, 200, href);
    assert.equal(rowTitles(res.html).length, 1, href);
  }
});
