/** The differential test's schema on Trove (see spec.ts). */
import { model, fields as f, CASCADE, SET_NULL } from '../../../../src/index.ts';

export class Author extends model('qd.Author', {
  name: f.char({ maxLength: 20 }),
  age: f.integer({ null: true }),
}) {}

export class Tag extends model('qd.Tag', {
  name: f.char({ maxLength: 20 }),
  weight: f.integer(),
}) {}

export class Post extends model('qd.Post', {
  title: f.char({ maxLength: 20 }),
  views: f.integer(),
  featured: f.boolean(),
  author: f.foreignKey(() => Author, { onDelete: CASCADE, relatedName: 'posts' }),
  editor: f.foreignKey(() => Author, { onDelete: SET_NULL, null: true, relatedName: 'edited' }),
  createdAt: f.dateTime(),
  tags: f.manyToMany(() => Tag, { relatedName: 'posts' }),
}) {}

export class Comment extends model('qd.Comment', {
  post: f.foreignKey(() => Post, { onDelete: CASCADE, relatedName: 'comments' }),
  parent: f.foreignKey('self', { onDelete: CASCADE, null: true, relatedName: 'replies' }),
  score: f.integer({ null: true }),
}) {}

export const MODELS = { Author, Tag, Post, Comment } as const;
