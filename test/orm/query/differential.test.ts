/**
 * The query layer against a plain reference of Django's semantics (differential/reference.ts) on
 * random rows of a small blog schema and random querysets: lookups, Q trees, forward and
 * many-valued relations, F(), annotate(), values(), grouping, aggregate(), distinct(), ordering,
 * first()/last(), slices, count() and exists(). Each area of AREAS is a test of its own; a failure
 * shrinks to a minimal case.
 * `FUZZ_RUNS=2000` runs longer (per area); `FUZZ_SEED` and `FUZZ_PATH`, printed with a failure,
 * replay it; `QUERY_DIFF_AREAS=q,values` runs only those areas; `QUERY_DIFF_ALL=1` runs PENDING
 * areas too. bench/query-diff.ts runs the same cases on Django itself.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Database } from '../../../src/index.ts';
import { BACKEND, setupDatabase } from '../../support/database.ts';
import { AREAS, caseArb } from './differential/arbitraries.ts';
import { disagreement } from './differential/compare.ts';
import { Reference } from './differential/reference.ts';
import { insert, run } from './differential/trove.ts';
import './differential/models.ts';

/**
 * Areas that disagree with Django today, not run unless QUERY_DIFF_ALL=1: an area, or
 * `area:backend` for one backend only, each with a comment saying how it fails.
 */
export const PENDING = new Set<string>([]);

/**
 * Forms Trove refuses, before any SQL, as not supported yet, where Django answers: such a query
 * counts for nothing (any other error, or any wrong result, still fails). Each is in
 * docs/queries.md under "Coming from Django".
 */
const UNSUPPORTED: readonly RegExp[] = [
];

/** Cases per area: all areas together stay under a minute per backend; FUZZ_RUNS raises it. */
const RUNS = Number(process.env.FUZZ_RUNS ?? (BACKEND === 'sqlite' ? 100 : 25));
const chosen = process.env.QUERY_DIFF_AREAS?.split(',').map((a) => a.trim()).filter(Boolean);
const pending = (area: string) => PENDING.has(area) || PENDING.has(`${area}:${BACKEND}`);
const areas = Object.keys(AREAS).filter((a) => (chosen ? chosen.includes(a) : process.env.QUERY_DIFF_ALL === '1' || !pending(a)));

let db: Database;
before(async () => {
  db = await setupDatabase();
});
after(() => db?.close());

for (const area of areas) {
  test(`${area}: querysets agree with the reference (${RUNS} random cases)`, async () => {
    await fc.assert(
      fc.asyncProperty(caseArb([area]), async ({ data, queries }) => {
        await insert(db, data);
        const reference = new Reference(data, BACKEND);
        for (const [i, spec] of queries.entries()) {
          const actual = await run(spec);
          if (actual.kind === 'error' && UNSUPPORTED.some((form) => form.test(actual.message))) continue;
          const problem = disagreement(reference.run(spec), actual);
          if (problem !== undefined) assert.fail(`query ${i} ${JSON.stringify(spec)}: ${problem}`);
        }
      }),
      // FUZZ_SEED and FUZZ_PATH (both printed with a failure) replay it at once.
      { numRuns: RUNS, ...(process.env.FUZZ_SEED && { seed: Number(process.env.FUZZ_SEED) }), ...(process.env.FUZZ_PATH && { path: process.env.FUZZ_PATH }) },
    );
  });
}
