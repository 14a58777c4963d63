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

/** issue 22: fixed in the query layer rewrite; remove when fixed. */
export const PENDING = new Set<string>([]);

const RUNS = Number(process.env.FUZZ_RUNS ?? (BACKEND === 'sqlite' ? 300 : 100));
const chosen = process.env.QUERY_DIFF_AREAS?.split(',').map((a) => a.trim()).filter(Boolean);
const areas = Object.keys(AREAS).filter((a) => (chosen ? chosen.includes(a) : process.env.QUERY_DIFF_ALL === '1' || !PENDING.has(a)));

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
          const problem = disagreement(reference.run(spec), await run(spec));
          if (problem !== undefined) assert.fail(`query ${i} ${JSON.stringify(spec)}: ${problem}`);
        }
      }),
      // FUZZ_SEED and FUZZ_PATH (both printed with a failure) replay it at once.
      { numRuns: RUNS, ...(process.env.FUZZ_SEED && { seed: Number(process.env.FUZZ_SEED) }), ...(process.env.FUZZ_PATH && { path: process.env.FUZZ_PATH }) },
    );
  });
}
