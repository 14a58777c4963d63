import { test } from 'node:test';
import assert from 'node:assert/strict';
import { captureQueries, withSeededDatabase } from '../support/database.ts';
import { Album, Artist, Award, Contract, Review, Song } from './models.ts';

const seeded = withSeededDatabase(async () => {
  const abba = await Artist.objects.create({ name: 'ABBA' });
  const queen = await Artist.objects.create({ name: 'Queen' });
  const arrival = await Album.objects.create({ artist: abba, title: 'Arrival' });
  const opera = await Album.objects.create({ artist: queen, title: 'Opera' });
  const songs = await Song.objects.bulkCreate([
    { artist: abba, album: arrival, title: 'Dancing Queen' },
    { artist: abba, album: arrival, title: 'Money' },
    { artist: queen, album: opera, title: 'Rhapsody' },
  ]);
  await Review.objects.bulkCreate([{ album: arrival }, { album: arrival, song: songs[0]! }, { album: opera }]);
  return { abba, queen, arrival, opera };
});

test('planDelete counts what a delete would take and change, and deletes nothing', async () => {
  const { abba } = seeded();
  let plan!: Awaited<ReturnType<typeof abba.planDelete>>;
  const queries = await captureQueries(async () => {
    plan = await Artist.objects.filter({ name: 'ABBA' }).planDelete();
  });
  assert.ok(queries.every((q) => /^select/i.test(q.sql)));
  assert.deepEqual(plan.byModel, { 'td.Artist': 1, 'td.Album': 1, 'td.Song': 2, 'td.Review': 1 });
  assert.equal(plan.total, 5);
  // One review points at a deleted song (deleted), the other only at the album (nulled).
  assert.deepEqual(plan.updates, { 'td.Review': 1 });
  assert.deepEqual(plan.protected, {});
  assert.deepEqual(plan.restricted, {});
  assert.equal(plan.allowed, true);
  const sample = await plan.sample('td.Song', 1);
  assert.equal((await plan.sample(Album)).length, 1);
  assert.equal(sample.length, 1);
  assert.ok(sample[0] instanceof Song);
  assert.equal(await Song.objects.count(), 3);
  const real = await abba.delete();
  assert.deepEqual(real.byModel, plan.byModel);
});

test('planDelete lists blockers per model instead of throwing', async () => {
  const { queen, opera } = seeded();
  await Contract.objects.create({ artist: queen });
  await Award.objects.create({ album: opera });
  const plan = await queen.planDelete();
  assert.equal(plan.allowed, false);
  assert.deepEqual(Object.keys(plan.protected).sort(), ['td.Award', 'td.Contract']);
  assert.ok(plan.protected['td.Contract']![0] instanceof Contract);
  const albumPlan = await Album.objects.filter({ title: 'Opera' }).planDelete();
  assert.deepEqual(albumPlan.restricted['td.Song']!.map((s) => (s as unknown as { title: string }).title), ['Rhapsody']);
});
