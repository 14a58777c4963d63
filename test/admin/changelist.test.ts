/**
 * The admin's door, index and changelist, in process and over a socket, on the blog example:
 * who gets in, what each user sees, and Django's q / o / p / lookup parameters.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { User, Permission } from '../../src/auth/index.ts';
import { Author, Post } from '../../examples/blog/models.ts';
import { useBlogApp } from '../support/blog-app.ts';
import { captureQueries } from '../support/database.ts';
import { TestClient } from '../support/web.ts';

const { app, transports } = useBlogApp({ socket: true });

const rowsOf = (html: string) => [...html.matchAll(/<tr>(?:<td class="action-checkbox">.*?<\/td>)?<th scope="row"><a href="\/admin\/blog\/post\/\d+\/change\/(?:\?_changelist_filters=[^"]*)?">([^<]*)<\/a>/g)].map((m) => m[1]);

for (const [transport, client] of Object.entries(transports)) {
  describe(`the admin, ${transport}`, () => {
    test('anonymous and non-staff users are sent to the login page, with where they were going', async () => {
      const anonymous = client();
      for (const url of ['/admin/', '/admin/blog/', '/admin/blog/post/?q=x']) {
        const res = await anonymous.get(url);
        assert.equal(res.status, 302, url);
        assert.equal(res.headers.get('location'), `/admin/login/?next=${encodeURIComponent(url)}`);
      }
      const reader = client();
      await reader.login('reader', 'reader');
      assert.equal((await reader.get('/admin/')).status, 302, 'logged in, but not staff');
      await reader.page('/admin/login/');
      const refused = await reader.post('/admin/login/', { username: 'reader', password: 'reader', next: '/admin/' });
      assert.equal(refused.status, 200);
      assert.match(await refused.text(), /correct username and password for a staff account/);
    });

    test('login follows a safe next only; logout is POST only', async () => {
      for (const [next, expected] of [['/admin/blog/post/', '/admin/blog/post/'], ['https://evil.example/', '/admin/'], ['//evil.example/', '/admin/']]) {
        const admin = client();
        await admin.page(`/admin/login/?next=${encodeURIComponent(next!)}`);
        const res = await admin.post('/admin/login/', { username: 'admin', password: 'admin', next: next! });
        assert.equal(res.status, 302);
        assert.equal(res.headers.get('location'), expected, next);
      }
      const admin = client();
      await admin.login('admin', 'admin', '/admin/login/');
      assert.equal((await admin.get('/admin/logout/')).status, 405);
      assert.equal((await admin.get('/admin/')).status, 200, 'still logged in after a GET to logout');
      await admin.page('/admin/');
      assert.equal((await admin.post('/admin/logout/', {})).status, 200);
      assert.equal((await admin.get('/admin/')).status, 302);
    });

    test('the index lists the apps and models the user may see; X-Frame-Options is DENY', async () => {
      const admin = client();
      await admin.login('admin', 'admin', '/admin/login/');
      const index = await admin.page('/admin/');
      assert.equal(index.response.headers.get('x-frame-options'), 'DENY');
      for (const name of ['Authors', 'Posts', 'Comments', 'Tags']) assert.match(index.html, new RegExp(`>${name}</a>`));
      // A staff member who may only view posts sees posts alone.
      const viewer = await User.createUser({ username: 'viewer', password: 'viewer-pass', isStaff: true });
      await viewer.userPermissions.add(await Permission.objects.get({ modelLabel: 'blog.Post', codename: 'view_post' }));
      const limited = client();
      await limited.login('viewer', 'viewer-pass', '/admin/login/');
      const page = await limited.page('/admin/');
      assert.match(page.html, />Posts<\/a>/);
      assert.doesNotMatch(page.html, />Authors<\/a>/);
      assert.equal((await limited.get('/admin/blog/author/')).status, 403);
      assert.equal((await limited.get('/admin/blog/post/')).status, 200);
      assert.equal((await limited.get('/admin/blog/nosuchmodel/')).status, 404);
    });

    test('search, filters, ordering and pages use Django\'s parameters', async () => {
      const admin = client();
      await admin.login('admin', 'admin', '/admin/login/');
      const all = await admin.page('/admin/blog/post/');
      assert.equal(rowsOf(all.html).length, 4);
      assert.match(all.html, /4 results/);
      // Every word must match one of the search fields (title, content, author's name).
      const found = await admin.page('/admin/blog/post/?q=trove+welcome');
      assert.deepEqual(rowsOf(found.html), ['Welcome to Trove']);
      assert.match(found.html, /1 result \(4 total\)/);
      assert.deepEqual(rowsOf((await admin.page('/admin/blog/post/?q=zzz')).html), []);
      const drafts = await admin.page('/admin/blog/post/?status__exact=draft');
      assert.ok(rowsOf(drafts.html).length > 0);
      assert.equal(rowsOf(drafts.html).length, await Post.objects.filter({ status: 'draft' }).count());
      const ann = (await Author.objects.orderBy('id').first())!;
      const byAnn = await admin.page(`/admin/blog/post/?author__id__exact=${ann.id}`);
      assert.equal(rowsOf(byAnn.html).length, await Post.objects.filter({ author: ann }).count());
      // o=1 sorts by the first column (title), o=-1 the other way.
      const titles = (await Post.objects.orderBy('title')).map((p) => p.title);
      assert.deepEqual(rowsOf((await admin.page('/admin/blog/post/?o=1')).html), titles);
      assert.deepEqual(rowsOf((await admin.page('/admin/blog/post/?o=-1')).html), [...titles].reverse());
      // A column named again is dropped, its first direction holding (Django drops repeated terms):
      // 2,001 of them were past SQLite's limit on ORDER BY terms, a 500.
      const statements = await captureQueries(async () => {
        assert.deepEqual(rowsOf((await admin.page(`/admin/blog/post/?o=-1.${Array(2000).fill('1').join('.')}`)).html), [...titles].reverse());
      });
      const listed = statements.map((q) => q.sql).find((q) => /order by/i.test(q) && /blog_post/.test(q))!;
      assert.ok((listed.match(/order by/i) ? listed.slice(listed.search(/order by/i)).split(',').length : 0) <= 3, listed);
      // A bad parameter leads to the plain list with e=1, as Django does.
      for (const bad of ['?o=9', '?nosuch__exact=1', '?p=99', '?p=abc']) {
        const res = await admin.get(`/admin/blog/post/${bad}`);
        assert.equal(res.status, 302, bad);
        assert.equal(res.headers.get('location'), '/admin/blog/post/?e=1');
      }
    });
  });
}

test('a changelist page sends the same number of queries whatever its length: foreign keys are joined', async () => {
  const admin = TestClient.inProcess(app);
  await admin.login('admin', 'admin', '/admin/login/');
  const ann = (await Author.objects.orderBy('id').first())!;
  const count = async () => (await captureQueries(() => admin.page('/admin/blog/post/'))).length;
  await count(); // the first visit may write the session
  const few = await count();
  await Post.objects.bulkCreate(Array.from({ length: 60 }, (_, i) => ({ title: `extra ${i}`, author: ann })));
  assert.equal(await count(), few);
});

test('pages split at listPerPage with next and previous links', async () => {
  const admin = TestClient.inProcess(app);
  await admin.login('admin', 'admin', '/admin/login/');
  const ann = (await Author.objects.orderBy('id').first())!;
  await Post.objects.bulkCreate(Array.from({ length: 130 }, (_, i) => ({ title: `bulk ${String(i).padStart(3, '0')}`, author: ann })));
  const first = await admin.page('/admin/blog/post/');
  assert.equal(rowsOf(first.html).length, 100);
  assert.match(first.html, /Page 1 of 2/);
  assert.match(first.html, /rel="next"/);
  const second = await admin.page('/admin/blog/post/?p=2');
  assert.equal(rowsOf(second.html).length, 34);
  assert.match(second.html, /rel="prev"/);
  assert.equal(new Set([...rowsOf(first.html), ...rowsOf(second.html)]).size, 134, 'no row twice, none missed');
  assert.equal(rowsOf((await admin.page('/admin/blog/post/?all=')).html).length, 134);
});

test("the autocomplete endpoint answers in Django's JSON shape, searched by the related admin, paged by 20", async () => {
  const admin = TestClient.inProcess(app);
  await admin.login('admin', 'admin', '/admin/login/');
  const ask = async (query: string) => admin.get(`/admin/autocomplete/?${query}`);
  const found = await ask('app_label=blog&model_name=post&field_name=author&term=ann');
  assert.equal(found.status, 200);
  const ann = (await Author.objects.orderBy('id').first())!;
  assert.deepEqual(await found.json(), { results: [{ id: String(ann.id), text: String(ann) }], pagination: { more: false } });
  await Author.objects.bulkCreate(Array.from({ length: 25 }, (_, i) => ({ name: `Annex ${i}`, email: `annex${i}@example.com` })));
  const first = (await (await ask('app_label=blog&model_name=post&field_name=author&term=ann')).json()) as { results: unknown[]; pagination: { more: boolean } };
  assert.equal(first.results.length, 20);
  assert.equal(first.pagination.more, true);
  const second = (await (await ask('app_label=blog&model_name=post&field_name=author&term=ann&page=2')).json()) as { results: unknown[]; pagination: { more: boolean } };
  assert.equal(second.results.length, 6);
  assert.equal(second.pagination.more, false);
  // Not a relation, an unknown model: refused.
  for (const bad of ['app_label=blog&model_name=post&field_name=title', 'app_label=blog&model_name=nope&field_name=author', 'model_name=post']) {
    assert.equal((await ask(bad)).status, 403, bad);
  }
  assert.equal((await ask('app_label=blog&model_name=comment&field_name=post&term=welcome')).status, 200);
  assert.equal((await TestClient.inProcess(app).get('/admin/autocomplete/?app_label=blog&model_name=post&field_name=author')).status, 302);
});
