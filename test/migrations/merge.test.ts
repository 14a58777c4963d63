/**
 * Two migrations of one app made apart (on two branches) both follow the same one: makemigrations
 * says so rather than "No changes detected", and `--merge` writes a migration of no operations
 * that follows both, after which the app has one latest migration again (Django's --merge).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fields as f, model } from '../../src/index.ts';
import { addField, createModel, MigrationGraph, MigrationProject, nonInteractive, type Migration } from '../../src/migrations/index.ts';
import { ModelRegistry } from '../../src/orm/index.ts';

const base: Migration[] = [
  { app: 'br', name: '0001_initial', dependencies: [], operations: [createModel('br.Item', { name: f.char({ maxLength: 10 }) })] },
  { app: 'br', name: '0002_size', dependencies: [['br', '0001_initial']], operations: [addField('br.Item', 'size', f.integer({ null: true }))] },
  { app: 'br', name: '0002_colour', dependencies: [['br', '0001_initial']], operations: [addField('br.Item', 'colour', f.char({ maxLength: 10, null: true }))] },
];

test('two branches of an app are a conflict that makemigrations names, and --merge joins them', async () => {
  // The models are what both branches together make: no change is pending, and still the branch is named.
  const registry = new ModelRegistry();
  model('br.Item', { name: f.char({ maxLength: 10 }), size: f.integer({ null: true }), colour: f.char({ maxLength: 10, null: true }) }, {}, registry);
  const project = MigrationProject.of(base, registry.all());
  await assert.rejects(project.makeMigrations({ questioner: nonInteractive }), /Conflicting migrations in app 'br': 0002_(size|colour) and 0002_(size|colour)[\s\S]*makemigrations --merge/);
  const [merge, ...more] = project.mergeMigrations();
  assert.equal(more.length, 0);
  assert.equal(merge!.name, '0003_merge_0002_colour_0002_size');
  assert.deepEqual([...merge!.dependencies].map((d) => d[1]).sort(), ['0002_colour', '0002_size']);
  assert.deepEqual(merge!.operations, []);
  const joined = new MigrationGraph([...base, { ...merge!, dependencies: [...merge!.dependencies] }]);
  assert.equal(joined.leaf('br')?.name, '0003_merge_0002_colour_0002_size');
  assert.deepEqual(MigrationProject.of([...base.slice(0, 2)]).mergeMigrations(), [], 'nothing to merge without a branch');
  assert.throws(() => project.mergeMigrations(['nosuchapp']), /No app 'nosuchapp'/);
});
