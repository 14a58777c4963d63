import { after, afterEach, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { signals, type Database } from '../src/index.ts';
import { Author, Post, Tag } from './support/blog.ts';
import { setupDatabase } from './support/database.ts';

let db: Database;
before(async () => {
  db = await setupDatabase();
});
beforeEach(() => db.flush());
afterEach(() => Object.values(signals).forEach((s) => s.disconnectAll()));
after(() => db.close());

test('preSave and postSave, filtered by sender, with created', async () => {
  const seen: string[] = [];
  signals.preSave.connect(({ instance }) => void seen.push(`pre ${instance.name}`), { sender: Author });
  signals.postSave.connect(({ instance, created }) => void seen.push(`post ${instance.name} ${created}`), { sender: Author });
  signals.postSave.connect(() => void seen.push('tag'), { sender: Tag });
  const ann = await Author.objects.create({ name: 'Ann', email: 'a@x.io' });
  ann.name = 'Anne';
  await ann.save();
  assert.deepEqual(seen, ['pre Ann', 'post Ann true', 'pre Anne', 'post Anne false']);
});

test('async receivers are awaited; connect returns a disconnect function', async () => {
  const seen: string[] = [];
  const off = signals.postSave.connect(async ({ instance }) => {
    await new Promise((r) => setTimeout(r, 5));
    seen.push(instance.name);
  });
  await Tag.objects.create({ name: 'one' });
  assert.deepEqual(seen, ['one']);
  off();
  await Tag.objects.create({ name: 'two' });
  assert.deepEqual(seen, ['one']);
});

test('a receiver that throws undoes the save', async () => {
  signals.postSave.connect(() => {
    throw new Error('refused');
  }, { sender: Author });
  await assert.rejects(Author.objects.create({ name: 'Ann', email: 'a@x.io' }), /refused/);
  assert.equal(await Author.objects.count(), 0);
});

test('preDelete and postDelete get the instance and the origin', async () => {
  const ann = await Author.objects.create({ name: 'Ann', email: 'a@x.io' });
  const posts = await Post.objects.bulkCreate([{ title: 'a', author: ann }, { title: 'b', author: ann }]);
  const seen: Array<[string, string, unknown, unknown]> = [];
  signals.preDelete.connect(({ instance, origin }) => void seen.push(['pre', instance.title, origin, instance.id]), { sender: Post });
  signals.postDelete.connect(({ instance, origin }) => void seen.push(['post', instance.title, origin, instance.id]), { sender: Post });
  const qs = Post.objects.filter({ author: ann }).orderBy('title');
  await qs.delete();
  assert.deepEqual(seen.map(([when, title]) => `${when} ${title}`), ['pre a', 'pre b', 'post a', 'post b']);
  assert.ok(seen.every(([, , origin]) => origin === qs));
  // The instances are the deleted rows, keys and all (Django keeps the pk on postDelete's instance).
  assert.deepEqual(seen.map(([, , , id]) => id), [posts[0]!.id, posts[1]!.id, posts[0]!.id, posts[1]!.id]);
});
