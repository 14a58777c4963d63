/** Made by `trove makemigrations` on 2026-11-30 12:55 UTC. */
import { fields as f, CASCADE, SET_NULL } from 'trove';
import { createModel, type Dependency, type Operation } from 'trove/migrations';

export const dependencies: Dependency[] = [];

export const operations: Operation[] = [
  createModel('blog.Author', {
    name: f.char({ maxLength: 100 }),
    email: f.email({ unique: true }),
  }),
  createModel('blog.Tag', {
    name: f.char({ maxLength: 50, unique: true }),
  }),
  createModel('blog.Post', {
    title: f.char({ maxLength: 200 }),
    content: f.text(),
    status: f.char({ maxLength: 20 }),
    author: f.foreignKey('blog.Author', { onDelete: CASCADE, relatedName: 'posts' }),
    tags: f.manyToMany('blog.Tag', { relatedName: 'posts' }),
    createdAt: f.dateTime({ autoNowAdd: true }),
  }, { softDelete: true }),
  createModel('blog.Comment', {
    post: f.foreignKey('blog.Post', { onDelete: CASCADE, relatedName: 'comments' }),
    author: f.foreignKey('blog.Author', { onDelete: SET_NULL, null: true }),
    text: f.text(),
  }, { softDelete: true }),
];
