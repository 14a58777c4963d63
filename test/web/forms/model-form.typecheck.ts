/**
 * Type tests for modelForm(): `tsc --noEmit` checks this file (npm test runs it). Each
 * `@ts-expect-error` line must fail to compile; nothing here runs.
 */
import type { InstanceOfClass } from '../../../src/index.ts';
import { CreateView, modelForm, UpdateView } from '../../../src/web/index.ts';
import { Author, Book, Tag } from './library.ts';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<_T extends true>(): void {}

export async function fieldsAreTypedByTheModel(): Promise<void> {
  const BookForm = modelForm(Book, { fields: ['title', 'author', 'tags', 'published'] });
  const form = new BookForm({ data: { title: 'Emma' } });
  if (await form.isValid()) {
    assertType<Equal<typeof form.cleanedData.title, string>>();
    assertType<Equal<typeof form.cleanedData.published, string | null>>();
    assertType<Equal<typeof form.cleanedData.tags, InstanceOfClass<typeof Tag>[]>>();
    void form.cleanedData.author.name;
    // @ts-expect-error isbn is not a field of this form
    void form.cleanedData.isbn;
    const book = await form.save();
    assertType<Equal<typeof book, InstanceOfClass<typeof Book>>>();
  }
  form.field('title');
  // @ts-expect-error not a field of this form
  form.field('isbn');
  form.addError('title', 'Taken.');
  form.addError(null, 'Something else.');
  // @ts-expect-error not a field of this form
  form.addError('titel', 'Taken.');

  // @ts-expect-error a misspelt field does not compile
  modelForm(Book, { fields: ['titel'] });
  // @ts-expect-error a field of another model
  modelForm(Book, { fields: ['name'] });
  // @ts-expect-error fields or exclude, not both
  modelForm(Book, { fields: ['title'], exclude: ['isbn'] });
  modelForm(Author, { fields: ['name', 'email'], labels: { name: 'Full name' } });
  // @ts-expect-error labels are for the form's model's fields
  modelForm(Author, { fields: ['name'], labels: { nom: 'Full name' } });

  const Short = modelForm(Book, { exclude: ['isbn', 'pages', 'inPrint', 'format'] });
  const short = new Short();
  assertType<Equal<keyof typeof short.cleanedData, 'title' | 'author' | 'tags' | 'published'>>();
  // @ts-expect-error excluded
  short.field('isbn');
  // @ts-expect-error exclude names fields too
  modelForm(Book, { exclude: ['isbm'] });

  CreateView.for(Book, { fields: ['title', 'author'], successUrl: 'book_list' });
  UpdateView.for(Book, { formClass: BookForm });
  // @ts-expect-error a misspelt field in a view does not compile
  CreateView.for(Book, { fields: ['title', 'autor'] });
}
