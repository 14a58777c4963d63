/**
 * modelForm() against a real database: binding, Django's validation order (fields, the form's
 * clean(), the model's fullClean() with its unique rules), errors per field, save() with the
 * many-to-many links after the object, edits that leave a refused object as it was.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { modelForm } from '../../../src/web/index.ts';
import { BACKEND, withSeededDatabase } from '../../support/database.ts';
import { Author, Book, Tag } from './library.ts';

const seeded = withSeededDatabase(async () => {
  const jane = await Author.objects.create({ name: 'Jane Austen', email: 'jane@example.com' });
  const mary = await Author.objects.create({ name: 'Mary Shelley', email: '' });
  const [classic, gothic] = await Tag.objects.bulkCreate([{ name: 'classic' }, { name: 'gothic' }]);
  const emma = await Book.objects.create({ title: 'Emma', author: jane, published: '1815-12-23', isbn: '978-0-14-143958-7' });
  await emma.tags.set([classic!]);
  return { jane, mary, classic: classic!, gothic: gothic!, emma };
});

const BookForm = modelForm(Book, { fields: ['title', 'author', 'tags', 'published', 'isbn'] });

test('an unbound form is never valid and shows the defaults, or initial', async () => {
  const form = new BookForm({ initial: { title: 'Draft', author: seeded().mary } });
  assert.equal(form.isBound, false);
  assert.equal(await form.isValid(), false);
  assert.deepEqual(form.errors, {});
  const { values, fields } = await form.state();
  assert.deepEqual(values, { title: 'Draft', author: String(seeded().mary.id), tags: [], published: '', isbn: '' });
  assert.deepEqual(fields.map((f) => [f.name, f.widget.kind, f.required]), [['title', 'input', true], ['author', 'select', true], ['tags', 'select', false], ['published', 'input', false], ['isbn', 'input', false]]);
});

test('a valid form: cleanedData has the related objects; save() writes the book, then its tags', async () => {
  const { mary, classic, gothic } = seeded();
  const form = new BookForm({ data: { title: 'Frankenstein', author: String(mary.id), tags: [String(gothic.id), String(classic.id)], published: '1818-01-01', isbn: '' } });
  assert.equal(await form.isValid(), true, JSON.stringify(form.errors));
  assert.equal(form.cleanedData.author.name, 'Mary Shelley');
  assert.deepEqual(form.cleanedData.tags.map(String), ['classic', 'gothic']);
  assert.equal(form.cleanedData.published, '1818-01-01');
  assert.equal(form.cleanedData.isbn, null);
  const book = await form.save();
  const stored = await Book.objects.get({ title: 'Frankenstein' });
  assert.equal(stored.id, book.id);
  assert.equal(stored.authorId, mary.id);
  assert.deepEqual((await stored.tags.all()).map(String).sort(), ['classic', 'gothic']);
});

test('errors per field: blank, a bad date, an author and a tag that do not exist, a taken ISBN; nothing saved', async () => {
  const before = await Book.objects.count();
  const form = new BookForm({ data: { title: '', author: '999', tags: ['abc'], published: '1815-02-30', isbn: '978-0-14-143958-7' } });
  assert.equal(await form.isValid(), false);
  assert.deepEqual(Object.keys(form.errors).sort(), ['author', 'isbn', 'published', 'tags', 'title']);
  assert.deepEqual(form.errors.title, ['This field is required.']);
  assert.deepEqual(form.errors.published, ['Enter a valid date.']);
  assert.deepEqual(form.errors.tags, ['“abc” is not a valid value.']);
  assert.deepEqual(form.errors.isbn, ['Book with this ISBN already exists.']);
  assert.match(form.errors.author![0]!, /does not exist/);
  assert.equal(await Book.objects.count(), before);
  await assert.rejects(form.save(), /could not be created because the data didn't validate/);
});

test("unique together and the model's clean(): a field's error, or the form's own", async () => {
  const { jane } = seeded();
  const twice = new BookForm({ data: { title: 'Emma', author: String(jane.id) } });
  assert.equal(await twice.isValid(), false);
  assert.deepEqual(twice.errors, { __all__: ['Book with this Title and Author already exists.'] });
  assert.deepEqual(twice.nonFieldErrors, ['Book with this Title and Author already exists.']);
  const untitled = new BookForm({ data: { title: 'Untitled', author: String(jane.id) } });
  assert.equal(await untitled.isValid(), false);
  assert.deepEqual(untitled.errors, { title: ['Give the book a real title.'] });
  // A form without the title: the model's message about it is the form's.
  const TagsOnly = modelForm(Book, { fields: ['tags'] });
  const book = await Book.objects.create({ title: 'Untitled', author: jane });
  const tagsOnly = new TagsOnly({ data: {}, instance: book });
  assert.equal(await tagsOnly.isValid(), false);
  assert.deepEqual(tagsOnly.errors, { __all__: ['Title: Give the book a real title.'] });
});

test("the form's clean() sees cleanedData and adds errors; a field in error is not checked again by the model", async () => {
  class LoanableBookForm extends modelForm(Book, { fields: ['title', 'author', 'published'] }) {
    override clean() {
      if (this.cleanedData.published !== undefined && this.cleanedData.published !== null && this.cleanedData.published > '2100') this.addError('published', 'Not published yet.');
      if (this.cleanedData.title === 'Nope') this.addError(null, 'Nope is not a book.');
    }
  }
  const form = new LoanableBookForm({ data: { title: 'Nope', author: String(seeded().jane.id), published: '2200-01-01' } });
  assert.equal(await form.isValid(), false);
  assert.deepEqual(form.errors, { published: ['Not published yet.'], __all__: ['Nope is not a book.'] });
});

test('editing: the instance shows its values; a refused post leaves it as it was; a valid one changes it and its tags', async () => {
  const { emma, gothic, mary } = seeded();
  const unbound = new BookForm({ instance: emma });
  assert.equal(unbound.adding, false);
  const { values } = await unbound.state();
  assert.deepEqual(values, { title: 'Emma', author: String(emma.authorId), tags: [String(seeded().classic.id)], published: '1815-12-23', isbn: '978-0-14-143958-7' });

  const refused = new BookForm({ instance: emma, data: { title: '', author: String(mary.id), published: 'soon' } });
  assert.equal(await refused.isValid(), false);
  assert.equal(emma.title, 'Emma');
  assert.equal(emma.authorId, seeded().jane.id);
  assert.equal(emma.published, '1815-12-23');

  const changed = new BookForm({ instance: emma, data: { title: 'Emma (annotated)', author: String(mary.id), tags: [String(gothic.id)], published: '', isbn: '978-0-14-143958-7' } });
  assert.equal(await changed.isValid(), true, JSON.stringify(changed.errors));
  await changed.save();
  const stored = await Book.objects.get({ id: emma.id });
  assert.equal(stored.title, 'Emma (annotated)');
  assert.equal(stored.published, null);
  assert.deepEqual((await stored.tags.all()).map(String), ['gothic']);
});

test('save({ commit: false }) writes nothing; the caller saves, then saveM2m()', async () => {
  const { jane, gothic } = seeded();
  const form = new BookForm({ data: { title: 'Persuasion', author: String(jane.id), tags: [String(gothic.id)] } });
  assert.equal(await form.isValid(), true);
  const book = await form.save({ commit: false });
  assert.equal(await Book.objects.filter({ title: 'Persuasion' }).count(), 0);
  book.pages = 249;
  await book.save();
  await form.saveM2m();
  const stored = await Book.objects.get({ title: 'Persuasion' });
  assert.equal(stored.pages, 249);
  assert.deepEqual((await stored.tags.all()).map(String), ['gothic']);
});

test('exclude: every editable field but those; fields not on a form are not validated', async () => {
  const Short = modelForm(Book, { exclude: ['isbn', 'pages', 'tags'] });
  assert.deepEqual(Short.fieldNames, ['title', 'author', 'published', 'inPrint', 'format']);
  const AuthorOnly = modelForm(Book, { fields: ['author'] });
  const form = new AuthorOnly({ data: { author: String(seeded().mary.id) } });
  // The title is required by the model, but not on this form: Django leaves it to the view.
  assert.equal(await form.isValid(), true, JSON.stringify(form.errors));
  assert.throws(() => modelForm(Book, { fields: ['titel' as 'title'] }), /library.Book has no field 'titel'/);
  assert.throws(() => modelForm(Book, {} as never), /give fields or exclude/);
});

test('posted data as FormData, URLSearchParams or a plain object binds alike', async () => {
  const { jane } = seeded();
  const data = new FormData();
  data.set('title', 'Sanditon');
  data.set('author', String(jane.id));
  for (const input of [data, new URLSearchParams({ title: 'Sanditon', author: String(jane.id) }), { title: 'Sanditon', author: String(jane.id) }]) {
    const form = new BookForm({ data: input });
    assert.equal(await form.isValid(), true, JSON.stringify(form.errors));
    assert.equal(form.cleanedData.title, 'Sanditon');
  }
});

test("a field no form may set (the automatic key) is refused when the form is made, as Django's FieldError", () => {
  // Edited, `id: 77` would have saved a copy of the row under a new key.
  assert.throws(() => modelForm(Book, { fields: ['id' as 'title', 'title'] }), /'id' cannot be specified for Book model form as it is a non-editable field\./);
});

test("an integer past its column's range: the model's rule and message, on this database", async () => {
  const { jane } = seeded();
  const PagesForm = modelForm(Book, { fields: ['title', 'author', 'pages'] });
  const posted = (pages: string) => new PagesForm({ data: { title: 'Long', author: String(jane.id), pages } });
  // SQLite keeps 64 bits in an integer column (as Django's range there); PostgreSQL and MariaDB 32.
  const int32 = posted('2147483648');
  assert.equal(await int32.isValid(), BACKEND === 'sqlite', JSON.stringify(int32.errors));
  if (BACKEND !== 'sqlite') assert.deepEqual(int32.errors, { pages: ['Ensure this value is less than or equal to 2147483647.'] });
  const huge = posted('-9007199254740993');
  assert.equal(await huge.isValid(), false);
  // Past 2^53 on SQLite too: a number would no longer hold the digits typed.
  assert.deepEqual(huge.errors, { pages: [`Ensure this value is greater than or equal to ${BACKEND === 'sqlite' ? -9007199254740991 : -2147483648}.`] });
  const typo = posted('12x');
  assert.equal(await typo.isValid(), false);
  assert.deepEqual(typo.errors, { pages: ['Enter a whole number.'] });
});

test("save() before isValid() validates first, as Django's; an unbound form says it has no data", async () => {
  const { jane } = seeded();
  const valid = new BookForm({ data: { title: 'Lady Susan', author: String(jane.id) } });
  const saved = await valid.save();
  assert.equal((await Book.objects.get({ id: saved.id })).title, 'Lady Susan');
  const invalid = new BookForm({ data: { title: '', author: String(jane.id) } });
  await assert.rejects(invalid.save(), /^FieldError: The Book could not be created because the data didn't validate\.$/);
  assert.deepEqual(invalid.errors, { title: ['This field is required.'] });
  await assert.rejects(new BookForm({ instance: saved }).save(), /The Book could not be changed because the form has no data/);
});
