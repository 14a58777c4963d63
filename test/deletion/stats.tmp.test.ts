import { test } from 'node:test';
import fc from 'fast-check';
import { isDeepStrictEqual } from 'node:util';
import { setupDatabase } from './../support/database.ts';
import { scenarioArb } from './differential/arbitraries.ts';
import { Reference } from './differential/reference.ts';
import { Harness } from './differential/trove.ts';
test('stats', async () => {
  const db = await setupDatabase();
  const stats = new Map<string, number>();
  const bump = (k: string) => stats.set(k, (stats.get(k) ?? 0) + 1);
  const scenarios = fc.sample(scenarioArb, { numRuns: Number(process.env.N ?? 300), seed: Number(process.env.SEED ?? 7) });
  let t = performance.now();
  for (const [n, scenario] of scenarios.entries()) {
    if (n % 100 === 0) { console.log(n, (performance.now() - t).toFixed(0)); t = performance.now(); }
    const h = await Harness.create(db, scenario);
    for (const given of scenario.cases) {
      await h.startCase(given);
      const reference = new Reference(scenario.models, given.rows, given.links, given.users, { model: (m) => h.labelOf(m), through: (m) => h.throughLabelOf(m) });
      for (const [i, planned] of given.operations.entries()) {
        const op = reference.concrete(planned);
        const timing = op.kind === 'purge' ? await h.timing() : undefined;
        const ex = reference.apply(op, i, timing);
        const a: any = await h.run(op, i);
        const b = ex.findIndex((o) => isDeepStrictEqual(o, a));
        reference.choose(Math.max(b, 0));
        const total = a.byModel ? Object.values(a.byModel as Record<string, number>).reduce((x, y) => x + y, 0) : 0;
        const k = `${op.kind}${'scope' in op ? '/' + op.scope : ''}${'overlapping' in op ? '/' + op.overlapping : ''}: ${a.error ?? (a.skip ? 'skip' : a.missing ? 'missing' : total > 0 ? 'took rows' : 'took none')}${a.plan && Object.keys(a.plan.operations).length ? ' +trash-ops' : ''}${a.deletions?.length > 1 ? ' +several' : ''}${a.skipped?.length ? ' +skipped' : ''}`;
        bump(k);
        if (b < 0) bump('MISMATCH ' + op.kind);
      }
    }
    await h.dispose();
  }
  console.log([...stats].sort().map(([k, v]) => `${v}\t${k}`).join('\n'));
  await db.close();
});
