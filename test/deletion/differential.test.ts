/**
 * The deletion engine against a plain reference (differential/reference.ts) on random schemas,
 * rows, filters, users and interleaved operations: soft and hard deletes (of querysets of live
 * rows, of every row, of the trash, and of instances), restores (of an operation, an instance, a
 * queryset of the trash) and purges (of an operation, refusing or taking what it overlaps, and
 * by retention). After every operation, its outcome (with the plan taken right before a delete),
 * every row, link and operation state must match. A failure shrinks to a minimal scenario.
 * `FUZZ_RUNS=20000` runs longer; `FUZZ_SEED` and `FUZZ_PATH`, printed with a failure, replay it.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Database } from '../../src/index.ts';
import { BACKEND, setupDatabase } from '../support/database.ts';
import { scenarioArb } from './differential/arbitraries.ts';
import { Reference } from './differential/reference.ts';
import { Harness } from './differential/trove.ts';

// Each scenario makes its own tables, which costs a server about ten times what it costs SQLite:
// CI runs 400 on SQLite and 50 on each server, a new seed every time.
const RUNS = Number(process.env.FUZZ_RUNS ?? (BACKEND === 'sqlite' ? 400 : 30));

let db: Database;
before(async () => {
  db = await setupDatabase();
});
after(() => db?.close());

test(`deletes, restores and purges agree with the reference (${RUNS} random scenarios)`, async () => {
  await fc.assert(
    fc.asyncProperty(scenarioArb, async (scenario) => {
      const harness = await Harness.create(db, scenario);
      try {
        for (const [c, given] of scenario.cases.entries()) {
          await harness.startCase(given);
          const reference = new Reference(scenario.models, given.rows, given.links, given.users, {
            model: (m) => harness.labelOf(m),
            through: (m) => harness.throughLabelOf(m),
          });
          for (const [index, planned] of given.operations.entries()) {
            const operation = reference.concrete(planned);
            const where = `case ${c}, operation ${index} (${operation.kind})`;
            const timing = operation.kind === 'purge' ? await harness.timing() : undefined;
            const expected = reference.apply(operation, index, timing);
            const actual = await harness.run(operation, index);
            assert.deepEqual(actual, expected, where);
            reference.checkStates();
            assert.deepEqual(await harness.snapshot(), reference.snapshot(), `rows, links and operation states after ${where}`);
          }
        }
      } finally {
        await harness.dispose();
      }
    }),
    // FUZZ_SEED and FUZZ_PATH (both printed with a failure) replay it at once.
    { numRuns: RUNS, ...(process.env.FUZZ_SEED && { seed: Number(process.env.FUZZ_SEED) }), ...(process.env.FUZZ_PATH && { path: process.env.FUZZ_PATH }) },
  );
});
