/**
 * purge() and planPurgeDeletion() with operations that reach each other, where the other
 * operation's cascade reaches live rows of a soft-delete model: retention never takes them, and
 * a plan that takes them along says so.
 */
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CASCADE, Deletion, fields as f, model, purge, purgeDeletion, PurgeOverlapError } from '../../src/index.ts';
import { planPurgeDeletion } from '../../src/deletion/index.ts';
import { withSeededDatabase } from '../support/database.ts';

class Person extends model('purgelive.Person', { name: f.char({ maxLength: 30 }) }, { softDelete: true }) {}
class Story extends model('purgelive.Story', {
  title: f.char({ maxLength: 30 }),
  person: f.foreignKey(() => Person, { onDelete: CASCADE }),
}, { softDelete: true }) {}
class Remark extends model('purgelive.Remark', {
  story: f.foreignKey(() => Story, { onDelete: CASCADE }),
  person: f.foreignKey(() => Person, { onDelete: CASCADE }),
}, { softDelete: true }) {}
class Badge extends model('purgelive.Badge', {
  person: f.foreignKey(() => Person, { onDelete: CASCADE }),
}, { softDelete: true }) {}

const seeded = withSeededDatabase(async () => {
  const ann = await Person.objects.create({ name: 'ann' });
  const bob = await Person.objects.create({ name: 'bob' });
  const story = await Story.objects.create({ title: 's', person: bob });
  const remark = await Remark.objects.create({ story, person: ann });
  // op2: ann goes to the trash, with her remark (on bob's story).
  const op2 = (await ann.delete()).deletionId!;
  // A live badge is later given to the trashed person (its key is valid: the row exists).
  const badge = await Badge.objects.create({ person: ann });
  // op1: bob's story goes to the trash; its remark already is, with op2.
  const op1 = (await story.delete()).deletionId!;
  const old = new Date(Date.now() - 40 * 86_400_000);
  await Deletion.objects.filter({ id: op1 }).update({ createdAt: old });
  await Deletion.objects.filter({ id: op2 }).update({ createdAt: new Date(old.getTime() - 1000) });
  return { ann, bob, story, remark, badge, op1, op2 };
});

test('sanity: purging op2 alone is refused because it reaches a live badge', async () => {
  const { op2 } = seeded();
  await assert.rejects(purgeDeletion(op2), PurgeOverlapError);
  assert.equal(Object.keys((await planPurgeDeletion(op2)).live).length, 1);
});

test('retention purge() never deletes live rows: an operation reaching beyond what is due is skipped', async () => {
  const { badge } = seeded();
  const result = await purge({ olderThan: '30d' });
  // Documented: "one that would reach beyond what is due is left and reported in skipped".
  assert.equal(await Badge.objects.filter({ id: badge.id }).exists(), true, `the live badge was deleted for good by purge(); purged ${JSON.stringify(result.deletions)}, skipped ${JSON.stringify(result.skipped)}`);
  assert.ok(!(result.skipped ?? []).some((s) => result.deletions.includes(s.deletionId)), `an operation is reported both skipped and purged: ${JSON.stringify(result)}`);
});

test('planPurgeDeletion(id, { overlapping: "purge" }) names the live rows the purge will take', async () => {
  const { op1 } = seeded();
  const plan = await planPurgeDeletion(op1, { overlapping: 'purge' });
  assert.equal(plan.byModel['purgelive.Badge'], 1, 'the plan takes the live badge');
  assert.deepEqual(plan.live, { 'purgelive.Badge': 1 }, `the plan hides the live badge it takes: live = ${JSON.stringify(plan.live)}`);
});

test('retention purge() leaves alone, and reports, an operation whose rows belong to a model no longer defined', async () => {
  const { op1 } = seeded();
  const gone = await Deletion.objects.create({
    id: randomUUID(), createdAt: new Date(Date.now() - 50 * 86_400_000), actor: null, reason: '', source: 'api',
    rootLabel: 'removed.Model', rootPk: '1', counts: { 'removed.Model': 3 },
  });
  const result = await purge({ olderThan: '30d' });
  assert.deepEqual(result.skipped?.find((s) => s.deletionId === gone.id)?.reason, 'its rows belong to removed.Model, which no model defines now');
  assert.equal((await Deletion.objects.get({ id: gone.id })).state, 'active');
  assert.ok(result.skipped?.some((s) => s.deletionId === op1), 'the other operations were still considered');
});
