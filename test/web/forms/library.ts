/** The library the form tests use: authors, books (an author, tags, a publication date), loans. */
import { CASCADE, PROTECT, fields as f, model, ValidationError } from '../../../src/index.ts';

export class Author extends model('library.Author', {
  name: f.char({ maxLength: 100 }),
  email: f.email({ unique: true, blank: true }),
}) {
  override toString() {
    return this.name;
  }
}

export class Tag extends model('library.Tag', { name: f.char({ maxLength: 40, unique: true }) }) {
  override toString() {
    return this.name;
  }
}

export class Book extends model('library.Book', {
  title: f.char({ maxLength: 200 }),
  author: f.foreignKey(() => Author, { onDelete: CASCADE, relatedName: 'books' }),
  tags: f.manyToMany(() => Tag, { relatedName: 'books', blank: true }),
  published: f.date({ null: true, blank: true, helpText: 'The day of its first edition.' }),
  isbn: f.char({ maxLength: 17, unique: true, null: true, blank: true, verboseName: 'ISBN' }),
  pages: f.integer({ null: true, blank: true }),
  inPrint: f.boolean({ default: true }),
  format: f.char({ maxLength: 10, choices: [['hardback', 'Hardback'], ['paperback', 'Paperback']], default: 'paperback' }),
}, { uniqueTogether: [['title', 'author']] }) {
  override toString() {
    return this.title;
  }

  getAbsoluteUrl(): string {
    return `/books/${this.id}/`;
  }

  override clean(): void {
    if (this.title?.toLowerCase() === 'untitled') throw new ValidationError({ title: 'Give the book a real title.' });
  }
}

export class Loan extends model('library.Loan', {
  book: f.foreignKey(() => Book, { onDelete: PROTECT, relatedName: 'loans' }),
  borrower: f.char({ maxLength: 100 }),
  due: f.date(),
  returned: f.boolean({ default: false }),
  note: f.text({ blank: true, default: '' }),
}) {
  override toString() {
    return `${this.borrower}: ${this.bookId}`;
  }
}
