/**
 * Type tests of the admin's options: names of fields the model has compile, names it lacks do
 * not (`tsc --noEmit` in `npm test` fails on an unused `@ts-expect-error`). Nothing here runs.
 */
import { AdminSite } from '../../src/admin/index.ts';
import { Author, Post } from '../support/blog.ts';

export function registering(site: AdminSite): void {
  site.register(Post, {
    listDisplay: ['title', 'author__name', '__str__', { label: 'Words', value: (post) => post.title.split(' ').length }],
    listDisplayLinks: ['title'],
    listFilter: ['published', 'author', 'tags__name'],
    searchFields: ['title', '^author__name', '=status'],
    ordering: ['-createdAt', 'id', '?'],
    dateHierarchy: 'createdAt',
    fields: ['title', 'status', 'author', 'tags'],
    readonlyFields: ['createdAt'],
    rawIdFields: ['author'],
    filterHorizontal: ['tags'],
  });
  // @ts-expect-error a column renamed away
  site.register(Post, { listDisplay: ['titel'] });
  // @ts-expect-error a misspelt filter
  site.register(Post, { listFilter: ['publishd'] });
  // A foreign key by its column's name is the filter by the key, as in Django.
  site.register(Post, { listFilter: ['authorId'] });
  // @ts-expect-error only a foreign key has a column name ending in Id
  site.register(Post, { listFilter: ['titleId'] });
  // A reverse relation that ModelRelations declares, and a plain field, are filters.
  site.register(Author, { listFilter: ['posts', 'name'] });
  // @ts-expect-error a misspelt reverse relation
  site.register(Author, { listFilter: ['psots'] });
  // @ts-expect-error a misspelt search field after its prefix
  site.register(Post, { searchFields: ['^titel'] });
  // @ts-expect-error a misspelt ordering
  site.register(Post, { ordering: ['-createdOn'] });
  // @ts-expect-error a form field the model lacks
  site.register(Post, { fields: ['title', 'body'] });
  // @ts-expect-error fieldsets name fields too
  site.register(Post, { fieldsets: [['Main', { fields: ['titel'] }]] });
  // @ts-expect-error a date hierarchy on a field the model lacks
  site.register(Author, { dateHierarchy: 'joined' });
}
