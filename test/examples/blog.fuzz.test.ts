// @backends: sqlite-only
/**
 * The blog's routes and its admin under random requests: methods, paths, query strings, form
 * bodies, cookies and headers, many with a logged-in user's or staff member's session cookie but
 * never its CSRF token. No answer is a 5xx, and no data changes.
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
/** Sessions come and go with any request; every other table holds data only a valid CSRF token may change. */
const CHANGING_TABLES = new Set(['trove_session']);

let db: Database;
before(async () => {
  db = await setupDatabase();
  await seedDemo();
  await seedDemoUsers();
});
after(() => db?.close());

async function snapshot(): Promise<string> {
  const database = getDatabase();
  const names = await database.execute<{ name: string }>(sql`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name`.compile(database.kysely));
  const tables: Record<string, unknown> = {};
  for (const { name } of names.rows) {
    if (!CHANGING_TABLES.has(name)) tables[name] = (await database.execute(sql`select * from ${sql.table(name)} order by 1`.compile(database.kysely))).rows;
  }
  assert.ok(Object.keys(tables).length >= 10, `the snapshot covers the project's tables: ${Object.keys(tables).join(', ')}`);
  return JSON.stringify(tables);
}

/** Session cookies of each demo user, logged in once, plus cookies that are not sessions. */
async function sessionCookies(): Promise<Record<string, string>> {
  const sessions: Record<string, string> = { none: '', malformed: 'trove_session=%E0%A4%A', forged: 'trove_session=abc.def' };
  for (const user of ['admin', 'editor', 'reader']) {
    const client = TestClient.inProcess(app);
    await client.login(user, user);
    sessions[user] = client.cookieHeader;
  }
  return sessions;
}

interface RandomRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  form: Record<string, string | string[]>;
  contentType: string | undefined;
  cookie: string;
  origin: string | undefined;
  csrfHeader: string | undefined;
}

async function send(r: RandomRequest, sessions: Record<string, string>): Promise<Response> {
  const query = new URLSearchParams(r.query).toString();
  const headers = new Headers();
  if (sessions[r.cookie]) headers.set('cookie', sessions[r.cookie]!);
  if (r.origin !== undefined) headers.set('origin', r.origin);
  if (r.csrfHeader !== undefined) headers.set('x-csrftoken', r.csrfHeader.replace(/[^\x20-\x7e]/g, ''));
  let body: string | undefined;
  if (r.method !== 'GET' && r.method !== 'HEAD') {
    const form = new URLSearchParams();
    for (const [key, value] of Object.entries(r.form)) for (const one of [value].flat()) form.append(key, one);
    body = form.toString();
    if (r.contentType !== undefined) headers.set('content-type', r.contentType);
  }
  const response = await app.request(`http://localhost${r.path}${query ? `?${query}` : ''}`, { method: r.method, headers, body });
  await response.arrayBuffer();
  return response;
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
  const sessions = await sessionCookies();
  const before = await snapshot();
  const statuses = new Map<number, number>();
  await fc.assert(
    fc.asyncProperty(requestArb, async (r) => {
      const response = await send(r, sessions);
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

// The admin: its routes with models that exist or not, changelist parameters (lookups allowed or
// not, search, ordering, pages, preserved filters), and the forms of its actions, edits, deletes,
// trash and password change, sent by anonymous users, a reader, the editor (some permissions) and
// the superuser. Every session is valid; no request carries the session's CSRF token.
const ADMIN_MODELS = ['blog/post', 'blog/author', 'blog/comment', 'blog/tag', 'auth/user', 'auth/group', 'admin/logentry', 'blog/nope', 'nope/post', 'blog/post_tags'];
const lookupName = fc.oneof(
  fc.constantFrom(
    'status', 'status__exact', 'title__icontains', 'id__in', 'id__gt', 'author', 'author__id__exact', 'author__isnull', 'author__email__startswith',
    'author__name', 'tags__name', 'tags__id__exact', 'comment__text__contains', 'password', 'author__user__password__startswith', 'createdAt__year',
    'createdAt__month', 'createdAt__gte', 'deletedAt__isnull', 'title__regex', 'id__range', 'pk', 'x__y__z', 'title__', '__', 'status__in',
  ),
  fc.string({ maxLength: 10 }),
);
const lookupValue = fc.oneof(text, fc.constantFrom('1', '1,2,3', '2026', '13', '0', '-1', 'True', 'False', 'draft', 'published', '2026-01-01', '.*', '(a+)+$'), fc.integer().map(String));
const ordering = fc.oneof(fc.array(fc.integer({ min: -12, max: 12 }), { maxLength: 4 }).map((parts) => parts.join('.')), text);
const changelistQuery = fc.tuple(
  fc.dictionary(lookupName, lookupValue, { maxKeys: 2 }),
  fc.record({ q: text, o: ordering, p: fc.oneof(fc.integer({ min: -2, max: 5 }).map(String), text), all: fc.constant(''), e: text, _popup: fc.constant('1'), _to_field: text }, { requiredKeys: [] })
    .chain((reserved) => fc.subarray(Object.keys(reserved), { maxLength: Math.min(2, Object.keys(reserved).length) }).map((keys) => Object.fromEntries(keys.map((key) => [key, reserved[key as keyof typeof reserved]!])))),
).map(([lookups, reserved]) => ({ ...lookups, ...reserved }));
const preservedFilters = changelistQuery.map((query) => ({ _changelist_filters: new URLSearchParams(query).toString() }));
const adminPath = fc.oneof(
  {
    arbitrary: fc.tuple(
      fc.constantFrom('/admin/', '/admin/login/', '/admin/logout/', '/admin/password_change/', '/admin/password_change/done/', '/admin/autocomplete/', '/admin/trash/', '/admin/trash/UUID/', '/admin/trash/UUID/restore/', '/admin/trash/UUID/purge/', '/admin/blog/', '/admin/nope/', '/admin/static/admin.css', '/admin/static/ID'),
      idArb,
      fc.uuid(),
    ).map(([template, value, uuid]) => template.replace('UUID', uuid).replace('ID', value)),
    weight: 2,
  },
  {
    arbitrary: fc.tuple(fc.constantFrom(...ADMIN_MODELS), fc.constantFrom('', 'add/', 'trash/', 'ID/', 'ID/change/', 'ID/delete/', 'ID/history/', 'ID/password/'), idArb)
      .map(([model, rest, id]) => `/admin/${model}/${rest.replace('ID', id)}`),
    weight: 6,
  },
);
const adminForm = fc.record({
  action: fc.constantFrom('delete_selected', 'restore_selected', 'purge_selected', 'nope', ''),
  _selected_action: fc.array(idArb, { maxLength: 4 }),
  select_across: fc.constantFrom('0', '1', 'x'),
  index: fc.constantFrom('0', '1', '-1', 'x'),
  post: fc.constantFrom('yes', 'no'),
  title: text,
  status: text,
  author: idArb,
  tags: fc.array(idArb, { maxLength: 3 }),
  _save: fc.constant(''),
  _continue: fc.constant(''),
  old_password: text,
  new_password1: text,
  new_password2: text,
  username: fc.constantFrom('admin', 'editor', 'reader', 'nobody'),
  password: fc.constantFrom('admin', 'editor', 'wrong', ''),
  next: text,
  csrfmiddlewaretoken: text,
}, { requiredKeys: [] });
const adminRequestArb: fc.Arbitrary<RandomRequest> = fc.record({
  method: fc.constantFrom('GET', 'GET', 'GET', 'GET', 'POST', 'POST', 'HEAD', 'PUT', 'DELETE'),
  path: adminPath,
  query: fc.oneof({ arbitrary: changelistQuery, weight: 3 }, { arbitrary: preservedFilters, weight: 1 }, { arbitrary: fc.dictionary(fc.constantFrom('next', 'term', 'app_label', 'model_name', 'field_name', 'q', 'page'), text, { maxKeys: 3 }), weight: 1 }),
  form: adminForm,
  contentType: fc.constantFrom('application/x-www-form-urlencoded', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'text/plain', undefined),
  cookie: fc.constantFrom('admin', 'admin', 'editor', 'editor', 'reader', 'none', 'forged'),
  origin: fc.constantFrom(undefined, undefined, 'http://localhost', 'https://evil.example', 'null'),
  csrfHeader: fc.option(text, { nil: undefined }),
});

test(`${RUNS} random requests to the admin: no 5xx, and no data changes without a valid CSRF token`, async () => {
  const sessions = await sessionCookies();
  const before = await snapshot();
  const statuses = new Map<number, number>();
  const staffPages = { admin: 0, editor: 0 };
  await fc.assert(
    fc.asyncProperty(adminRequestArb, async (r) => {
      const response = await send(r, sessions);
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      assert.ok(response.status < 500, `${r.method} ${r.path}?${new URLSearchParams(r.query)} as ${r.cookie} answered ${response.status}`);
      if (response.status === 200 && (r.cookie === 'admin' || r.cookie === 'editor') && r.path !== '/admin/login/') staffPages[r.cookie]++;
    }),
    { numRuns: RUNS },
  );
  assert.equal(await snapshot(), before, 'no data changed');
  // Staff sessions reached the admin's pages (not only the login page), and refusals happened.
  // About 1 request in 50 reaches a staff page for each account; the bound leaves room for chance.
  assert.ok(staffPages.admin > RUNS / 100 && staffPages.editor > RUNS / 100, JSON.stringify({ staffPages, statuses: [...statuses] }));
  for (const expected of [400, 403, 404]) assert.ok((statuses.get(expected) ?? 0) > 0, `some ${expected}: ${JSON.stringify([...statuses])}`);
});
