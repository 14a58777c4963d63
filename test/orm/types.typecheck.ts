/**
 * Type tests: `npm test` runs `tsc --noEmit` over this file. Each `@ts-expect-error` line must
 * fail to compile; if the types ever accept it, tsc reports the unused directive and the run fails.
 * Nothing here runs.
 */
import { Count, F, Q, Sum, type InstanceOfClass } from '../../src/index.ts';
import { Author, Comment, Post, Tag, Category } from '../support/blog.ts';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function expectType<T>(_value: T): void {}
function assertType<_T extends true>(): void {}

export async function instances(): Promise<void> {
  const post = await Post.objects.get({ id: 1 });
  expectType<string>(post.title);
  expectType<number>(post.id);
  expectType<number>(post.authorId);
  expectType<number | null>(post.editorId);
  expectType<number | null>(post.rating);
  expectType<string | null>(post.price);
  expectType<boolean>(post.published);
  expectType<Date>(post.createdAt);
  expectType<string | null>(post.publishedOn);
  assertType<Equal<typeof post.title, string>>();
  assertType<Equal<typeof post.rating, number | null>>();
  assertType<Equal<typeof post.author.name, string>>();
  assertType<Equal<typeof post.editorId, number | null>>();
  // @ts-expect-error a misspelt property
  post.titel;
  // @ts-expect-error title is a string
  post.title = 5;
  // @ts-expect-error many-to-many managers are read-only properties
  post.tags = null;
  const tags = await post.tags.all();
  expectType<string>(tags[0]!.name);
  const author = await Author.objects.get({ email: 'a@example.com' });
  const posts = await author.posts.filter({ status: 'draft' });
  expectType<string>(posts[0]!.title);
  expectType<InstanceOfClass<typeof Post>[]>(await author.load('posts'));
  const children = await (await Category.objects.get({ id: 1 })).children.all();
  expectType<string>(children[0]!.name);
}

export async function creating(): Promise<void> {
  const ann = await Author.objects.create({ name: 'Ann', email: 'ann@example.com' });
  await Post.objects.create({ title: 'Hi', author: ann });
  await Post.objects.create({ title: 'Hi', authorId: ann.id, rating: null, price: 3.5, createdAt: '2024-01-01T00:00:00Z' });
  new Post({ title: 'draft', author: ann });
  // @ts-expect-error the author is required: as an object or as authorId
  await Post.objects.create({ title: 'Hi' });
  // @ts-expect-error title is required
  await Post.objects.create({ author: ann });
  // @ts-expect-error a misspelt field
  await Post.objects.create({ title: 'Hi', author: ann, titel: 'x' });
  // @ts-expect-error rating is a number
  await Post.objects.create({ title: 'Hi', author: ann, rating: 'high' });
  // @ts-expect-error the author must be an Author
  await Post.objects.create({ title: 'Hi', author: await Tag.objects.get({ id: 1 }) });
  // @ts-expect-error many-to-many values are set through the manager
  await Post.objects.create({ title: 'Hi', author: ann, tags: [] });
  await Comment.objects.create({ post: await Post.objects.get({ id: 1 }), text: 'x' });
  await Tag.objects.bulkCreate([{ name: 'a' }, { name: 'b' }]);
  // @ts-expect-error bulkCreate checks each object
  await Tag.objects.bulkCreate([{ nmae: 'a' }]);
}

export async function filtering(): Promise<void> {
  Post.objects.filter({ status: 'draft', title__icontains: 'hi' }).exclude({ author__name: 'Bob' });
  Post.objects.filter({ rating__gte: 3, id__in: [1, 2], publishedOn__isnull: true, createdAt__lt: new Date() });
  Post.objects.filter({ author__email__endswith: '@example.com', editor: null, tags__name: 'news' });
  Author.objects.filter({ posts__title: 'Hi' });
  Post.objects.filter(Q({ status: 'draft' }).or({ author__email__endswith: '@example.com' }));
  // @ts-expect-error a misspelt field
  Post.objects.filter({ titel: 'x' });
  // @ts-expect-error a misspelt lookup on a known field
  Post.objects.filter({ title__icontans: 'x' });
  // @ts-expect-error rating compares with numbers
  Post.objects.filter({ rating__gt: 'high' });
  // @ts-expect-error in takes an array
  Post.objects.filter({ id__in: 3 });
  // @ts-expect-error isnull takes a boolean
  Post.objects.filter({ rating__isnull: 1 });
  // @ts-expect-error a field of the related model, typed one step deep
  Post.objects.filter({ author__age: 'old' });
  Post.objects.filter({ createdAt__year: 2026, createdAt__month__gte: 3, publishedOn__day__in: [1, 15], createdAt__date: '2026-11-30' });
  // @ts-expect-error a year is a number
  Post.objects.filter({ createdAt__year: 'last' });
  // @ts-expect-error 'date' takes a day of a date-time, and publishedOn is a date already
  Post.objects.filter({ publishedOn__date: '2026-11-30' });
  // @ts-expect-error no text lookups after a transform
  Post.objects.filter({ createdAt__month__icontains: '1' });
  // @ts-expect-error a title has no year
  Post.objects.filter({ title__year: 2026 });
  // @ts-expect-error get() checks its conditions too
  await Post.objects.get({ titel: 'x' });
  // @ts-expect-error update() knows the fields
  await Post.objects.filter({ id: 1 }).update({ rating: 'x' });
  const rows = await Post.objects.values('title', 'status');
  expectType<{ title: string; status: string }[]>(rows);
  // @ts-expect-error values() takes field names
  Post.objects.values('nope');
  // values() and valuesList() across relations, typed; a nullable key on the way makes them nullable.
  const across = await Post.objects.values('title', 'author__email', 'editor__name');
  expectType<{ title: string; author__email: string; editor__name: string | null }[]>(across);
  const pairs = await Post.objects.valuesList('id', 'author__name');
  expectType<[number, string][]>(pairs);
  const emails = await Post.objects.valuesList('author__email', { flat: true });
  expectType<string[]>(emails);
  // @ts-expect-error a misspelt field across a relation
  Post.objects.values('author__nmae');
  // @ts-expect-error a misspelt field across a relation, in a filter
  Post.objects.filter({ author__nam: 'Ann' });
  // @ts-expect-error a misspelt lookup across a relation
  Post.objects.filter({ author__name__icontans: 'Ann' });
  // Paths deeper than the types follow are checked when the query is built.
  Comment.objects.filter({ post__author__profile__website__isnull: true });
}

export async function aggregatesAndExpressions(): Promise<void> {
  const { n, total } = await Post.objects.aggregate({ n: Count('id'), total: Sum('rating') });
  expectType<number>(n);
  expectType<number | null>(total);
  const [author] = await Author.objects.annotate({ postCount: Count('posts') });
  expectType<number | undefined>(author?.postCount);
  // Annotations are filtered and ordered like fields, and typed like them.
  Author.objects.annotate({ postCount: Count('posts') }).filter({ postCount__gte: 2 }).orderBy('-postCount');
  // @ts-expect-error a count is a number
  Author.objects.annotate({ postCount: Count('posts') }).filter({ postCount__gte: 'many' });
  Post.objects.filter({ rating__gt: F('id') });
  await Post.objects.filter({ id: 1 }).update({ rating: F('rating').add(1) });
  // @ts-expect-error an aggregate names a field, not a number
  Count(3);
}

export async function softDeleteModels(): Promise<void> {
  const { Article } = await import('../deletion/soft-models.ts');
  const article = await Article.allObjects.get({ id: 1 });
  expectType<Date | null>(article.deletedAt);
  expectType<string | null>(article.deletionId);
  expectType<boolean>(article.isDeleted);
  Article.deletedObjects.filter({ deletedAt__lt: new Date() });
  const result = await article.delete({ actor: 'ann', reason: 'spam' });
  expectType<string | undefined>(result.deletionId);
  // @ts-expect-error deletedAt is a date
  Article.objects.filter({ deletedAt__lt: 'yesterday'.length });
}

export async function orderingAndRelated(): Promise<void> {
  await Post.objects.orderBy('-createdAt', 'title', 'author__name', 'authorId', 'pk', '?', F('rating').desc({ nullsLast: true }));
  await Post.objects.filter({ published: true }).orderBy('-author__email').selectRelated('author', 'editor');
  await Post.objects.annotate({ tagCount: Count('tags') }).orderBy('-tagCount');
  // A name known only at run time is checked when the query is built.
  const sort: string = 'title';
  await Post.objects.orderBy(sort, `-${sort}`);
  // Paths through reverse relations and many-to-many fields are the query's to check.
  await Author.objects.orderBy('posts__title');
  await Post.objects.orderBy('tags__name');
  // @ts-expect-error a misspelt field
  await Post.objects.orderBy('-titel');
  // @ts-expect-error a misspelt field after a foreign key
  await Post.objects.all().orderBy('author__nmae');
  // @ts-expect-error an annotation of another queryset
  await Post.objects.orderBy('tagCount');
  // @ts-expect-error a misspelt relation
  await Post.objects.selectRelated('autor');
  // @ts-expect-error not a foreign key
  await Post.objects.all().selectRelated('title');
  // @ts-expect-error many-to-many fields load with prefetchRelated()
  await Post.objects.selectRelated('tags');
}
