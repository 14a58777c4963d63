import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { signals } from '../../src/index.ts';
import { withSeededDatabase } from '../support/database.ts';
import { Album, Artist, Node, Song } from './models.ts';

const seeded = withSeededDatabase(async () => {
  const abba = await Artist.objects.create({ name: 'ABBA' });
  const arrival = await Album.objects.create({ artist: abba, title: 'Arrival' });
  await Song.objects.bulkCreate([
    { artist: abba, album: arrival, title: 'Dancing Queen' },
    { artist: abba, album: arrival, title: 'Money, Money, Money' },
  ]);
  return { abba, arrival };
});
afterEach(() => Object.values(signals).forEach((s) => s.disconnectAll()));

test('every preDelete comes before the first row goes, referring models first; postDelete after each model is gone', async () => {
  const { abba } = seeded();
  const log: string[] = [];
  for (const model of [Artist, Album, Song]) {
    signals.preDelete.connect(async ({ instance }) => {
      log.push(`pre ${model.meta.objectName} ${instance.id}`);
      // Nothing is deleted yet when any preDelete runs.
      assert.equal(await Song.objects.count(), 2);
    }, { sender: model });
    signals.postDelete.connect(async ({ instance, origin }) => {
      log.push(`post ${model.meta.objectName}`);
      assert.equal(origin, abba);
      const objects = model.objects as unknown as { filter(w: object): { exists(): Promise<boolean> } };
      assert.equal(await objects.filter({ id: instance.id }).exists(), false);
    }, { sender: model });
  }
  await abba.delete();
  const kinds = log.map((l) => l.split(' ').slice(0, 2).join(' '));
  assert.deepEqual(kinds, ['pre Song', 'pre Song', 'pre Album', 'pre Artist', 'post Song', 'post Song', 'post Album', 'post Artist']);
});

test('the instance delete() was called on is the one receivers get', async () => {
  const { abba } = seeded();
  let received: unknown;
  signals.preDelete.connect(({ instance }) => void (received = instance), { sender: Artist });
  await abba.delete();
  assert.equal(received, abba);
});

test('a receiver that throws rolls everything back', async () => {
  const { abba } = seeded();
  signals.postDelete.connect(() => {
    throw new Error('no');
  }, { sender: Album });
  await assert.rejects(abba.delete(), /no/);
  assert.equal(await Song.objects.count(), 2);
  assert.equal(await Artist.objects.count(), 1);
  assert.notEqual(abba.id, null);
});

test('receivers on a self-referential model see the whole closure', async () => {
  const root = await Node.objects.create({ name: 'root' });
  const child = await Node.objects.create({ name: 'child', parent: root });
  await Node.objects.create({ name: 'grandchild', parent: child });
  const seen: string[] = [];
  signals.postDelete.connect(({ instance }) => void seen.push(instance.name), { sender: Node });
  const result = await root.delete();
  assert.equal(result.total, 3);
  assert.deepEqual(seen.sort(), ['child', 'grandchild', 'root']);
});
