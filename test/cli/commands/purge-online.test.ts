// @backends: sqlite-only
/**
 * `trove purge --online` queues one online purge per due deletion, and `trove worker` carries
 * them out; one it cannot take (its model is gone) is left in the trash with why, and the others
 * are still queued.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { makeProject, trove } from '../../support/cli.ts';

const project = makeProject();
before(async () => {
  const migrated = await trove(['migrate'], { cwd: project.dir });
  assert.equal(migrated.code, 0, migrated.stderr);
});
after(() => project.cleanup());

test('trove purge --online: a due deletion of a model no longer defined does not stop the others being queued', async () => {
  const setup = await trove(['shell'], { cwd: project.dir, input: [
    "const a = await Author.objects.create({ name: 'a', email: 'a@example.com' });",
    "const t = await Tag.objects.create({ name: 't' });",
    "const p = await Post.objects.create({ title: 'p', author: a });",
    'await p.tags.add(t);',
    "await Comment.objects.create({ post: p, text: 'c' });",
    "await Deletion.objects.create({ id: '00000000-0000-4000-8000-000000000001', createdAt: new Date(Date.now() - 86400000), actor: null, reason: '', source: 'api', rootLabel: 'gone.Thing', rootPk: null, counts: { 'gone.Thing': 1 } });",
    'const d = await Post.objects.filter({ id: p.id }).delete();',
    "console.log('deletion', d.deletionId);",
  ].join('\n') + '\n' });
  assert.equal(setup.code, 0, setup.stderr);
  const real = /deletion (\S+)/.exec(setup.stdout)![1]!;
  const run = await trove(['purge', '--online', '--yes'], { cwd: project.dir });
  assert.match(run.stderr + run.stdout, /Left in the trash: deletion 00000000-0000-4000-8000-000000000001/, `exit ${run.code}\nstdout ${run.stdout}\nstderr ${run.stderr}`);
  assert.match(run.stdout, new RegExp(`queued: deletion ${real}`));
  const worked = await trove(['worker', '--once'], { cwd: project.dir });
  assert.equal(worked.code, 0, worked.stderr);
  const left = await trove(['shell'], { cwd: project.dir, input: "console.log('left', await Post.allObjects.count(), await Comment.allObjects.count(), (await Deletion.objects.get({ id: '" + real + "' })).state);\n" });
  assert.match(left.stdout, /left 0 0 purged/);
});

test('trove purge --online with one ordinary due deletion queues its purge', async () => {
  const setup = await trove(['shell'], { cwd: project.dir, input: [
    "await Deletion.objects.filter({ id: '00000000-0000-4000-8000-000000000001' }).delete();",
    "const a = await Author.objects.create({ name: 'b', email: 'b@example.com' });",
    "const p = await Post.objects.create({ title: 'q', author: a });",
    'const d = await Post.objects.filter({ id: p.id }).delete();',
    "console.log('deletion', d.deletionId);",
  ].join('\n') + '\n' });
  assert.equal(setup.code, 0, setup.stderr);
  const run = await trove(['purge', '--online', '--yes'], { cwd: project.dir });
  assert.equal(run.code, 0, `stdout ${run.stdout}\nstderr ${run.stderr}`);
  assert.match(run.stdout, /queued: deletion/);
});
