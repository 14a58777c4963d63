/**
 * `trove dumpdata` then `trove loaddata` into an empty database gives back every row: the trash,
 * many-to-many links, users and the deletion records included. Run on every database.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import Sqlite from 'better-sqlite3';
import { join } from 'node:path';
import { connect, Deletion, type Database } from '../../../src/index.ts';
import { User } from '../../../src/auth/index.ts';
import '../../../src/web/index.ts';
import { Author, Post, Tag } from '../../../examples/blog/models.ts';
import { seedDemo, seedDemoUsers } from '../../../examples/blog/seed.ts';
import { BACKEND, TEST_DATABASE_URL, setupDatabase } from '../../support/database.ts';
import { makeProject, root, trove } from '../../support/cli.ts';

const project = makeProject();
const url = BACKEND === 'sqlite' ? `sqlite:${join(project.dir, 'db.sqlite3')}` : TEST_DATABASE_URL;
let db: Database;
const run = (args: string[], input?: string) => trove(args, { cwd: project.dir, env: { DATABASE_URL: url }, ...(input === undefined ? {} : { input }) });

/**
 * Every row of every table, in key order: what "reproduces every row" compares. Links of
 * many-to-many fields are compared by the pair they join: as in Django's fixtures, their own
 * ids are not part of the data.
 */
async function snapshot(): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const table of ['blog_author', 'blog_tag', 'blog_post', 'blog_comment', 'auth_user', 'auth_permission', 'trove_deletion']) {
    out[table] = (await db.kysely.selectFrom(table).selectAll().orderBy('id').execute()).map((row) => JSON.parse(JSON.stringify(row)));
  }
  for (const [table, a, b] of [['blog_post_tags', 'post_id', 'tag_id'], ['auth_user_user_permissions', 'user_id', 'permission_id']] as const) {
    out[table] = (await db.kysely.selectFrom(table).select([a, b]).orderBy(a).orderBy(b).execute()).map((row) => JSON.parse(JSON.stringify(row)));
  }
  return out;
}

before(async () => {
  db = BACKEND === 'sqlite' ? await connect(url) : await setupDatabase();
  await db.createTables();
  await seedDemo();
  await seedDemoUsers();
  // Some rows in the trash, and an operation record, must survive the round trip too.
  await (await Post.objects.get({ title: 'Welcome to Trove' })).delete({ actor: 'ann', reason: 'backup test' });
});
after(async () => {
  await db.close();
  project.cleanup();
});

test('dumpdata then loaddata into an empty database reproduces every row', async () => {
  const before = await snapshot();
  const file = join(project.dir, 'backup.json');
  const dumped = await run(['dumpdata', '--output', file]);
  assert.equal(dumped.code, 0, dumped.stderr);
  assert.match(dumped.stderr, /Wrote \d+ objects to .*backup\.json\./);
  assert.equal(existsSync(`${file}.partial`), false, 'written aside, then renamed');
  const objects = JSON.parse(readFileSync(file, 'utf8')) as { model: string; pk: unknown; fields: Record<string, unknown> }[];
  const welcome = objects.find((o) => o.model === 'blog.post' && o.fields.title === 'Welcome to Trove')!;
  assert.ok(welcome.fields.deletedAt !== null, 'the trash is dumped');
  assert.deepEqual(welcome.fields.tags, [1]);
  assert.equal(typeof welcome.fields.author, 'number');

  await db.flush();
  assert.equal(await Post.allObjects.count(), 0);
  const loaded = await run(['loaddata', file]);
  assert.equal(loaded.code, 0, loaded.stderr);
  assert.match(loaded.stdout, /^Installed \d+ objects from 1 fixture: /);
  assert.deepEqual(await snapshot(), before);
  assert.equal(await Deletion.objects.count(), 1);
  assert.ok(await ((await User.objects.get({ username: 'admin' })) as User).checkPassword('admin'));

  // Keys continue after the loaded ones (PostgreSQL's sequences are moved past them).
  const next = await Author.objects.create({ name: 'Cy', email: 'cy@example.com' });
  assert.ok(next.id > Math.max(...before.blog_author!.map((a) => (a as { id: number }).id)));
  await next.hardDelete();

  // Loading again updates in place: nothing doubles.
  assert.equal((await run(['loaddata', file])).code, 0);
  assert.equal(await Tag.objects.count(), 2);
  assert.deepEqual(await snapshot(), before);
});

test('dumpdata names models and writes to standard output; a bad fixture loads nothing', async () => {
  const dumped = await run(['dumpdata', 'blog.Tag', 'blog.author']);
  assert.equal(dumped.code, 0, dumped.stderr);
  const objects = JSON.parse(dumped.stdout) as { model: string }[];
  assert.deepEqual([...new Set(objects.map((o) => o.model))], ['blog.tag', 'blog.author']);
  const nowhere = await run(['dumpdata', '-o', join(project.dir, 'no-such-folder', 'x.json')]);
  assert.equal(nowhere.code, 1);
  assert.match(nowhere.stderr, /^trove dumpdata: Error: ENOENT: no such file or directory/);
  const bad = join(project.dir, 'bad.json');
  writeFileSync(bad, JSON.stringify([{ model: 'blog.tag', pk: 50, fields: { name: 'fresh' } }, { model: 'blog.tag', pk: 51, fields: { nmae: 'typo' } }]));
  const refused = await run(['loaddata', bad]);
  assert.equal(refused.code, 1);
  assert.equal(refused.stdout, "Error: object 2 (blog.tag 51): Tag has no field 'nmae'. Nothing was loaded.\n");
  assert.equal(await Tag.objects.filter({ id: 50 }).exists(), false);
});

test('the blog ships demo data that loads into a fresh project', { skip: BACKEND !== 'sqlite' && 'once, on SQLite' }, async () => {
  const fresh = makeProject();
  try {
    assert.equal((await trove(['migrate'], { cwd: fresh.dir })).code, 0);
    const loaded = await trove(['loaddata', join(root, 'examples', 'blog', 'fixtures', 'demo.json')], { cwd: fresh.dir });
    assert.equal(loaded.code, 0, loaded.stderr);
    assert.match(loaded.stdout, /blog\.Post 4/);
  } finally {
    fresh.cleanup();
  }
});

test('a dump cut short leaves no file behind, not even a partial one', { skip: BACKEND !== 'sqlite' && 'once, on SQLite' }, async () => {
  const broken = makeProject();
  try {
    assert.equal((await trove(['migrate'], { cwd: broken.dir })).code, 0);
    assert.equal((await trove(['loaddata', join(root, 'examples', 'blog', 'fixtures', 'demo.json')], { cwd: broken.dir })).code, 0);
    // A deletion record whose counts are not JSON: permissions are written before it is read,
    // so the dump fails half-way.
    const sqlite = new Sqlite(join(broken.dir, 'db.sqlite3'));
    sqlite.prepare("insert into trove_deletion (id, created_at, actor, reason, source, root_label, root_pk, counts, state) values (?, ?, null, '', 'api', 'blog.Post', '1', '{broken', 'active')")
      .run('00000000-0000-0000-0000-000000000001', new Date().toISOString());
    sqlite.close();
    const file = join(broken.dir, 'backup.json');
    const dumped = await trove(['dumpdata', '-o', file], { cwd: broken.dir });
    assert.equal(dumped.code, 1);
    assert.match(dumped.stderr, /^trove dumpdata: SyntaxError: /m);
    assert.equal(existsSync(file), false);
    assert.equal(existsSync(`${file}.partial`), false);
  } finally {
    broken.cleanup();
  }
});
