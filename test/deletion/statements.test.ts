import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BACKEND, captureQueries, withSeededDatabase } from '../support/database.ts';
import { Album, Artist, Node, Playlist, Review, Song } from './models.ts';

withSeededDatabase(async () => undefined);

async function seedArtists(count: number, prefix: string): Promise<void> {
  const artists = await Artist.objects.bulkCreate(Array.from({ length: count }, (_, i) => ({ name: `${prefix}${i}` })));
  const albums = await Album.objects.bulkCreate(artists.map((artist) => ({ artist, title: 'x' })));
  const songs = await Song.objects.bulkCreate(albums.map((album) => ({ artistId: album.artistId, album, title: 'y' })));
  await Review.objects.bulkCreate(albums.map((album) => ({ album })));
  const list = await Playlist.objects.create({ name: prefix });
  await list.songs.add(...songs);
}

test('deleting 3 rows and 3,000 rows sends the same statements, and loads no rows', async () => {
  await seedArtists(3, 'small');
  await seedArtists(3000, 'large');
  const small = await captureQueries(() => Artist.objects.filter({ name__startswith: 'small' }).delete());
  const large = await captureQueries(() => Artist.objects.filter({ name__startswith: 'large' }).delete());
  assert.equal(small.length, large.length);
  assert.deepEqual(small.map((q) => q.sql), large.map((q) => q.sql));
  // 3 blocker checks (Contract.artist, Award.album, Song.album), the SET(fn) probe (no Play
  // refers, so no update), the SET_NULL update of Review.album, and 6 deletes; on PostgreSQL
  // and MariaDB first a lock of the rows others could point at (Artist, Album, Song).
  const locks = small.filter((q) => /for update/i.test(q.sql)).length;
  assert.equal(locks, BACKEND === 'sqlite' ? 0 : 3);
  assert.equal(small.filter((q) => !/^(begin|commit|start transaction)/i.test(q.sql)).length, 11 + locks);
  // The only reads are bounded checks and counts of locked rows: no rows are loaded to be deleted.
  assert.ok(small.filter((q) => /^select/i.test(q.sql)).every((q) => /\blimit\b/i.test(q.sql) || /^select count\(\*\) as .n. from \(select .* for update\) as .locked.$/i.test(q.sql)));
  assert.equal(await Artist.objects.count(), 0);
  assert.equal(await Review.objects.filter({ album__isnull: false }).count(), 0);
  assert.equal(await Review.objects.count(), 3003);
});

test('a self-referential delete is one statement per model whatever the depth', async () => {
  const chain = async (length: number, name: string) => {
    let parent = await Node.objects.create({ name });
    for (let i = 1; i < length; i++) parent = await Node.objects.create({ name: `${name}${i}`, parent });
  };
  await chain(3, 'short');
  await chain(60, 'long');
  const short = await captureQueries(() => Node.objects.filter({ name: 'short' }).delete());
  const long = await captureQueries(() => Node.objects.filter({ name: 'long' }).delete());
  assert.equal(short.length, long.length);
  assert.equal(await Node.objects.count(), 0);
});
