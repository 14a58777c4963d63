import { test } from 'node:test';
import assert from 'node:assert/strict';
import { model, fields as f, CASCADE, ValidationError, minValue, maxValue, minLength, NON_FIELD_ERRORS } from '../../src/index.ts';
import { withSeededDatabase } from '../support/database.ts';

class Shelf extends model('vl.Shelf', { name: f.char({ maxLength: 20 }) }, { softDelete: true }) {}
class Book extends model('vl.Book', {
  title: f.char({ maxLength: 10, validators: [minLength(2)] }),
  slug: f.slug({ unique: true }),
  status: f.char({ maxLength: 10, choices: [['draft', 'Draft'], ['live', 'Live']], default: 'draft' }),
  pages: f.integer({ validators: [minValue(1), maxValue(2000)] }),
  site: f.url({ blank: true, default: '' }),
  contact: f.email({ blank: true, default: '' }),
  note: f.text({ null: true, blank: true }),
  shelf: f.foreignKey(() => Shelf, { onDelete: CASCADE }),
  edition: f.integer({ default: 1 }),
  stamped: f.dateTime({ autoNowAdd: true }),
}, { uniqueTogether: [['title', 'edition']] }) {
  override clean(): void {
    if (this.title !== undefined && this.title === this.slug) throw new ValidationError({ slug: 'Must differ from the title.', [NON_FIELD_ERRORS]: 'Pick another slug.' });
  }
}

const seeded = withSeededDatabase(async () => {
  const shelf = await Shelf.objects.create({ name: 'top' });
  const book = await Book.objects.create({ title: 'Dune', slug: 'dune', pages: 600, shelf });
  return { shelf, book };
});

async function errorsOf(book: InstanceType<typeof Book>, options?: Parameters<InstanceType<typeof Book>['fullClean']>[0]): Promise<Record<string, string[]>> {
  try {
    await book.fullClean(options);
  } catch (error) {
    assert.ok(error instanceof ValidationError);
    return error.errors;
  }
  return {};
}

test('a valid instance passes; fullClean() cleans values in place', async () => {
  const { shelf } = seeded();
  const book = new Book({ title: 'Emma', slug: 'emma', pages: 300, shelf, site: 'https://example.com/emma' });
  assert.deepEqual(await errorsOf(book), {});
  await book.save();
  assert.deepEqual(await errorsOf(book), {}, 'a saved row is not its own duplicate');
});

test('fullClean names each failing field with Django\'s messages', async () => {
  const { shelf } = seeded();
  const book = new Book({ title: '', slug: 'dune', status: 'gone', pages: 0, shelf, site: 'not a url', contact: 'nobody' });
  assert.deepEqual(await errorsOf(book), {
    title: ['This field cannot be blank.'],
    status: ['Value "gone" is not a valid choice.'],
    pages: ['Ensure this value is greater than or equal to 1.'],
    site: ['Enter a valid URL.'],
    contact: ['Enter a valid email address.'],
    slug: ['Book with this Slug already exists.'],
  });
  const long = new Book({ title: 'x'.repeat(11), slug: 'long', pages: 5000, shelf });
  assert.deepEqual(await errorsOf(long), {
    title: ['Ensure this value has at most 10 characters (it has 11).'],
    pages: ['Ensure this value is less than or equal to 2000.'],
  });
  const short = new Book({ title: 'A', slug: 'a-b', pages: 10, shelf });
  assert.deepEqual(await errorsOf(short), { title: ['Ensure this value has at least 2 characters (it has 1).'] });
});

test('clean() adds its own errors; uniqueTogether is a non-field error; exclude and validateUnique', async () => {
  const { shelf } = seeded();
  const same = new Book({ title: 'same', slug: 'same', pages: 10, shelf });
  assert.deepEqual(await errorsOf(same), { slug: ['Must differ from the title.'], [NON_FIELD_ERRORS]: ['Pick another slug.'] });
  const again = new Book({ title: 'Dune', slug: 'dune-2', pages: 10, shelf });
  assert.deepEqual(await errorsOf(again), { [NON_FIELD_ERRORS]: ['Book with this Title and Edition already exists.'] });
  assert.deepEqual(await errorsOf(again, { validateUnique: false }), {});
  const bad = new Book({ title: '', slug: 'x', pages: 10, shelf });
  assert.deepEqual(await errorsOf(bad, { exclude: ['title'] }), {});
});

test('uniqueness counts live rows only on a soft-delete model; a foreign key must point at a live row', async () => {
  const { book } = seeded();
  const missing = new Book({ title: 'Lost', slug: 'lost', pages: 10, shelfId: 999 });
  assert.deepEqual(await errorsOf(missing), { shelf: ['shelf instance with id 999 does not exist.'] });
  // An empty shelf: one with books cannot go to the trash while they have none (TrashCascadeError).
  const empty = await Shelf.objects.create({ name: 'empty' });
  await empty.delete();
  const onTrashed = new Book({ title: 'Moved', slug: 'moved', pages: 10, shelfId: empty.id });
  assert.deepEqual(await errorsOf(onTrashed), { shelf: [`shelf instance with id ${empty.id} does not exist.`] });
  const other = await Shelf.objects.create({ name: 'other' });
  await book.hardDelete();
  assert.deepEqual(await errorsOf(new Book({ title: 'Dune', slug: 'dune', pages: 10, shelf: other })), {});
});

test('save() does not validate (as in Django); null and blank follow Django', async () => {
  const { shelf } = seeded();
  const book = new Book({ title: 'T', slug: 'ok', status: 'weird', pages: 1, shelf });
  await book.save();
  assert.equal((await Book.objects.get({ id: book.id })).status, 'weird');
  book.note = null;
  assert.equal((await errorsOf(book)).note, undefined, 'null and blank allowed');
  (book as { pages: unknown }).pages = null;
  assert.deepEqual((await errorsOf(book)).pages, ['This field cannot be blank.']);
});
