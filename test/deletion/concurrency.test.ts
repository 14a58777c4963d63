/**
 * A cascade delete while other connections keep inserting rows that point at what it deletes.
 * The delete must never fail with a foreign-key error nor leave an orphan; an insert that lost
 * the race gets an IntegrityError. PostgreSQL and MariaDB (SQLite has a single writer).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, model, fields as f, CASCADE, IntegrityError, type Database } from '../../src/index.ts';
import { BACKEND, TEST_DATABASE_URL, withSeededDatabase } from '../support/database.ts';

class Writer extends model('cc.Writer', { name: f.char({ maxLength: 20 }) }) {}
class Story extends model('cc.Story', {
  writer: f.foreignKey(() => Writer, { onDelete: CASCADE }),
  title: f.char({ maxLength: 20 }),
}) {}
class Remark extends model('cc.Remark', {
  story: f.foreignKey(() => Story, { onDelete: CASCADE }),
  text: f.char({ maxLength: 20 }),
}) {}

const WRITERS = 60;
const DOOMED = 40;

async function seed() {
  const writers = await Writer.objects.bulkCreate(Array.from({ length: WRITERS }, (_, i) => ({ name: `w${i}` })));
  const stories = await Story.objects.bulkCreate(writers.flatMap((writer) => Array.from({ length: 10 }, (_, i) => ({ writer, title: `s${i}` }))));
  await Remark.objects.bulkCreate(stories.flatMap((story) => Array.from({ length: 10 }, (_, i) => ({ story, text: `r${i}` }))));
  return { writers, stories };
}
const seeded = withSeededDatabase(seed);

/** Inserts stories for random writers and remarks on random stories until `done`; counts outcomes. */
async function insertUntil(db: Database, done: () => boolean, seed: number) {
  const outcome = { inserted: 0, refused: 0 };
  let state = seed;
  const random = (n: number) => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state % n;
  };
  const { writers, stories } = seeded();
  while (!done()) {
    try {
      if (random(2) === 0) await Story.objects.using(db).create({ writerId: writers[random(DOOMED)]!.id, title: 'late' });
      else await Remark.objects.using(db).create({ storyId: stories[random(DOOMED * 10)]!.id, text: 'late' });
      outcome.inserted++;
    } catch (error) {
      // Losing the race to the delete is an IntegrityError, and nothing else.
      if (!(error instanceof IntegrityError)) throw error;
      outcome.refused++;
    }
  }
  return outcome;
}

test('inserts racing a cascade delete lose cleanly; the delete neither fails nor leaves orphans', { skip: BACKEND === 'sqlite' && 'SQLite has one writer at a time' }, async () => {
  const inserters = await Promise.all([1, 2, 3].map(() => connect(TEST_DATABASE_URL, { setDefault: false })));
  try {
    let refused = 0;
    for (let round = 0; round < 4; round++) {
      if (round > 0) {
        const { getDatabase } = await import('../../src/index.ts');
        await getDatabase().flush();
        Object.assign(seeded(), await seed());
      }
      let finished = false;
      const racing = inserters.map((db, i) => insertUntil(db, () => finished, round * 10 + i + 1));
      // Let the inserters get going, then delete the doomed writers with everything beneath them.
      await new Promise((resolve) => setTimeout(resolve, 20));
      const { writers } = seeded();
      try {
        const result = await Writer.objects.filter({ id__lte: writers[DOOMED - 1]!.id }).delete();
        assert.equal(result.byModel['cc.Writer'], DOOMED);
      } finally {
        finished = true;
      }
      const outcomes = await Promise.all(racing);
      refused += outcomes.reduce((n, o) => n + o.refused, 0);
      assert.ok(outcomes.some((o) => o.inserted > 0), `round ${round}: the inserters ran (${JSON.stringify(outcomes)})`);
      assert.equal(await Story.objects.filter({ writer__id__lte: writers[DOOMED - 1]!.id }).count(), 0, 'no story of a deleted writer');
      assert.equal(await Story.objects.exclude({ writer__id__gt: 0 }).count(), 0, 'no orphaned story');
      assert.equal(await Remark.objects.exclude({ story__id__gt: 0 }).count(), 0, 'no orphaned remark');
      assert.equal(await Writer.objects.count(), WRITERS - DOOMED);
    }
    assert.ok(refused > 0, 'some inserts lost the race (else this test raced nothing)');
  } finally {
    await Promise.all(inserters.map((db) => db.close()));
  }
});
