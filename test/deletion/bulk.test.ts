import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProtectedError, QueryUsageError, ValidationError } from '../../src/index.ts';
import { withSeededDatabase } from '../support/database.ts';
import { Album, Artist, Contract, Song } from './models.ts';

const seeded = withSeededDatabase(async () => {
  const artists = await Artist.objects.bulkCreate(Array.from({ length: 25 }, (_, i) => ({ name: `a${i}` })));
  const albums = await Album.objects.bulkCreate(artists.map((artist) => ({ artist, title: 't' })));
  await Song.objects.bulkCreate(albums.map((album) => ({ artistId: album.artistId, album, title: 's' })));
  return { artists };
});

test('bulkDelete deletes by key and by instance in batches, with cascades and progress', async () => {
  const { artists } = seeded();
  const progress: Array<{ done: number; total: number; deleted: number }> = [];
  const chosen = [...artists.slice(0, 10), ...artists.slice(10, 20).map((a) => a.id)];
  const result = await Artist.objects.bulkDelete(chosen, { batchSize: 7, onProgress: (p) => progress.push(p) });
  assert.deepEqual(result, { total: 60, byModel: { 'td.Song': 20, 'td.Album': 20, 'td.Artist': 20 } });
  assert.deepEqual(progress.map((p) => p.done), [7, 14, 20]);
  assert.equal(progress.at(-1)!.deleted, 60);
  assert.equal(await Artist.objects.count(), 5);
  assert.equal(artists[0]!.id, null);
  assert.notEqual(artists[20]!.id, null);
});

test('bulkDelete is one transaction: a blocker in a late batch undoes the early ones', async () => {
  const { artists } = seeded();
  await Contract.objects.create({ artist: artists[24]! });
  await assert.rejects(Artist.objects.bulkDelete(artists, { batchSize: 5 }), ProtectedError);
  assert.equal(await Artist.objects.count(), 25);
  assert.notEqual(artists[0]!.id, null);
});

test('bulkDelete refuses bad input before any SQL', async () => {
  const { artists } = seeded();
  await assert.rejects(Artist.objects.bulkDelete([new Artist({ name: 'unsaved' })]), QueryUsageError);
  await assert.rejects(Artist.objects.bulkDelete(['abc']), ValidationError);
  await assert.rejects(Artist.objects.bulkDelete([artists[0]!.id], { batchSize: 0 }), ValidationError);
  await assert.rejects(Album.objects.bulkDelete([artists[0]! as never]), ValidationError);
});
