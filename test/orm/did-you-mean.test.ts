// @backends: sqlite-only
/**
 * "Did you mean …?" on paths: only the segment that names nothing is corrected, against the
 * names of the model the path has reached there, and the valid prefix is kept.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CASCADE, fields as f, model } from '../../src/index.ts';
import { closestName, closestPath } from '../../src/orm/index.ts';
import { Comment, Post } from '../support/blog.ts';

test('the failing segment is corrected, the valid prefix kept', () => {
  assert.equal(closestPath(Post.meta, 'author__nmae'), 'author__name');
  assert.equal(closestPath(Comment.meta, 'post__author__emial'), 'post__author__email');
  assert.equal(closestPath(Post.meta, 'titel'), 'title');
});

test('a segment mid-path is corrected to a relation, and several segments can be', () => {
  assert.equal(closestPath(Post.meta, 'autor__name'), 'author__name');
  assert.equal(closestPath(Comment.meta, 'pots__autor__nmae'), 'post__author__name');
});

test('forward only: no many-to-many or reverse relation is suggested; otherwise they are', () => {
  assert.equal(closestPath(Post.meta, 'tags__nmae'), 'tags__name');
  assert.equal(closestPath(Post.meta, 'tags__nmae', { forwardOnly: true }), undefined);
  assert.equal(closestPath(Post.meta, 'commentSet__txt'), 'comment__text', 'the accessor is commentSet, the query name comment');
  assert.equal(closestPath(Post.meta, 'coment__txt'), 'comment__text');
});

test('nothing to suggest: a valid path, a segment far from every name, a lookup after a plain field', () => {
  assert.equal(closestPath(Post.meta, 'author__name'), undefined);
  assert.equal(closestPath(Post.meta, 'author__zzzzzzzz'), undefined);
  assert.equal(closestPath(Post.meta, 'title__nmae'), undefined);
});

test('closestName: whole names, a third of the letters off at most', () => {
  assert.equal(closestName('titel', ['title', 'status']), 'title');
  assert.equal(closestName('xyz', ['title']), undefined);
});

test('a relation to a model not defined (fields.E300) is passed over, never thrown from', () => {
  class Orphan extends model('dym.Orphan', { title: f.char({ maxLength: 10 }), owner: f.foreignKey('dym.Nobody', { onDelete: CASCADE }) }) {}
  assert.equal(closestPath(Orphan.meta, 'titel'), 'title');
  assert.equal(closestPath(Orphan.meta, 'ownr__name'), undefined);
});
