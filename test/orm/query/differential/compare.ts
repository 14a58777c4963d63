/**
 * Whether a result agrees with the reference: rows as a multiset where the ordering cannot tell
 * them apart (no ordering, or ties), as a sequence where it can; a slice, first() or last() may
 * take any of the tied rows at its edges.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Expected } from './reference.ts';
import type { Out, Result } from './spec.ts';

const key = (o: Out) => JSON.stringify(o, (_, v) => (v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v));

/** Whether `part` is a sub-multiset of `whole` (equal to it when `exact`). */
function within(part: Out[], whole: Out[], exact: boolean): boolean {
  if (exact && part.length !== whole.length) return false;
  const counts = new Map<string, number>();
  for (const o of whole) counts.set(key(o), (counts.get(key(o)) ?? 0) + 1);
  for (const o of part) {
    const n = counts.get(key(o)) ?? 0;
    if (n === 0) return false;
    counts.set(key(o), n - 1);
  }
  return true;
}

/** undefined when they agree; otherwise what was expected, in words. */
export function disagreement(expected: Expected, actual: Result): string | undefined {
  if (actual.kind === 'error') return `expected ${describe(expected)}, got ${actual.message}`;
  if (expected.kind === 'value') {
    return actual.kind === 'value' && key(actual.value) === key(expected.value) ? undefined : `expected ${describe(expected)}, got ${JSON.stringify(actual.kind === 'value' ? actual.value : actual.rows)}`;
  }
  if (actual.kind !== 'rows') return `expected ${describe(expected)}, got ${JSON.stringify(actual.value)}`;
  const got = actual.rows;
  const bad = () => `expected ${describe(expected)}, got ${JSON.stringify(got)}`;
  if (expected.groups === null) return within(got, expected.rows, true) ? undefined : bad();
  const [start, end] = expected.window ?? [0, expected.rows.length];
  if (got.length !== end - start) return bad();
  let position = 0;
  for (const size of expected.groups) {
    const from = Math.max(position, start);
    const to = Math.min(position + size, end);
    if (from < to) {
      const group = expected.rows.slice(position, position + size);
      if (!within(got.slice(from - start, to - start), group, to - from === size)) return bad();
    }
    position += size;
  }
  return undefined;
}

export function describe(expected: Expected): string {
  if (expected.kind === 'value') return JSON.stringify(expected.value);
  const { rows, groups, window } = expected;
  if (groups === null) return `${JSON.stringify(rows)} in any order`;
  const tied = groups.some((g) => g > 1) ? ` (ties: ${JSON.stringify(groups)})` : '';
  return window === null ? `${JSON.stringify(rows)}${tied}` : `rows ${window[0]}..${window[1]} of ${JSON.stringify(rows)}${tied}`;
}

export const same = isDeepStrictEqual;
