/**
 * The date hierarchy's cost (issue 24, item 4): a probe of a day without rows reads every row the
 * search lets through, and a month has 31 of them. A level now asks only about units between
 * the first and the last date of its period, and a list of up to 1,000 rows reads its dates
 * once. Both ways of learning the dates give the same hierarchy, whatever the dates.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildDateHierarchy } from '../../src/admin/dates.ts';
import { site } from '../../examples/blog/admin.ts';
import { Author, Post } from '../../examples/blog/models.ts';
import { useBlogApp } from '../support/blog-app.ts';
import { captureQueries } from '../support/database.ts';
import { TestClient } from '../support/web.ts';

const { app } = useBlogApp();

const postAdmin = () => site.modelAdmin('blog', 'post')!;
const link = (changes: Record<string, string | undefined>) => JSON.stringify(Object.entries(changes).filter(([, v]) => v !== undefined));

async function postsOn(instants: number[]): Promise<void> {
  const ann = await Author.objects.get({ name: 'Ann Archer' });
  await Post.allObjects.all().hardDelete();
  const made = await Post.objects.bulkCreate(instants.map((_, i) => ({ title: `p${i}`, author: ann })));
  for (const [i, post] of made.entries()) await Post.objects.filter({ id: post.id }).update({ createdAt: new Date(instants[i]!) });
}

test('asking the database per unit and reading the dates once give the same hierarchy, at every level', async () => {
  const instants = fc.array(fc.integer({ min: Date.UTC(2016, 0, 1), max: Date.UTC(2018, 11, 31, 23, 59, 59) }), { minLength: 0, maxLength: 10 });
  const level = fc.constantFrom<Record<string, string>>({}, { createdAt__year: '2017' }, { createdAt__year: '2017', createdAt__month: '6' }, { createdAt__year: '2016', createdAt__month: '2' });
  await fc.assert(
    fc.asyncProperty(instants, level, async (times, chosen) => {
      await postsOn(times);
      const params = new URLSearchParams(chosen);
      const asked = await buildDateHierarchy(postAdmin(), Post.objects.all() as never, params, link);
      const read = await buildDateHierarchy(postAdmin(), Post.objects.all() as never, params, link, times.length);
      assert.deepEqual(read, asked);
    }),
    { numRuns: 40 },
  );
});

test('a month whose rows are all on one day asks two questions, not one per day', async () => {
  const ann = await Author.objects.get({ name: 'Ann Archer' });
  await Post.objects.bulkCreate(Array.from({ length: 1200 }, (_, i) => ({ title: `bulk ${i}`, author: ann })));
  await Post.objects.all().update({ createdAt: new Date('2020-02-10T08:00:00Z') });
  const admin = TestClient.inProcess(app);
  await admin.login('admin', 'admin', '/admin/login/');
  const url = '/admin/blog/post/?q=bulk&createdAt__year=2020&createdAt__month=2';
  await admin.page(url);
  let html = '';
  const statements = await captureQueries(async () => {
    html = (await admin.page(url)).html;
  });
  assert.deepEqual([...html.matchAll(/>(February \d+)</g)].map((m) => m[1]), ['February 10']);
  const aboutDays = statements.filter((s) => /"created_at" >= /.test(s.sql) && /"created_at" < /.test(s.sql));
  // The list's own three (count, keys, rows: its year and month are a range) and the first and last date; asked per day, 31 more.
  assert.ok(aboutDays.length <= 5, `${aboutDays.length} statements about days of February`);
});
