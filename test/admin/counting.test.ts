/** How a changelist counts: exactly, from PostgreSQL's statistics, or not at all (next/previous only). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { User } from '../../src/auth/index.ts';
import { getDatabase, model, fields as f } from '../../src/index.ts';
import { AdminSite } from '../../src/admin/index.ts';
import { createApp, include, path } from '../../src/web/index.ts';
import { BACKEND, captureQueries, withSeededDatabase } from '../support/database.ts';
import { TestClient } from '../support/web.ts';

class Reading extends model('ct.Reading', { value: f.integer(), flagged: f.boolean({ default: false }) }) {}

withSeededDatabase(async () => {
  await User.createSuperuser({ username: 'boss', password: 'boss-pass-1' });
  await Reading.objects.bulkCreate(Array.from({ length: 250 }, (_, i) => ({ value: i, flagged: i % 10 === 0 })));
});

async function clientFor(countStrategy: 'auto' | 'exact' | 'estimated' | 'none') {
  const site = new AdminSite({ name: `count_${countStrategy}` });
  site.register(Reading, { listDisplay: ['value', 'flagged'], listFilter: ['flagged'], countStrategy, ordering: ['value'] });
  const app = createApp({ secretKey: 'counting-secret-key-long-enough', urls: [path('admin/', include(site.urls))] });
  const client = TestClient.inProcess(app);
  await client.login('boss', 'boss-pass-1', '/admin/login/');
  return client;
}

test("countStrategy 'none' pages with next and previous only, and never counts", async () => {
  const client = await clientFor('none');
  const first = await client.page('/admin/ct/reading/');
  assert.match(first.html, /role="status">Page 1<\/p>/);
  assert.doesNotMatch(first.html, /\d+ results?|Page \d+ of/);
  assert.match(first.html, /rel="next"/);
  const third = await client.page('/admin/ct/reading/?p=3');
  assert.match(third.html, /rel="prev"/);
  assert.doesNotMatch(third.html, /rel="next"/);
  assert.equal([...third.html.matchAll(/<tr>(?:<td class="action-checkbox">.*?<\/td>)?<th scope="row">/g)].length, 50);
});

test("countStrategy 'estimated' reads PostgreSQL's statistics for an unfiltered list, and counts a filtered one", async () => {
  const client = await clientFor('estimated');
  if (BACKEND === 'postgres') {
    await getDatabase().execute(sql`analyze ct_reading`.compile(getDatabase().kysely));
    assert.match((await client.page('/admin/ct/reading/')).html, /about 250 results/);
  } else {
    assert.match((await client.page('/admin/ct/reading/')).html, /250 results/, 'other databases count exactly');
  }
  assert.match((await client.page('/admin/ct/reading/?value__exact=7')).html, BACKEND === 'postgres' ? /1 result \(about 250 total\)</ : /1 result</);
});

test('a boolean filter: Yes, No and All links, and the lookup they set', async () => {
  const client = await clientFor('exact');
  const page = await client.page('/admin/ct/reading/');
  assert.match(page.html, /href="\/admin\/ct\/reading\/\?flagged__exact=1">Yes<\/a>/);
  assert.match((await client.page('/admin/ct/reading/?flagged__exact=1')).html, /25 results \(250 total\)/);
  assert.match((await client.page('/admin/ct/reading/?flagged__exact=0')).html, /225 results/);
  assert.match((await client.page('/admin/ct/reading/?flagged=true')).html, /25 results/);
  assert.equal((await client.get('/admin/ct/reading/?flagged__exact=maybe')).headers.get('location'), '/admin/ct/reading/?e=1');
});

test("countStrategy 'auto' counts a small table exactly", async () => {
  const client = await clientFor('auto');
  assert.match((await client.page('/admin/ct/reading/')).html, /250 results/);
});

test("countStrategy 'auto' estimates a PostgreSQL table the planner puts above 100,000 rows", { skip: BACKEND !== 'postgres' && "only PostgreSQL's planner gives an estimate" }, async () => {
  const client = await clientFor('auto');
  const db = getDatabase();
  await db.execute(sql`insert into ct_reading (value, flagged) select i, false from generate_series(1, 100000) as s(i)`.compile(db.kysely));
  await db.execute(sql`analyze ct_reading`.compile(db.kysely));
  const page = await client.page('/admin/ct/reading/');
  assert.match(page.html, /about 100,\d{3} results/);
  // A filter is counted exactly; its total is the estimate.
  assert.match((await client.page('/admin/ct/reading/?flagged__exact=1')).html, /25 results \(about 100,\d{3} total\)/);
  // Past the estimate's last page is not an error: the rows decide.
  assert.equal((await client.get('/admin/ct/reading/?p=1100')).status, 200);
});

test('a filtered list that fits on its first page counts itself (not on PostgreSQL): no COUNT of the filtered rows', async () => {
  const client = await clientFor('exact');
  const counts = async (url: string) => (await captureQueries(() => client.page(url))).filter((q) => /count\(\*\)/i.test(q.sql) && /ct_reading/.test(q.sql)).length;
  await counts('/admin/ct/reading/?flagged__exact=1');
  // Not on PostgreSQL, whose COUNT scans in parallel: there the filtered rows are counted first.
  assert.equal(await counts('/admin/ct/reading/?flagged__exact=1'), BACKEND === 'postgres' ? 2 : 1, 'the total only');
  assert.match((await client.page('/admin/ct/reading/?flagged__exact=1')).html, /25 results \(250 total\)/);
  assert.equal(await counts('/admin/ct/reading/?flagged__exact=0'), 2, 'more than a page: counted');
  assert.match((await client.page('/admin/ct/reading/?flagged__exact=0')).html, /225 results/);
});
