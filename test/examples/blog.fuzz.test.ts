// @backends: sqlite-only
/**
 * The blog's routes under random requests: methods, paths, query strings, form bodies, cookies
 * and headers, some with a logged-in admin's session cookie but never its CSRF token. No answer
 * is a 5xx, and no data changes.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { sql } from 'kysely';
import { getDatabase, type Database } from '../../src/index.ts';
import { createBlogApp } from '../../examples/blog/app.ts';
import { Comment, Post } from '../../examples/blog/models.ts';
import { seedDemo, seedDemoUsers } from '../../examples/blog/seed.ts';
import { CSRF_FIELD } from '../../src/web/index.ts';
import { setupDatabase } from '../support/database.ts';
import { TestClient } from '../support/web.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 3000);
/** Data that only a valid session and CSRF token may change (sessions themselves may come and go). */
const DATA_TABLES = ['blog_author', 'blog_tag', 'blog_post', 'blog_post_tags', 'blog_comment', 'trove_deletion', 'auth_user', 'auth_loginfailure'];

let db: Database;
before(async () => {
  db = await setupDatabase();
  await seedDemo();
  await seedDemoUsers();
});
after(() => db?.close());

async function snapshot(): Promise<string> {
  const database = getDatabase();
  const tables: Record<string, unknown> = {};
  for (const table of DATA_TABLES) tables[table] = (await database.execute(sql`select * from ${sql.table(table)} order by 1`.compile(database.kysely))).rows;
  return JSON.stringify(tables);
}

const app = createBlogApp({ secretKey: 'blog-fuzz-secret-key-long-enough' });

const segment = fc.oneof(
  fc.constantFrom('posts', 'login', 'logout', 'trash', 'static', 'delete', 'remove', 'restore', 'blog.css', '..', '.', '%2e%2e', '%2F', '%00', '', ' ', '%E0%A4%A', 'admin'),
  fc.integer({ min: -5, max: 12 }).map(String),
  fc.constantFrom('99999999999999999999', '1e3', '0x10', '١', 'NaN'),
  fc.uuid(),
  fc.string({ maxLength: 12 }).map(encodeURIComponent),
);
const idArb = fc.oneof({ arbitrary: fc.integer({ min: 1, max: 6 }).map(String), weight: 3 }, { arbitrary: segment, weight: 1 });
const pathArb = fc.oneof(
  // The blog's own routes with random values, mostly ids that exist.
  {
    arbitrary: fc.tuple(fc.constantFrom('/posts/', '/posts/ID/', '/posts/ID/delete/', '/posts/ID/remove/', '/trash/UUID/restore/', '/login/', '/logout/', '/static/blog.css', '/static/ID'), idArb, fc.uuid())
      .map(([template, value, uuid]) => template.replace('ID', value).replace('UUID', uuid)),
    weight: 4,
  },
  { arbitrary: fc.array(segment, { maxLength: 5 }).map((parts) => `/${parts.join('/')}`), weight: 1 },
  { arbitrary: fc.constantFrom('//evil.example', '/posts', '/posts/1', '/\\evil.example', '/posts/1/delete', '/'), weight: 1 },
);
const text = fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom('yes', '1', 'admin', 'true', '', '%', '\u0000', 'https://evil.example/', '/\t/evil.example/'));
const formArb = fc.dictionary(fc.constantFrom(CSRF_FIELD, 'post', 'username', 'password', 'next', 'reason', 'hard', 'action', 'title', 'x'), text, { maxKeys: 5 });
const requestArb = fc.record({
  method: fc.constantFrom('GET', 'GET', 'POST', 'POST', 'HEAD', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'),
  path: pathArb,
  query: fc.dictionary(fc.constantFrom('next', 'page', 'q', 'hard', 'o', 'p'), text, { maxKeys: 3 }),
  form: formArb,
  contentType: fc.constantFrom('application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'text/plain', 'application/json', undefined),
  cookie: fc.constantFrom('admin', 'reader', 'none', 'malformed', 'forged'),
  origin: fc.constantFrom(undefined, 'http://localhost', 'https://evil.example', 'null'),
  csrfHeader: fc.option(text, { nil: undefined }),
});

test(`${RUNS} random requests to the blog: no 5xx, and no data changes without a valid session and CSRF token`, async () => {
  const sessions: Record<string, string> = { none: '', malformed: 'trove_session=%E0%A4%A', forged: 'trove_session=abc.def' };
  for (const user of ['admin', 'reader']) {
    const client = TestClient.inProcess(app);
    await client.login(user, user);
    sessions[user] = client.cookieHeader;
  }
  const before = await snapshot();
  const statuses = new Map<number, number>();
  await fc.assert(
    fc.asyncProperty(requestArb, async (r) => {
      const query = new URLSearchParams(r.query).toString();
      const headers = new Headers();
      if (sessions[r.cookie]) headers.set('cookie', sessions[r.cookie]!);
      if (r.origin !== undefined) headers.set('origin', r.origin);
      if (r.csrfHeader !== undefined) headers.set('x-csrftoken', r.csrfHeader.replace(/[^\x20-\x7e]/g, ''));
      let body: string | undefined;
      if (r.method !== 'GET' && r.method !== 'HEAD') {
        body = new URLSearchParams(r.form).toString();
        if (r.contentType !== undefined) headers.set('content-type', r.contentType);
      }
      const response = await app.request(`http://localhost${r.path}${query ? `?${query}` : ''}`, { method: r.method, headers, body });
      await response.arrayBuffer();
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      assert.ok(response.status < 500, `${r.method} ${r.path} answered ${response.status}`);
    }),
    { numRuns: RUNS },
  );
  assert.equal(await snapshot(), before, 'no data changed');
  // The fuzzer reached the views, not only 404s.
  assert.ok((statuses.get(200) ?? 0) > RUNS / 20, JSON.stringify([...statuses]));
  assert.ok((statuses.get(403) ?? 0) > 0, JSON.stringify([...statuses]));
  assert.equal(await Post.objects.count(), 4);
  assert.ok((await Comment.objects.count()) > 0);
});
