/**
 * Changelist actions with Django's fields (`action`, `_selected_action`, `select_across`,
 * `index`), date filters and the date hierarchy, on the blog's posts.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Permission, User } from '../../src/auth/index.ts';
import { Author, Post } from '../../examples/blog/models.ts';
import { useBlogApp } from '../support/blog-app.ts';
import { TestClient } from '../support/web.ts';

const { app, transports } = useBlogApp({ socket: true });

const rowsOf = (html: string) => [...html.matchAll(/<th scope="row"><a href="\/admin\/blog\/post\/\d+\/change\/(?:\?_changelist_filters=[^"]*)?">([^<]*)<\/a>/g)].map((m) => m[1]);
const messagesOf = (html: string) => [...html.matchAll(/<li class="message [a-z]+">([^<]*)/g)].map((m) => m[1]);

/** Posts created at given times (createdAt is set on insert, so the time is written after). */
async function createdOn(author: InstanceType<typeof Author>, times: Record<string, string>): Promise<void> {
  for (const [title, at] of Object.entries(times)) {
    const post = await Post.objects.create({ title, author });
    await Post.objects.filter({ id: post.id }).update({ createdAt: new Date(at) });
  }
}

async function staff(client: TestClient): Promise<TestClient> {
  await client.login('admin', 'admin', '/admin/login/');
  return client;
}

for (const [transport, client] of Object.entries(transports)) {
  describe(`changelist actions, ${transport}`, () => {
    test('ticked rows, within the list as filtered: the action runs on exactly those', async () => {
      const admin = await staff(client());
      const page = await admin.page('/admin/blog/post/?status__exact=draft');
      assert.match(page.html, /<select name="action" id="action-select">/);
      assert.match(page.html, /<option value="publish">Publish selected posts<\/option>/);
      const drafts = await Post.objects.filter({ status: 'draft' }).orderBy('id');
      const published = (await Post.objects.filter({ status: 'published' }).first())!;
      // A published post's key smuggled in is outside the filtered list: untouched, uncounted.
      const res = await admin.post('/admin/blog/post/?status__exact=draft', [['action', 'publish'], ['index', '0'], ['_selected_action', String(drafts[0]!.id)], ['_selected_action', String(published.id)]]);
      assert.equal(res.status, 302);
      assert.equal(res.headers.get('location'), '/admin/blog/post/?status__exact=draft');
      assert.deepEqual(messagesOf((await admin.page('/admin/blog/post/')).html), ['1 post was published.']);
      assert.equal((await Post.objects.get({ id: drafts[0]!.id })).status, 'published');
      assert.equal((await Post.objects.get({ id: drafts[1]!.id })).status, 'draft');
    });

    test('select_across takes every row the filters and search let through, on every page', async () => {
      const admin = await staff(client());
      const bob = await Author.objects.get({ name: 'Bob Baker' });
      await Post.objects.bulkCreate(Array.from({ length: 150 }, (_, i) => ({ title: `Bob draft ${i}`, author: bob })));
      await Post.objects.bulkCreate(Array.from({ length: 5 }, (_, i) => ({ title: `Other ${i}`, author: bob })));
      const list = await admin.page('/admin/blog/post/?q=draft&status__exact=draft');
      assert.match(list.html, /Select all 151 posts/);
      const res = await admin.post('/admin/blog/post/?q=draft&status__exact=draft', { action: 'publish', index: '0', select_across: '1' });
      assert.equal(res.status, 302);
      assert.equal(await Post.objects.filter({ title__icontains: 'draft', status: 'published' }).count(), 151);
      assert.equal(await Post.objects.filter({ title__startswith: 'Other', status: 'draft' }).count(), 5, 'outside the search: untouched');
    });

    test("no rows, no action, or an unknown one: Django's messages and nothing changed", async () => {
      const admin = await staff(client());
      await admin.page('/admin/blog/post/');
      const before = await Post.objects.filter({ status: 'published' }).count();
      const id = String((await Post.objects.filter({ status: 'draft' }).first())!.id);
      for (const [fields, message] of [
        [{ action: 'publish', index: '0' }, 'Items must be selected in order to perform actions on them. No items have been changed.'],
        [{ action: '', index: '0', _selected_action: id }, 'No action selected.'],
        [{ action: 'drop_tables', index: '0', _selected_action: id }, 'No action selected.'],
      ] as const) {
        const res = await admin.post('/admin/blog/post/', fields);
        assert.equal(res.status, 302);
        assert.deepEqual(messagesOf((await admin.page('/admin/blog/post/')).html), [message]);
      }
      assert.equal(await Post.objects.filter({ status: 'published' }).count(), before);
      // A malformed key is refused, not widened.
      assert.equal((await admin.post('/admin/blog/post/', { action: 'publish', index: '0', _selected_action: 'abc' })).status, 400);
    });
  });
}

test('actions need their permissions: a viewer sees no checkboxes and cannot post one', async () => {
  const viewer = await User.createUser({ username: 'viewer', password: 'viewer-pass', isStaff: true });
  await viewer.userPermissions.add(await Permission.objects.get({ modelLabel: 'blog.Post', codename: 'view_post' }));
  const client = TestClient.inProcess(app);
  await client.login('viewer', 'viewer-pass', '/admin/login/');
  const page = await client.page('/admin/blog/post/');
  assert.doesNotMatch(page.html, /_selected_action|action-select/);
  const id = String((await Post.objects.filter({ status: 'draft' }).first())!.id);
  const res = await client.post('/admin/blog/post/', { action: 'publish', index: '0', _selected_action: id });
  assert.equal(res.status, 403);
  assert.equal((await Post.objects.get({ id: Number(id) })).status, 'draft');
});

test('the date filter and hierarchy drill into years, months and days of createdAt', async () => {
  const admin = await staff(TestClient.inProcess(app));
  const ann = await Author.objects.get({ name: 'Ann Archer' });
  const now = new Date();
  const today = now.toISOString().slice(0, 10);
  await createdOn(ann, { 'Old one': '2019-03-05T10:00:00Z', 'Old two': '2019-03-20T23:59:59Z', Older: '2017-12-31T23:59:59Z' });
  const all = await admin.page('/admin/blog/post/');
  // The years with posts, and no year without.
  const years = [...all.html.matchAll(/createdAt__year=(\d{4})">\d{4}</g)].map((m) => m[1]);
  assert.deepEqual(years, ['2017', '2019', String(now.getUTCFullYear())]);
  const in2019 = await admin.page('/admin/blog/post/?createdAt__year=2019');
  assert.deepEqual(rowsOf(in2019.html).sort(), ['Old one', 'Old two']);
  assert.match(in2019.html, /‹ All dates/);
  assert.deepEqual([...in2019.html.matchAll(/>(\w+ 2019)</g)].map((m) => m[1]), ['March 2019']);
  const march = await admin.page('/admin/blog/post/?createdAt__year=2019&createdAt__month=3');
  assert.deepEqual([...march.html.matchAll(/>(March \d+)</g)].map((m) => m[1]), ['March 5', 'March 20']);
  const day = await admin.page('/admin/blog/post/?createdAt__year=2019&createdAt__month=3&createdAt__day=20');
  assert.deepEqual(rowsOf(day.html), ['Old two']);
  // The sidebar's "Today" is a whole UTC day, and "This year" the year.
  assert.match(all.html, new RegExp(`createdAt__gte=${today}&amp;createdAt__lt=`));
  const todays = await admin.page(`/admin/blog/post/?createdAt__gte=${today}&createdAt__lt=${new Date(Date.parse(today) + 86_400_000).toISOString().slice(0, 10)}`);
  assert.equal(rowsOf(todays.html).length, 4);
  assert.match(todays.html, /aria-current="true" class="selected">Today</);
});

test('the hierarchy lists exactly the years, months and days that have rows, whatever the dates', async () => {
  const admin = await staff(TestClient.inProcess(app));
  const ann = await Author.objects.get({ name: 'Ann Archer' });
  const instants = fc.array(fc.integer({ min: Date.UTC(2015, 0, 1), max: Date.UTC(2019, 11, 31, 23, 59, 59) }), { minLength: 1, maxLength: 8 });
  await fc.assert(
    fc.asyncProperty(instants, async (times) => {
      await Post.objects.all().delete();
      await createdOn(ann, Object.fromEntries(times.map((ms, i) => [`p${i}`, new Date(ms).toISOString()])));
      const dates = times.map((ms) => new Date(ms));
      const distinct = (xs: number[]) => [...new Set(xs)].sort((a, b) => a - b);
      const years = distinct(dates.map((d) => d.getUTCFullYear()));
      const html = (await admin.page('/admin/blog/post/')).html;
      const links = (re: RegExp, text: string) => [...text.matchAll(re)].map((m) => Number(m[1]));
      // One year: Django starts at its months (and one month: its days).
      const year = years.length === 1 ? years[0]! : years[0]!;
      if (years.length > 1) assert.deepEqual(links(/createdAt__year=(\d+)">\d{4}</g, html), years);
      const yearPage = years.length > 1 ? (await admin.page(`/admin/blog/post/?createdAt__year=${year}`)).html : html;
      const inYear = dates.filter((d) => d.getUTCFullYear() === year);
      const months = distinct(inYear.map((d) => d.getUTCMonth() + 1));
      if (years.length > 1 || months.length > 1) assert.deepEqual(links(/createdAt__month=(\d+)">/g, yearPage), months);
      const month = months[0]!;
      const monthPage = (await admin.page(`/admin/blog/post/?createdAt__year=${year}&createdAt__month=${month}`)).html;
      const days = distinct(inYear.filter((d) => d.getUTCMonth() + 1 === month).map((d) => d.getUTCDate()));
      assert.deepEqual(links(/createdAt__day=(\d+)">/g, monthPage), days);
    }),
    { numRuns: 15 },
  );
});
