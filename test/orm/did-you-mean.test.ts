// @backends: sqlite-only
/**
 * "Did you mean …?" on paths: only the segment that names nothing is corrected, against the
 * names of the model the path has reached there, and the valid prefix is kept. Closeness is
 * difflib's ratio (as Django's suggestions), checked against a brute-force reference.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CASCADE, fields as f, model } from '../../src/index.ts';
import fc from 'fast-check';
import { closestName, closestPath } from '../../src/orm/index.ts';
import { similarity } from '../../src/orm/did-you-mean.ts';
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

test('closestName: whole names, as close as difflib.get_close_matches wants (ratio 0.6 at least)', () => {
  assert.equal(closestName('titel', ['title', 'status']), 'title');
  assert.equal(closestName('xyz', ['title']), undefined);
  // One or two letters are close to nothing that shares at most one of them.
  assert.equal(closestName('x', ['pk', 'id']), undefined);
  assert.equal(closestName('ix', ['pk', 'id']), undefined);
  assert.equal(closestPath(Post.meta, 'x'), undefined);
  assert.equal(closestPath(Post.meta, 'ix'), undefined);
});

/** difflib.SequenceMatcher(None, a, b).ratio(), computed by Python 3.11. */
const DIFFLIB_RATIOS: [string, string, number][] = [
  ['pk', 'x', 0], ['id', 'ix', 0.5], ['writer', 'writr', 0.9090909090909091], ['name', 'nmae', 0.75], ['name', 'nme', 0.8571428571428571],
  ['title', 'titel', 0.8], ['email', 'emial', 0.8], ['password', 'pasword', 0.9333333333333333], ['comment', 'commentset', 0.8235294117647058],
  ['abcab', 'bacba', 0.6], ['pk', 'p', 0.6666666666666666], ['name', 'nave', 0.75], ['aaab', 'abaa', 0.5],
];

test("similarity is difflib's ratio", () => {
  for (const [a, b, ratio] of DIFFLIB_RATIOS) assert.equal(similarity(a, b), ratio, `${a} ${b}`);
});

/**
 * The reference: difflib's matching blocks found by brute force (the longest common run, the
 * earliest in a, then in b, then the same on each side), and get_close_matches(n=1, cutoff=0.6).
 */
function referenceMatches(a: string, b: string): number {
  for (let size = Math.min(a.length, b.length); size > 0; size--) {
    for (let i = 0; i + size <= a.length; i++) {
      for (let j = 0; j + size <= b.length; j++) {
        if (a.slice(i, i + size) === b.slice(j, j + size)) return size + referenceMatches(a.slice(0, i), b.slice(0, j)) + referenceMatches(a.slice(i + size), b.slice(j + size));
      }
    }
  }
  return 0;
}
const referenceRatio = (a: string, b: string) => (a.length + b.length === 0 ? 1 : (2 * referenceMatches(a, b)) / (a.length + b.length));
function referenceClosest(word: string, candidates: readonly string[]): string | undefined {
  const scored = candidates.map((c) => [referenceRatio(c.toLowerCase(), word.toLowerCase()), c] as const).filter(([score]) => score >= 0.6);
  // heapq.nlargest(1, [(score, candidate)]): the highest score, then the candidate that sorts last.
  scored.sort((x, y) => (y[0] - x[0]) || (y[1] > x[1] ? 1 : y[1] < x[1] ? -1 : 0));
  return scored[0]?.[1];
}

test('closestName picks what get_close_matches(name, candidates, n=1) picks, on random names', () => {
  const word = fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'd', 'A', '_'), maxLength: 7 });
  fc.assert(fc.property(word, word, (a, b) => Math.abs(similarity(a, b) - referenceRatio(a, b)) < 1e-12), { numRuns: 1000 });
  fc.assert(fc.property(word, fc.array(word, { maxLength: 6 }), (name, candidates) => {
    assert.equal(closestName(name, candidates), referenceClosest(name, candidates));
  }), { numRuns: 1000 });
});

test('a relation to a model not defined (fields.E300) is passed over, never thrown from', () => {
  class Orphan extends model('dym.Orphan', { title: f.char({ maxLength: 10 }), owner: f.foreignKey('dym.Nobody', { onDelete: CASCADE }) }) {}
  assert.equal(closestPath(Orphan.meta, 'titel'), 'title');
  assert.equal(closestPath(Orphan.meta, 'ownr__name'), undefined);
});
