/**
 * Many-to-many remove(), clear() and set() with an explicit through model unlink through the
 * deletion engine, as Django's do: what refers to a link row follows its on_delete rule,
 * receivers hear of it, and a through model with a trash keeps the link rows there, where they
 * link nothing (not in the relation, not in filters across it) until restored.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CASCADE, Deletion, fields as f, model, restoreDeletion, signals } from '../../../src/index.ts';
import { withSeededDatabase } from '../../support/database.ts';

class Club extends model('links.Club', {
  name: f.char({ maxLength: 30 }),
  members: f.manyToMany(() => Member, { through: 'links.Membership', relatedName: 'clubs' }),
}) {}
class Member extends model('links.Member', { name: f.char({ maxLength: 30 }) }) {}
class Membership extends model('links.Membership', {
  club: f.foreignKey(() => Club, { onDelete: CASCADE }),
  member: f.foreignKey(() => Member, { onDelete: CASCADE }),
}, { softDelete: true }) {}
/** Dues paid under a membership go with it. */
class Due extends model('links.Due', { membership: f.foreignKey(() => Membership, { onDelete: CASCADE }), amount: f.integer() }, { softDelete: true }) {}

const seeded = withSeededDatabase(async () => {
  const club = await Club.objects.create({ name: 'chess' });
  const ann = await Member.objects.create({ name: 'ann' });
  const bob = await Member.objects.create({ name: 'bob' });
  const annship = await Membership.objects.create({ club, member: ann });
  await Membership.objects.create({ club, member: bob });
  return { club, ann, bob, annship };
});

const names = async (qs: PromiseLike<Array<{ name: string }>>) => (await qs).map((m) => m.name).sort();

test('remove() moves the link row to the trash with what depends on it, tells receivers, and the link is gone everywhere until restored', async () => {
  const { club, ann, annship } = seeded();
  await Due.objects.create({ membership: annship, amount: 10 });
  const heard: unknown[] = [];
  const off = signals.postSoftDelete.connect(({ instances }) => void heard.push(...instances), { sender: Membership });
  try {
    await club.members.remove(ann);
  } finally {
    off();
  }
  assert.equal(heard.length, 1, 'postSoftDelete was sent for the link row');
  assert.deepEqual(await names(club.members.all()), ['bob']);
  assert.deepEqual(await names(Club.objects.filter({ members__name: 'ann' }).values('name').fetch() as never), []);
  assert.equal(await Club.objects.filter({ members: ann.id }).count(), 0);
  assert.equal(await Membership.allObjects.filter({ id: annship.id, deletedAt__isnull: false }).count(), 1, 'the link row is in the trash');
  assert.equal(await Due.allObjects.filter({ deletedAt__isnull: false }).count(), 1, 'its due went with it');
  const [operation] = await Deletion.objects.filter({ rootLabel: 'links.Membership' });
  assert.deepEqual(operation!.counts, { 'links.Membership': 1, 'links.Due': 1 });
  await restoreDeletion(operation!.id);
  assert.deepEqual(await names(club.members.all()), ['ann', 'bob']);
  assert.equal(await Due.objects.count(), 1);
});

test('clear() and set() unlink the same way; add() links again with a new row', async () => {
  const { club, ann, bob } = seeded();
  await club.members.set([bob]);
  assert.deepEqual(await names(club.members.all()), ['bob']);
  await club.members.clear();
  assert.deepEqual(await names(club.members.all()), []);
  assert.equal(await Membership.allObjects.filter({ deletedAt__isnull: false }).count(), 2);
  await club.members.add(ann);
  assert.deepEqual(await names(club.members.all()), ['ann']);
});

class Tag extends model('links.Tag', { name: f.char({ maxLength: 30 }) }) {}
class Photo extends model('links.Photo', { tags: f.manyToMany(() => Tag, { through: 'links.Tagging' }) }) {}
class Tagging extends model('links.Tagging', {
  photo: f.foreignKey(() => Photo, { onDelete: CASCADE }),
  tag: f.foreignKey(() => Tag, { onDelete: CASCADE }),
}) {}
/** A note on a tagging, without a trash: it goes for good with the tagging. */
class TaggingNote extends model('links.TaggingNote', { tagging: f.foreignKey(() => Tagging, { onDelete: CASCADE }) }) {}

test('without a trash, remove() deletes the link row and cascades to what refers to it, and preDelete is sent', async () => {
  const photo = await Photo.objects.create({});
  const tag = await Tag.objects.create({ name: 'sea' });
  const tagging = await Tagging.objects.create({ photo, tag });
  await TaggingNote.objects.create({ tagging });
  const heard: unknown[] = [];
  const off = signals.preDelete.connect(({ instance }) => void heard.push(instance), { sender: Tagging });
  try {
    await photo.tags.remove(tag);
  } finally {
    off();
  }
  assert.equal(heard.length, 1);
  assert.equal(await Tagging.objects.count(), 0);
  assert.equal(await TaggingNote.objects.count(), 0);
  assert.equal(await Tag.objects.count(), 1);
});
