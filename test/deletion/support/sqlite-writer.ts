/**
 * A process that writes a SQLite file, for the kill -9 test: `seed FILE` fills it; `delete FILE`
 * deletes ABBA with its cascade and, with the Songs gone but the transaction still open, prints
 * `mid-delete` and waits to be killed.
 */
import { connect, signals } from '../../../src/index.ts';
import { Album, Artist, Song } from '../models.ts';

const [mode, file] = process.argv.slice(2);
const db = await connect(`sqlite:${file}`);
if (mode === 'seed') {
  await db.createTables();
  const abba = await Artist.objects.create({ name: 'ABBA' });
  const albums = await Album.objects.bulkCreate(Array.from({ length: 50 }, (_, i) => ({ artist: abba, title: `a${i}` })));
  await Song.objects.bulkCreate(albums.flatMap((album) => Array.from({ length: 20 }, (_, i) => ({ artist: abba, album, title: `s${i}` }))));
  await Artist.objects.create({ name: 'Queen' });
  await db.close();
} else {
  signals.postDelete.connect(async () => {
    process.stdout.write('mid-delete\n');
    await new Promise(() => undefined);
  }, { sender: Album });
  await Artist.objects.filter({ name: 'ABBA' }).delete();
}
