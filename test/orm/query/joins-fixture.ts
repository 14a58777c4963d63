/**
 * The models of the join tests (where.test.ts, aggregation.test.ts), generated data for them, and
 * that data in the database and as django-joins.ts reads it.
 */
import fc from 'fast-check';
import { CASCADE, Q, fields as f, model } from '../../../src/index.ts';
import type { QJ, Row, World } from './django-joins.ts';

export class Author extends model('joins.Author', { name: f.char({ maxLength: 10 }), rating: f.integer({ null: true }) }) {}
export class Tag extends model('joins.Tag', { name: f.char({ maxLength: 10 }), weight: f.integer({ null: true }) }) {}
export class Post extends model('joins.Post', {
  author: f.foreignKey(() => Author, { onDelete: CASCADE, relatedName: 'posts' }),
  editor: f.foreignKey(() => Author, { onDelete: CASCADE, relatedName: 'edited', null: true }),
  title: f.char({ maxLength: 10 }),
  rating: f.integer({ null: true }),
  tags: f.manyToMany(() => Tag, { relatedName: 'posts' }),
}) {}
export class Comment extends model('joins.Comment', { post: f.foreignKey(() => Post, { onDelete: CASCADE, relatedName: 'comments' }), score: f.integer({ null: true }) }) {}

export const worldArb = fc.record({
  authors: fc.array(fc.record({ name: fc.constantFrom('a', 'b'), rating: fc.constantFrom(1, 2, null) }), { minLength: 1, maxLength: 3 }),
  tags: fc.array(fc.record({ name: fc.constantFrom('t', 'u'), weight: fc.constantFrom(1, 2, null) }), { minLength: 1, maxLength: 3 }),
  posts: fc.array(fc.record({ author: fc.nat(2), editor: fc.option(fc.nat(2), { nil: null }), title: fc.constantFrom('x', 'y'), rating: fc.constantFrom(1, 2, null), tags: fc.subarray([0, 1, 2]) }), { maxLength: 4 }),
  comments: fc.array(fc.record({ post: fc.nat(3), score: fc.constantFrom(1, 2, null) }), { maxLength: 4 }),
});
export type Data = typeof worldArb extends fc.Arbitrary<infer D> ? D : never;

/** The data in the database, and as the reference reads it (with the ids the database gave). */
export async function load(data: Data): Promise<World> {
  await Comment.objects.all().delete();
  await Post.objects.all().delete();
  await Tag.objects.all().delete();
  await Author.objects.all().delete();
  const authors = await Promise.all(data.authors.map((a) => Author.objects.create(a)));
  const tags = await Promise.all(data.tags.map((t) => Tag.objects.create(t)));
  const posts: Post[] = [];
  const links: Array<[number, number]> = [];
  for (const p of data.posts) {
    const post = await Post.objects.create({ author: authors[p.author % authors.length]!, editor: p.editor === null ? null : authors[p.editor % authors.length]!, title: p.title, rating: p.rating });
    const linked = [...new Set(p.tags.map((i) => tags[i % tags.length]!))];
    if (linked.length > 0) await post.tags.add(...linked);
    linked.forEach((t) => links.push([post.id, t.id]));
    posts.push(post);
  }
  const comments = posts.length === 0 ? [] : await Promise.all(data.comments.map((c) => Comment.objects.create({ post: posts[c.post % posts.length]!, score: c.score })));
  const rows = (list: ReadonlyArray<{ id: number }>, fields: string[]): Row[] => list.map((o) => Object.fromEntries([['id', o.id], ...fields.map((k) => [k, (o as any)[k]])]) as Row);
  return {
    Author: rows(authors, ['name', 'rating']),
    Tag: rows(tags, ['name', 'weight']),
    Post: posts.map((p) => ({ id: p.id, author: p.authorId, editor: p.editorId, title: p.title, rating: p.rating })),
    Comment: rows(comments.map((c) => ({ id: c.id, post: c.postId, score: c.score })), ['post', 'score']),
    links,
  };
}

export function toQ(qj: QJ): Q {
  if ('e' in qj) return Q();
  if ('d' in qj) return Q(qj.d);
  const [first, ...rest] = qj.c.map(toQ) as [Q, ...Q[]];
  const q = rest.length === 0 ? Q(first) : qj.q === 'and' ? first.and(...rest) : first.or(...rest);
  return qj.neg ? q.not() : q;
}

