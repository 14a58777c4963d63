// @backends: sqlite-only
/**
 * What makemigrations decides from the models alone: renames said with renamedFrom or refused
 * when ambiguous, models pointing at each other in a circle, values for rows that exist.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { after, test } from 'node:test';
import { CASCADE, connect, fields as f, model, SET_NULL } from '../../src/index.ts';
import { AmbiguousChangeError, detectChanges, MigrationProject, nonInteractive, ProjectState, type Questioner } from '../../src/migrations/index.ts';
import { Imports } from '../../src/migrations/source.ts';
import { ModelRegistry } from '../../src/orm/index.ts';
import { MigrationScenario } from '../support/migrations.ts';

const db = await connect('sqlite::memory:');
after(() => db.close());

function registryOf(define: (registry: ModelRegistry) => void): ModelRegistry {
  const registry = new ModelRegistry();
  define(registry);
  return registry;
}

async function detect(before: ModelRegistry, now: ModelRegistry, questioner: Questioner = nonInteractive) {
  const changes = await detectChanges(ProjectState.of(before.all()), ProjectState.of(now.all()), { models: new Map(now.all().map((m) => [m.label, m])), questioner });
  return [...changes.operations.values()].flat().map((o) => o.describe());
}

const answering = (rename: boolean, fill: unknown = 'x'): Questioner => ({ askRename: async () => rename, askFill: async () => fill });

test('a field removed and another of its kind added is a question; without a terminal, an error naming both', async () => {
  const before = registryOf((r) => model('auto.Post', { body: f.text() }, {}, r));
  const now = registryOf((r) => model('auto.Post', { content: f.text() }, {}, r));
  await assert.rejects(detect(before, now), (error: Error) => {
    assert.ok(error instanceof AmbiguousChangeError);
    assert.match(error.message, /auto\.Post: field 'body' was removed and 'content' added, both text fields/);
    assert.match(error.message, /renamedFrom: 'body'/);
    return true;
  });
  assert.deepEqual(await detect(before, now, answering(true)), ['Rename field body on auto.Post to content']);
  assert.deepEqual(await detect(before, now, answering(false)), ['Add field content to auto.Post', 'Remove field body from auto.Post']);
  // Fields of different kinds are no question.
  const other = registryOf((r) => model('auto.Post', { views: f.integer({ null: true }) }, {}, r));
  assert.deepEqual(await detect(before, other), ['Add field views to auto.Post', 'Remove field body from auto.Post']);
});

test('renamedFrom renames a field or a model without asking, and a changed definition comes after', async () => {
  const before = registryOf((r) => model('auto.Article', { body: f.char({ maxLength: 10 }) }, {}, r));
  const now = registryOf((r) => model('auto.Post', { content: f.char({ maxLength: 20, renamedFrom: 'body' }) }, { renamedFrom: 'Article' }, r));
  assert.deepEqual(await detect(before, now), ['Rename model auto.Article to auto.Post', 'Rename field body on auto.Post to content', 'Alter field content on auto.Post']);
});

test('a NOT NULL field without a default needs a value for the rows that exist', async () => {
  const before = registryOf((r) => model('auto.Post', { title: f.char({ maxLength: 10 }) }, {}, r));
  const now = registryOf((r) => model('auto.Post', { title: f.char({ maxLength: 10 }), rank: f.integer() }, {}, r));
  await assert.rejects(detect(before, now), /auto\.Post\.rank is new and NOT NULL without a default, and rows that exist need a value/);
  const withDefault = registryOf((r) => model('auto.Post', { title: f.char({ maxLength: 10 }), rank: f.integer({ default: () => 7 }) }, {}, r));
  const changes = await detectChanges(ProjectState.of(before.all()), ProjectState.of(withDefault.all()), { models: new Map(withDefault.all().map((m) => [m.label, m])), questioner: nonInteractive });
  const source = changes.operations.get('auto')![0]!.toSource(new Imports(), '');
  assert.equal(source, "addField('auto.Post', 'rank', f.integer(), { fill: 7 })", 'the default is what old rows get; the field keeps no default in the file');
});

test('models that point at each other are created, then the link that closes the circle is added', async () => {
  const now = registryOf((r) => {
    model('auto.Author', { favourite: f.foreignKey('auto.Book', { onDelete: SET_NULL, null: true }) }, {}, r);
    model('auto.Book', { author: f.foreignKey('auto.Author', { onDelete: CASCADE }) }, {}, r);
  });
  const ops = await detect(new ModelRegistry(), now);
  assert.deepEqual(ops, ['Create model auto.Author', 'Create model auto.Book', 'Add field favourite to auto.Author']);
  // And the migration applies.
  const scenario = new MigrationScenario(db, 'auto');
  try {
    scenario.define((r) => {
      model('auto.Author', { favourite: f.foreignKey('auto.Book', { onDelete: SET_NULL, null: true }) }, {}, r);
      model('auto.Book', { author: f.foreignKey('auto.Author', { onDelete: CASCADE }) }, {}, r);
    });
    await scenario.makemigrations();
    await scenario.migrate();
    assert.deepEqual(await scenario.tables(), ['auto_author', 'auto_book']);
  } finally {
    await scenario.cleanup();
  }
});

test('an ambiguous change writes nothing', async () => {
  const scenario = new MigrationScenario(db, 'quiet');
  try {
    scenario.define((r) => model('quiet.Note', { body: f.text() }, {}, r));
    await scenario.makemigrations();
    scenario.define((r) => model('quiet.Note', { text: f.text() }, {}, r));
    await assert.rejects(scenario.makemigrations(), AmbiguousChangeError);
    assert.deepEqual(readdirSync(scenario.folder), ['0001_initial.ts']);
  } finally {
    await scenario.cleanup();
  }
  assert.equal(existsSync(scenario.folder), false);
});

test("a new migration depends on the other apps' migrations that make the models it points at", async () => {
  const registry = registryOf((r) => {
    model('crossb.Shelf', { name: f.char({ maxLength: 20 }) }, {}, r);
    model('crossa.Book', { shelf: f.foreignKey('crossb.Shelf', { onDelete: CASCADE }) }, {}, r);
  });
  const project = await MigrationProject.load([{ label: 'crossa', folder: '/nonexistent/a' }, { label: 'crossb', folder: '/nonexistent/b' }], registry.all());
  const made = await project.makeMigrations({ apps: ['crossa', 'crossb'], questioner: nonInteractive });
  assert.deepEqual(made.map((m) => [m.app, m.name, m.dependencies]), [
    ['crossb', '0001_initial', []],
    ['crossa', '0001_initial', [['crossb', '0001_initial']]],
  ]);
});

test('a migration name the loader would never read is refused', async () => {
  const scenario = new MigrationScenario(db, 'named');
  try {
    scenario.define((r) => model('named.Note', { body: f.text() }, {}, r));
    await assert.rejects(scenario.makemigrations({ name: 'post summary' }), /letters, digits and underscores .*got 'post summary'/);
    assert.deepEqual(readdirSync(scenario.folder), []);
  } finally {
    await scenario.cleanup();
  }
});

test('a blank text field added to rows that exist gets the empty string, and nobody is asked (as in Django)', async () => {
  const before = registryOf((r) => model('auto.Post', { title: f.char({ maxLength: 10 }) }, {}, r));
  const now = registryOf((r) => model('auto.Post', { title: f.char({ maxLength: 10 }), subtitle: f.char({ maxLength: 10, blank: true }), body: f.text({ blank: true }) }, {}, r));
  const changes = await detectChanges(ProjectState.of(before.all()), ProjectState.of(now.all()), { models: new Map(now.all().map((m) => [m.label, m])), questioner: nonInteractive });
  const sources = changes.operations.get('auto')!.map((o) => o.toSource(new Imports(), ''));
  // `blank` is validation, which migrations do not keep.
  assert.deepEqual(sources.sort(), ["addField('auto.Post', 'body', f.text(), { fill: '' })", "addField('auto.Post', 'subtitle', f.char({ maxLength: 10 }), { fill: '' })"]);
  // Not blank, or not text: still a question.
  const notBlank = registryOf((r) => model('auto.Post', { title: f.char({ maxLength: 10 }), subtitle: f.char({ maxLength: 10 }) }, {}, r));
  await assert.rejects(detect(before, notBlank), /subtitle is new and NOT NULL without a default/);
});

test('a many-to-many that becomes a plain field is removed and added again, and the rows that exist get a value', async () => {
  const before = registryOf((r) => {
    model('auto.Tag', { name: f.char({ maxLength: 10 }) }, {}, r);
    model('auto.Post', { tags: f.manyToMany('auto.Tag') }, {}, r);
  });
  const now = registryOf((r) => {
    model('auto.Tag', { name: f.char({ maxLength: 10 }) }, {}, r);
    model('auto.Post', { tags: f.char({ maxLength: 50 }) }, {}, r);
  });
  await assert.rejects(detect(before, now), /auto\.Post\.tags is new and NOT NULL without a default/);
  assert.deepEqual(await detect(before, now, answering(false, 'none')), ['Remove field tags from auto.Post', 'Add field tags to auto.Post']);
  // And back: the column goes, the link table comes.
  assert.deepEqual(await detect(now, before), ['Remove field tags from auto.Post', 'Add field tags to auto.Post']);
});

test('a foreign key to another model is never offered as a rename, and a field becoming NOT NULL asks what its NULLs become', async () => {
  const asked: string[] = [];
  const recording: Questioner = { askRename: async (question) => { asked.push(question); return true; }, askFill: async (label, name) => { asked.push(`fill ${label}.${name}`); return 3; } };
  const before = registryOf((r) => {
    model('auto.Author', { name: f.char({ maxLength: 10 }) }, {}, r);
    model('auto.Editor', { name: f.char({ maxLength: 10 }) }, {}, r);
    model('auto.Post', { author: f.foreignKey('auto.Author', { onDelete: CASCADE }), rank: f.integer({ null: true }) }, {}, r);
  });
  const now = registryOf((r) => {
    model('auto.Author', { name: f.char({ maxLength: 10 }) }, {}, r);
    model('auto.Editor', { name: f.char({ maxLength: 10 }) }, {}, r);
    // Answering "renamed" here would keep author ids in a column that now names editors.
    model('auto.Post', { editor: f.foreignKey('auto.Editor', { onDelete: CASCADE, null: true }), rank: f.integer() }, {}, r);
  });
  const changes = await detect(before, now, recording);
  assert.deepEqual(changes, ['Add field editor to auto.Post', 'Alter field rank on auto.Post', 'Remove field author from auto.Post']);
  assert.deepEqual(asked, ['fill auto.Post.rank'], 'no rename offered; the NULLs of rank need a value');
});

test('a many-to-many that gains, loses or changes its through model is refused: its links would be lost', async () => {
  const define = (through?: string) => registryOf((r) => {
    model('auto.Tag', { name: f.char({ maxLength: 10 }) }, {}, r);
    model('auto.Post', { tags: f.manyToMany('auto.Tag', through === undefined ? {} : { through }) }, {}, r);
    model('auto.PostTag', { post: f.foreignKey('auto.Post', { onDelete: CASCADE }), tag: f.foreignKey('auto.Tag', { onDelete: CASCADE }) }, {}, r);
  });
  await assert.rejects(detect(define(), define('auto.PostTag')), /auto\.Post\.tags: a many-to-many cannot change its through model \(its own link table to auto\.PostTag\)/);
  await assert.rejects(detect(define('auto.PostTag'), define()), /cannot change its through model \(auto\.PostTag to its own link table\)/);
});

test('a model renamed onto the name of a model that is dropped is refused; a stale renamedFrom is ignored', async () => {
  const before = registryOf((r) => {
    model('auto.Ant', { name: f.char({ maxLength: 10 }) }, {}, r);
    model('auto.Bee', { size: f.integer() }, {}, r);
  });
  const onto = registryOf((r) => model('auto.Bee', { name: f.char({ maxLength: 10 }) }, { renamedFrom: 'Ant' }, r));
  await assert.rejects(detect(before, onto), /auto\.Bee says renamedFrom: 'Ant', but auto\.Bee is already in the migrations/);
  const stale = registryOf((r) => {
    model('auto.Ant', { name: f.char({ maxLength: 10 }) }, {}, r);
    model('auto.Bee', { size: f.integer() }, { renamedFrom: 'Ant' }, r);
  });
  assert.deepEqual(await detect(before, stale), []);
});
