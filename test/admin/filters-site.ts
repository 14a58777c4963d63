/**
 * A library admin whose sidebar filters by plain values (a title, a page count, a nullable
 * floor, a decimal width, a float depth, a shelf's label across the key), by a reverse relation
 * (a shelf's books) and by keys named by their column (a review's `bookId`, `book__shelfId`):
 * shared by the filter tests over HTTP and in Chromium.
 */
import { CASCADE, SET_NULL, fields as f, model, type InstanceOfClass, type RelatedManager } from '../../src/index.ts';
import { syncPermissions, User } from '../../src/auth/index.ts';
import { AdminSite } from '../../src/admin/index.ts';
import { createApp, include, path } from '../../src/web/index.ts';

declare module '../../src/index.ts' {
  interface ModelRelations {
    'vf.Shelf': { books: RelatedManager<InstanceOfClass<typeof Book>> };
  }
}

export class Shelf extends model('vf.Shelf', {
  label: f.char({ maxLength: 50 }),
  floor: f.integer({ null: true }),
  width: f.decimal({ maxDigits: 6, decimalPlaces: 2, null: true }),
  depth: f.float({ null: true }),
}) {
  override toString(): string { return this.label; }
}

export class Book extends model('vf.Book', {
  title: f.char({ maxLength: 200, blank: true }),
  pages: f.integer({ default: 0 }),
  shelf: f.foreignKey(() => Shelf, { onDelete: SET_NULL, null: true, relatedName: 'books' }),
  notes: f.json({ null: true }),
}) {
  override toString(): string { return this.title || '(untitled)'; }
}

export class Review extends model('vf.Review', { book: f.foreignKey(() => Book, { onDelete: CASCADE }), stars: f.integer() }) {}

export const site = new AdminSite({ name: 'filters' });
site.register(Book, { listDisplay: ['title', 'pages', 'shelf'], listFilter: ['title', 'pages', 'shelf__label'] });
site.register(Shelf, { listDisplay: ['label', 'floor', 'width'], listFilter: ['books', 'floor', 'width', 'depth'] });
// A key's column name (Django's `shelf_id`, which get_field() finds too) filters as the key does.
site.register(Review, { listDisplay: ['stars'], listFilter: ['stars', 'bookId', 'book__shelfId'] });
export const app = createApp({ secretKey: 'filters-secret-key-long-enough-for-tests', urls: [path('admin/', include(site.urls))] });

/** Shelves A (floor 1, 0.80 wide, 0.5 deep), B (floor 2, 0.1 + 0.2 deep) and C (no floor, no depth, no books); books on them and one on none. */
export async function seedLibrary(): Promise<{ a: InstanceType<typeof Shelf>; c: InstanceType<typeof Shelf>; dune: InstanceType<typeof Book> }> {
  await syncPermissions();
  await User.createSuperuser({ username: 'root', password: 'root-pass' });
  const a = await Shelf.objects.create({ label: 'A', floor: 1, width: '0.80', depth: 0.5 });
  const b = await Shelf.objects.create({ label: 'B', floor: 2, width: '1.25', depth: 0.1 + 0.2 });
  const c = await Shelf.objects.create({ label: 'C', floor: null, width: null, depth: null });
  const dune = await Book.objects.create({ title: 'Dune', pages: 412, shelf: a });
  await Book.objects.create({ title: 'Emma', pages: 474, shelf: a });
  await Book.objects.create({ title: 'Dune', pages: 896, shelf: b });
  await Book.objects.create({ title: '', pages: 12, shelf: null });
  await Review.objects.create({ book: dune, stars: 5 });
  return { a, c, dune };
}
