/**
 * A model's life: each change made with makemigrations and applied with migrate on the database
 * under test, the rows compared before and after, then every migration undone back to zero.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CASCADE, connect, fields as f, model, type Database } from '../../src/index.ts';
import type { ModelRegistry } from '../../src/orm/index.ts';
import { TEST_DATABASE_URL } from '../support/database.ts';
import { MigrationScenario } from '../support/migrations.ts';

let db: Database;
let scenario: MigrationScenario;

before(async () => {
  db = await connect(TEST_DATABASE_URL);
  await db.createTables(); // Trove's own tables: the trash's records
  scenario = new MigrationScenario(db, 'mig');
  await scenario.cleanup();
  scenario = new MigrationScenario(db, 'mig');
});
after(async () => {
  await scenario.cleanup();
  await db.close();
});

/** The models at each step; each step changes one thing of the one before. */
interface Shape {
  postTitleLength: number;
  bodyName: 'body' | 'content';
  summary: boolean;
  authorNameNull: boolean;
  comment: boolean;
  softDelete: boolean;
  slug: boolean;
  tags: boolean;
}

function defineModels(shape: Shape) {
  return (registry: ModelRegistry) => {
    model('mig.Author', {
      name: f.char({ maxLength: 100, ...(shape.authorNameNull ? { null: true } : {}) }),
      ...(shape.slug ? { slug: f.char({ maxLength: 50, null: true, unique: true }) } : {}),
    }, {}, registry);
    if (shape.tags) model('mig.Tag', { name: f.char({ maxLength: 30 }) }, {}, registry);
    model('mig.Post', {
      title: f.char({ maxLength: shape.postTitleLength }),
      [shape.bodyName]: f.text({ default: '', ...(shape.bodyName === 'content' ? { renamedFrom: 'body' } : {}) }),
      ...(shape.summary ? { summary: f.char({ maxLength: 100, default: 'none' }) } : {}),
      author: f.foreignKey('mig.Author', { onDelete: CASCADE, relatedName: 'posts' }),
      ...(shape.tags ? { tags: f.manyToMany('mig.Tag', { relatedName: 'posts' }) } : {}),
    }, shape.softDelete ? { softDelete: true } : {}, registry);
    if (shape.comment) model('mig.Comment', { text: f.text(), post: f.foreignKey('mig.Post', { onDelete: CASCADE }) }, {}, registry);
  };
}

const start: Shape = { postTitleLength: 200, bodyName: 'body', summary: false, authorNameNull: false, comment: false, softDelete: false, slug: false, tags: false };
const steps: Array<{ change: Partial<Shape>; expect: string[] }> = [
  { change: { summary: true }, expect: ['Add field summary to mig.Post'] },
  { change: { bodyName: 'content' }, expect: ['Rename field body on mig.Post to content'] },
  { change: { postTitleLength: 300, authorNameNull: true }, expect: ['Alter field name on mig.Author', 'Alter field title on mig.Post'] },
  { change: { comment: true }, expect: ['Create model mig.Comment'] },
  { change: { softDelete: true }, expect: ['Turn on soft delete for mig.Post'] },
  { change: { slug: true }, expect: ['Add field slug to mig.Author'] },
  { change: { tags: true }, expect: ['Create model mig.Tag', 'Add field tags to mig.Post'] },
  { change: { summary: false }, expect: ['Remove field summary from mig.Post'] },
];

type Rows = Array<Record<string, unknown>>;
const snapshots: Array<{ name: string; authors: Rows; posts: Rows }> = [];

async function snapshot(name: string) {
  snapshots.push({ name, authors: await scenario.rows('mig_author'), posts: await scenario.rows('mig_post') });
}

/** The values of the columns both snapshots have (`renamed`: column before -> after) are the same. */
function assertKept(before: Rows, after: Rows, renamed: Record<string, string> = {}, skip: string[] = []) {
  assert.equal(after.length, before.length, 'the same rows');
  before.forEach((row, i) => {
    for (const [column, value] of Object.entries(row)) {
      const now = renamed[column] ?? column;
      if (skip.includes(column) || !(now in after[i]!)) continue;
      assert.deepEqual(after[i]![now], value, `row ${row.id}, ${column} -> ${now}`);
    }
  });
}

test('each model change is made by makemigrations, applied with its data kept, and undone back to zero', async () => {
  let shape = start;
  scenario.define(defineModels(shape));
  const initial = await scenario.makemigrations();
  assert.equal(initial?.name, '0001_initial');
  await scenario.migrate();
  await db.kysely.insertInto('mig_author').values([{ name: 'Ann' }, { name: 'Bob' }]).execute();
  await db.kysely.insertInto('mig_post').values([
    { title: 'First', body: 'one', author_id: 1 },
    { title: 'Second', body: 'two', author_id: 1 },
    { title: 'Third', body: "it's \\ three", author_id: 2 },
  ]).execute();
  await snapshot(initial!.name);

  for (const step of steps) {
    const before = snapshots.at(-1)!;
    shape = { ...shape, ...step.change };
    scenario.define(defineModels(shape));
    const made = await scenario.makemigrations();
    assert.ok(made, `a migration for ${JSON.stringify(step.change)}`);
    assert.deepEqual(made.operations.map((o) => o.describe()).sort(), [...step.expect].sort());
    await scenario.migrate();
    assert.equal(await scenario.makemigrations(), undefined, 'nothing left to migrate');
    await snapshot(made.name);
    const now = snapshots.at(-1)!;
    assertKept(before.authors, now.authors);
    assertKept(before.posts, now.posts, step.change.bodyName === 'content' ? { body: 'content' } : {});
    if (step.change.summary === true) assert.deepEqual(now.posts.map((p) => p.summary), ['none', 'none', 'none']);
    if (step.change.bodyName === 'content') assert.deepEqual(now.posts.map((p) => p.content), ['one', 'two', "it's \\ three"]);
  }

  // The models work on the migrated tables, through the ORM.
  const models = (await scenario.project()).executor(db).editor.render((await scenario.project()).finalState()).registry;
  const Post = models.get('mig.Post').modelClass;
  const Tag = models.get('mig.Tag').modelClass;
  const post = await Post.objects.get({ title: 'First' });
  const tag = await Tag.objects.create({ name: 'news' });
  await post.tags.add(tag);
  assert.deepEqual((await post.tags.all()).map((t: { name: string }) => t.name), ['news']);
  await Post.objects.create({ title: 'Fourth', content: 'four', authorId: 2 });
  const removed = await post.delete();
  assert.ok(removed.deletionId, 'a soft delete, as the model now says');
  await post.restore();
  await Post.objects.filter({ title: 'Fourth' }).hardDelete();
  await db.kysely.deleteFrom('mig_post_tags').execute();
  await Tag.objects.all().delete();

  // Undo, one migration at a time: what each step left is there again.
  for (let i = snapshots.length - 2; i >= 0; i--) {
    const target = snapshots[i]!;
    await scenario.migrate(target.name.slice(0, 4));
    const authors = await scenario.rows('mig_author');
    const posts = await scenario.rows('mig_post');
    assert.deepEqual(await scenario.columns('mig_post'), Object.keys(target.posts[0]!).sort(), `mig_post's columns at ${target.name}`);
    assertKept(target.authors, authors);
    // A removed column comes back empty when its removal is undone.
    assertKept(target.posts, posts, {}, snapshots.at(-1)!.posts[0]!.summary === undefined && 'summary' in target.posts[0]! ? ['summary'] : []);
  }
  await scenario.migrate('zero');
  assert.deepEqual(await scenario.tables(), []);
});
