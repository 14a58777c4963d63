/** The models most ORM tests share: a small blog with every kind of field and relation. */
import { model, fields as f, CASCADE, SET_NULL, type RelatedManager, type ManyRelatedManager, type InstanceOfClass } from '../../src/index.ts';

declare module '../../src/index.ts' {
  interface ModelRelations {
    'tb.Author': { posts: RelatedManager<PostRow>; edited: RelatedManager<PostRow>; comments: RelatedManager<CommentRow>; profile: ProfileRow };
    'tb.Post': { commentSet: RelatedManager<CommentRow> };
    'tb.Tag': { posts: ManyRelatedManager<PostRow> };
    'tb.Category': { children: RelatedManager<CategoryRow> };
    'tb.Person': { groups: ManyRelatedManager<GroupRow> };
  }
}
export type PostRow = InstanceOfClass<typeof Post>;
export type CommentRow = InstanceOfClass<typeof Comment>;
export type ProfileRow = InstanceOfClass<typeof Profile>;
export type CategoryRow = InstanceOfClass<typeof Category>;
export type GroupRow = InstanceOfClass<typeof Group>;


export class Author extends model('tb.Author', {
  name: f.char({ maxLength: 100 }),
  email: f.email({ unique: true }),
  age: f.integer({ null: true }),
  bio: f.text({ default: '' }),
}) {}

export class Profile extends model('tb.Profile', {
  author: f.oneToOne(() => Author, { onDelete: CASCADE, relatedName: 'profile' }),
  website: f.char({ maxLength: 200, null: true }),
}) {}

export class Tag extends model('tb.Tag', {
  name: f.char({ maxLength: 50, unique: true }),
}) {}

export class Post extends model('tb.Post', {
  title: f.char({ maxLength: 200 }),
  status: f.char({ maxLength: 20, default: 'draft', choices: ['draft', 'published'] }),
  author: f.foreignKey(() => Author, { onDelete: CASCADE, relatedName: 'posts' }),
  editor: f.foreignKey(() => Author, { onDelete: SET_NULL, null: true, relatedName: 'edited' }),
  tags: f.manyToMany(() => Tag, { relatedName: 'posts', blank: true }),
  rating: f.float({ null: true }),
  price: f.decimal({ maxDigits: 8, decimalPlaces: 2, null: true }),
  published: f.boolean({ default: false }),
  publishedOn: f.date({ null: true }),
  createdAt: f.dateTime({ autoNowAdd: true }),
  updatedAt: f.dateTime({ autoNow: true }),
  extra: f.json<{ words?: number; tags?: string[] } | null>({ null: true }),
}) {
  override toString(): string {
    return this.title;
  }
}

export class Comment extends model('tb.Comment', {
  post: f.foreignKey(() => Post, { onDelete: CASCADE }),
  text: f.text(),
  by: f.foreignKey(() => Author, { onDelete: SET_NULL, null: true, relatedName: 'comments' }),
}) {}

export class Category extends model('tb.Category', {
  name: f.char({ maxLength: 50 }),
  parent: f.foreignKey('self', { onDelete: CASCADE, null: true, relatedName: 'children' }),
}) {}

export class Group extends model('tb.Group', {
  name: f.char({ maxLength: 50 }),
  // A label breaks the type-level cycle Group -> Membership -> Group.
  members: f.manyToMany(() => Person, { through: 'tb.Membership', relatedName: 'groups' }),
}) {}

export class Person extends model('tb.Person', {
  name: f.char({ maxLength: 50 }),
}) {}

export class Membership extends model('tb.Membership', {
  person: f.foreignKey(() => Person, { onDelete: CASCADE }),
  group: f.foreignKey(() => Group, { onDelete: CASCADE }),
  role: f.char({ maxLength: 20, default: 'member' }),
}) {}


/** Two authors, three posts, tags and comments: enough to tell lookups apart. */
export async function seedBlog() {
  const ann = await Author.objects.create({ name: 'Ann', email: 'ann@example.com', age: 31 });
  const bob = await Author.objects.create({ name: 'Bob', email: 'bob@example.org', age: null });
  const cy = await Author.objects.create({ name: 'Cy', email: 'cy@example.com', age: 45 });
  const hello = await Post.objects.create({ title: 'Hello World', author: ann, status: 'published', rating: 4.5, price: '9.99', published: true, publishedOn: '2024-03-01' });
  const draft = await Post.objects.create({ title: 'Draft notes', author: ann, editor: bob, rating: 2 });
  const bobs = await Post.objects.create({ title: 'Bob on 100% cotton_wool', authorId: bob.id, status: 'published', price: 20 });
  const [news, tech] = await Tag.objects.bulkCreate([{ name: 'news' }, { name: 'tech' }]);
  await hello.tags.add(news!, tech!);
  await bobs.tags.add(tech!);
  await Comment.objects.create({ post: hello, text: 'Nice', by: bob });
  await Comment.objects.create({ post: hello, text: 'Thanks', by: ann });
  await Comment.objects.create({ post: bobs, text: 'Soft', by: null });
  return { ann, bob, cy, hello, draft, bobs, news: news!, tech: tech! };
}
