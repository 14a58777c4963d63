import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Count, Exists, OuterRef, ProtectedError, RestrictedError, Subquery, atomic, FieldError, QueryUsageError } from '../../src/index.ts';
import { withSeededDatabase } from '../support/database.ts';
import { Album, Artist, Award, Bottom, Contract, Left, Listen, Node, Ping, Play, Playlist, Pong, RBottom, Review, Right, Song, Top, fallbackCalls } from './models.ts';

async function seed() {
  const abba = await Artist.objects.create({ name: 'ABBA' });
  const queen = await Artist.objects.create({ name: 'Queen' });
  const arrival = await Album.objects.create({ artist: abba, title: 'Arrival' });
  const voulez = await Album.objects.create({ artist: abba, title: 'Voulez-Vous' });
  const opera = await Album.objects.create({ artist: queen, title: 'A Night at the Opera' });
  const queenOfDancing = await Song.objects.create({ artist: abba, album: arrival, title: 'Dancing Queen' });
  const money = await Song.objects.create({ artist: abba, album: arrival, title: 'Money, Money, Money' });
  const chiquitita = await Song.objects.create({ artist: abba, album: voulez, title: 'Chiquitita' });
  const rhapsody = await Song.objects.create({ artist: queen, album: opera, title: 'Bohemian Rhapsody' });
  return { abba, queen, arrival, voulez, opera, queenOfDancing, money, chiquitita, rhapsody };
}
const seeded = withSeededDatabase(seed);

describe('CASCADE', () => {
  test('deletes the whole tree and counts per model, leaving out models with none', async () => {
    const { abba } = seeded();
    const result = await abba.delete();
    assert.deepEqual(result, { total: 6, byModel: { 'td.Song': 3, 'td.Album': 2, 'td.Artist': 1 } });
    assert.equal(await Artist.objects.count(), 1);
    assert.equal(await Album.objects.count(), 1);
    assert.equal(await Song.objects.count(), 1);
  });

  test('onProgress reports each model as its statement finishes, referring models first', async () => {
    const { abba } = seeded();
    const steps: { model: string; rows: number; deleted: number }[] = [];
    await abba.delete({ onProgress: (step) => steps.push(step) });
    assert.deepEqual(steps.filter((s) => s.rows > 0), [
      { model: 'td.Song', rows: 3, deleted: 3 },
      { model: 'td.Album', rows: 2, deleted: 5 },
      { model: 'td.Artist', rows: 1, deleted: 6 },
    ]);
  });

  test('a queryset delete cascades from every matching row', async () => {
    const result = await Artist.objects.all().delete();
    assert.deepEqual(result, { total: 9, byModel: { 'td.Song': 4, 'td.Album': 3, 'td.Artist': 2 } });
  });

  test('a CASCADE diamond deletes and counts each row once', async () => {
    const top = await Top.objects.create({ name: 't' });
    const left = await Left.objects.create({ top });
    const right = await Right.objects.create({ top });
    await Bottom.objects.bulkCreate([{ left, right }, { left, right }]);
    const result = await top.delete();
    assert.deepEqual(result, { total: 5, byModel: { 'td.Bottom': 2, 'td.Left': 1, 'td.Right': 1, 'td.Top': 1 } });
  });

  test('many-to-many link rows go with either side, counted under the link model', async () => {
    const { queenOfDancing, money, abba } = seeded();
    const party = await Playlist.objects.create({ name: 'party' });
    await party.songs.add(queenOfDancing, money);
    assert.deepEqual(await party.delete(), { total: 3, byModel: { 'td.Playlist_songs': 2, 'td.Playlist': 1 } });
    const again = await Playlist.objects.create({ name: 'again' });
    await again.songs.add(queenOfDancing);
    const result = await abba.delete();
    assert.equal(result.byModel['td.Playlist_songs'], 1);
    assert.equal(await Playlist.objects.count(), 1);
  });

  test('a self-referential chain deletes its whole closure', async () => {
    const root = await Node.objects.create({ name: 'root' });
    let parent = root;
    for (let i = 0; i < 20; i++) parent = await Node.objects.create({ name: `n${i}`, parent });
    const side = await Node.objects.create({ name: 'side', parent: root });
    await Node.objects.create({ name: 'other' });
    const result = await Node.objects.filter({ name: 'root' }).delete();
    assert.deepEqual(result, { total: 22, byModel: { 'td.Node': 22 } });
    assert.deepEqual((await Node.objects.all()).map((n) => n.name), ['other']);
    assert.equal(await Node.objects.filter({ id: side.id }).exists(), false, 'a branch off the root goes too');
  });

  test('a two-model cycle terminates and deletes the closure', async () => {
    const ping = await Ping.objects.create({ name: 'p1' });
    const pong = await Pong.objects.create({ name: 'q1', ping });
    ping.pong = pong;
    await ping.save();
    const ping2 = await Ping.objects.create({ name: 'p2', pong });
    await Pong.objects.create({ name: 'q2', ping: ping2 });
    await Ping.objects.create({ name: 'unrelated' });
    const result = await Ping.objects.filter({ name: 'p1' }).delete();
    assert.deepEqual(result, { total: 4, byModel: { 'td.Ping': 2, 'td.Pong': 2 } });
    assert.deepEqual((await Ping.objects.all()).map((p) => p.name), ['unrelated']);
  });

  test('a filter through relations the delete empties still names the same rows', async () => {
    const result = await Artist.objects.filter({ albums__title: 'Arrival' }).delete();
    assert.equal(result.byModel['td.Artist'], 1);
    assert.deepEqual((await Artist.objects.all()).map((a) => a.name), ['Queen']);
  });

  test('so does a filter through Exists(), an aggregate or a Subquery() over the tables the delete empties', async () => {
    // Were the filter read again after the albums and songs went, it would match no artist:
    // the cascade would be done and the artist left, half-deleted.
    const whole = { total: 6, byModel: { 'td.Song': 3, 'td.Album': 2, 'td.Artist': 1 } };
    const withArrival = Exists(Album.objects.filter({ artist: OuterRef('pk'), title: 'Arrival' }));
    assert.deepEqual(await Artist.objects.filter(withArrival).delete(), whole);
    assert.deepEqual((await Artist.objects.all()).map((a) => a.name), ['Queen']);
  });

  for (const [name, artists] of [
    ['an annotation counting albums', () => Artist.objects.annotate({ n: Count('albums') }).filter({ n__gte: 2 })],
    ['an annotation with Exists()', () => Artist.objects.annotate({ has: Exists(Album.objects.filter({ artist: OuterRef('pk'), title: 'Arrival' })) }).filter({ has: true })],
    ['an annotation with Subquery()', () => Artist.objects.annotate({ first: Subquery(Album.objects.filter({ artist: OuterRef('pk') }).orderBy('title').valuesList('title', { flat: true }).slice(0, 1)) }).filter({ first: 'Arrival' })],
  ] as const) {
    test(`and a filter on ${name}`, async () => {
      assert.deepEqual(await artists().delete(), { total: 6, byModel: { 'td.Song': 3, 'td.Album': 2, 'td.Artist': 1 } });
      assert.deepEqual((await Artist.objects.all()).map((a) => a.name), ['Queen']);
    });
  }
});

describe('PROTECT and RESTRICT', () => {
  test('PROTECT blocks, lists every blocker from every relation, and deletes nothing', async () => {
    const { abba, arrival, voulez } = seeded();
    await Contract.objects.create({ artist: abba });
    await Award.objects.create({ album: arrival });
    await Award.objects.create({ album: voulez });
    await assert.rejects(abba.delete(), (e: unknown) => {
      assert.ok(e instanceof ProtectedError);
      assert.equal(e.protectedObjects.length, 3);
      assert.match(e.message, /Cannot delete some instances of model '.*' because they are referenced through protected foreign keys: /);
      assert.match(e.message, /'Contract.artist'/);
      assert.match(e.message, /'Award.album'/);
      return true;
    });
    assert.equal(await Song.objects.count(), 4);
    assert.equal(abba.id !== null, true);
  });

  test('PROTECT holds even when the blocking row is itself reached by a cascade', async () => {
    const { abba } = seeded();
    const bSides = await Album.objects.create({ artist: abba, title: 'B-sides' });
    await Contract.objects.create({ artist: abba, album: bSides });
    await assert.rejects(abba.delete(), ProtectedError);
    // The album alone may go: its contract cascades, and nothing protects the album.
    const result = await bSides.delete();
    assert.deepEqual(result.byModel, { 'td.Contract': 1, 'td.Album': 1 });
  });

  test('RESTRICT blocks a delete that would orphan the row, and names it', async () => {
    const { arrival } = seeded();
    await assert.rejects(arrival.delete(), (e: unknown) => {
      assert.ok(e instanceof RestrictedError);
      assert.deepEqual(e.restrictedObjects.map((s) => (s as unknown as { title: string }).title).sort(), ['Dancing Queen', 'Money, Money, Money']);
      assert.match(e.message, /referenced through restricted foreign keys: 'Song.album'/);
      return true;
    });
    assert.equal(await Album.objects.count(), 3);
  });

  test('RESTRICT is lifted when the row is deleted through a CASCADE path', async () => {
    const { abba } = seeded();
    const result = await abba.delete();
    assert.equal(result.byModel['td.Song'], 3);
  });

  test('a RESTRICT diamond: restricted on one side, cascaded on the other', async () => {
    const top = await Top.objects.create({ name: 't' });
    const left = await Left.objects.create({ top });
    const right = await Right.objects.create({ top });
    await RBottom.objects.create({ left, right });
    assert.deepEqual(await top.delete(), { total: 4, byModel: { 'td.RBottom': 1, 'td.Left': 1, 'td.Right': 1, 'td.Top': 1 } });
    const top2 = await Top.objects.create({ name: 't2' });
    const left2 = await Left.objects.create({ top: top2 });
    const right2 = await Right.objects.create({ top: top2 });
    await RBottom.objects.create({ left: left2, right: right2 });
    await assert.rejects(left2.delete(), RestrictedError);
  });
});

describe('SET_NULL, SET and DO_NOTHING', () => {
  test('SET_NULL on a referrer of a cascaded model', async () => {
    const { abba, opera } = seeded();
    const arrival = await Album.objects.get({ title: 'Arrival' });
    const review = await Review.objects.create({ album: arrival, text: 'great' });
    const other = await Review.objects.create({ album: opera, text: 'kept' });
    const result = await abba.delete();
    assert.equal(result.byModel['td.Review'], undefined);
    assert.equal((await Review.objects.get({ id: review.id })).albumId, null);
    assert.equal((await Review.objects.get({ id: other.id })).albumId, opera.id);
  });

  test('a row both cascaded and nulled is deleted', async () => {
    const { abba, arrival, queenOfDancing } = seeded();
    await Review.objects.create({ album: arrival, song: queenOfDancing });
    const result = await abba.delete();
    assert.equal(result.byModel['td.Review'], 1);
    assert.equal(await Review.objects.count(), 0);
  });

  test('SET(fn) calls fn only when a row refers to a deleted one', async () => {
    const { rhapsody, money } = seeded();
    fallbackCalls.length = 0;
    await money.delete();
    assert.deepEqual(fallbackCalls, []);
    const play = await Play.objects.create({ song: rhapsody });
    await rhapsody.delete();
    assert.deepEqual(fallbackCalls, ['called']);
    assert.equal((await Play.objects.get({ id: play.id })).songId, null);
  });

  test('DO_NOTHING without a constraint leaves the referring row pointing at nothing', async () => {
    const { opera } = seeded();
    const albumId = opera.id;
    const listen = await Listen.objects.create({ album: opera });
    await Song.objects.filter({ album: opera }).delete();
    assert.deepEqual(await opera.delete(), { total: 1, byModel: { 'td.Album': 1 } });
    assert.equal((await Listen.objects.get({ id: listen.id })).albumId, albumId);
    assert.equal(await Album.objects.filter({ id: albumId }).exists(), false);
  });
});

describe('transactions and guards', () => {
  test('inside atomic() the delete joins the outer transaction and rolls back with it', async () => {
    const { abba } = seeded();
    await assert.rejects(atomic(async () => {
      await abba.delete();
      assert.equal(await Artist.objects.count(), 1);
      throw new Error('undo');
    }), /undo/);
    assert.equal(await Artist.objects.count(), 2);
    assert.notEqual(abba.id, null);
  });

  test('an instance gets id null once the delete commits', async () => {
    const { queen } = seeded();
    await atomic(async () => {
      await queen.delete();
      assert.notEqual(queen.id, null);
    });
    assert.equal(queen.id, null);
  });

  test('bad input is refused before any SQL', async () => {
    await assert.rejects(new Artist({ name: 'x' }).delete(), QueryUsageError);
    await assert.rejects(Artist.objects.all().slice(0, 1).delete(), QueryUsageError);
    await assert.rejects(Artist.objects.values('name').delete(), QueryUsageError);
    assert.throws(() => Artist.objects.filter({ nmae: 'x' } as never), FieldError);
  });
});

describe('filters on the primary key', () => {
  test('compare the referring keys directly, and never take rows whose key is NULL', async () => {
    const { rhapsody, money } = seeded();
    const orphan = await Review.objects.create({ song: null, text: 'no song' });
    const onRhapsody = await Review.objects.create({ song: rhapsody });
    await Review.objects.create({ song: money });
    const result = await Song.objects.exclude({ id: rhapsody.id }).delete();
    assert.deepEqual(result.byModel, { 'td.Review': 1, 'td.Song': 3 });
    assert.deepEqual((await Review.objects.orderBy('id')).map((r) => r.id), [orphan.id, onRhapsody.id]);
  });
});
