/** The blog in the admin: what each list shows, how it is searched and filtered. */
import { site } from 'trove/admin';
import { messages } from 'trove/web';
import { Author, Comment, Post, Tag } from './models.ts';

site.register(Author, { listDisplay: ['name', 'email'], searchFields: ['name', '=email'], ordering: ['name'] });
site.register(Post, {
  listDisplay: ['title', 'author', 'status', 'createdAt'],
  listFilter: ['status', 'createdAt', 'author'],
  searchFields: ['title', 'content', 'author__name'],
  dateHierarchy: 'createdAt',
  actions: [
    {
      name: 'publish',
      description: 'Publish selected posts',
      permissions: ['change'],
      async run(_admin, request, posts) {
        const n = await posts.exclude({ status: 'published' }).update({ status: 'published' });
        messages.success(request, `${n} post${n === 1 ? ' was' : 's were'} published.`);
      },
    },
  ],
  fieldsets: [
    ['Content', { fields: ['title', 'content'] }],
    ['Publishing', { fields: ['status', 'author', 'tags'], description: 'Who wrote it, and whether readers see it.' }],
  ],
});
site.register(Comment, { listDisplay: ['__str__', 'post', 'author'], listFilter: ['author'], searchFields: ['text'] });
site.register(Tag, { searchFields: ['name'] });

export { site };
