/**
 * Text lookups on columns that are not text (`author__startswith`, `id__contains`,
 * `createdAt__contains`), as a changelist's address may ask them: PostgreSQL has no LIKE on
 * numbers or dates ("operator does not exist: integer ~~ unknown", a 500), so there the column
 * is cast to text first, as Django does; SQLite and MariaDB convert by themselves.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CASCADE, fields as f, model } from '../../../src/index.ts';
import { withSeededDatabase } from '../../support/database.ts';

class Shelf extends model('cast.Shelf', { name: f.char({ maxLength: 20 }) }) {}
class Book extends model('cast.Book', {
  pages: f.integer(),
  shelf: f.foreignKey(() => Shelf, { onDelete: CASCADE }),
  printedOn: f.date({ null: true }),
}) {}

withSeededDatabase(async () => {
  const shelves = await Shelf.objects.bulkCreate(Array.from({ length: 12 }, (_, i) => ({ name: `s${i}` })));
  await Book.objects.bulkCreate(shelves.map((shelf, i) => ({ pages: 100 + i, shelf, printedOn: `2024-0${(i % 9) + 1}-15` })));
});

test('startswith, contains, iexact and endswith on integers, keys and dates compare their text', async () => {
  const ids = ((await Shelf.objects.values('id')) as { id: number }[]).map((r) => r.id);
  const expect = (test: (text: string) => boolean) => ids.filter((id) => test(String(id))).length;
  assert.equal(await Book.objects.filter({ shelf__startswith: '1' } as never).count(), expect((t) => t.startsWith('1')));
  assert.equal(await Book.objects.filter({ shelf__id__endswith: '2' } as never).count(), expect((t) => t.endsWith('2')));
  assert.equal(await Book.objects.filter({ shelf__istartswith: '' } as never).count(), 12);
  assert.equal(await Book.objects.filter({ pages__contains: '10' } as never).count(), 11, '100 to 110, not 111');
  assert.equal(await Book.objects.filter({ pages__iexact: '111' } as never).count(), 1);
  assert.equal(await Book.objects.filter({ printedOn__contains: '-03-' } as never).count(), 2);
  assert.equal(await Book.objects.exclude({ pages__startswith: '10' } as never).count(), 2);
});
