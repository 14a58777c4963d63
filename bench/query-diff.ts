/**
 * Trove's querysets side by side with Django's: random rows and querysets from the differential
 * test's arbitraries (test/orm/query/differential/), each run on Trove, on Django 5.2 (the same
 * rows, the queryset translated into Django ORM code) and by the test's reference. Reports how
 * many agree and every disagreement, with who sides with whom.
 *
 *   npx tsx bench/query-diff.ts --runs 300                       # SQLite
 *   npx tsx bench/query-diff.ts --runs 300 --db postgres://postgres@127.0.0.1:5432/review4
 *   options: --seed N, --areas q,values (default: every area), --python /path/to/python (a
 *   Django 5.2 environment; default $DJANGO_PYTHON or /work/djvenv/bin/python), --out report.json
 *
 * Django's tables (querydiff_*) and Trove's (qd_*) live side by side in the database given
 * (SQLite: a file each under bench/.data/). Trove's tables are dropped and made anew: give a
 * database no test is using.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import { connect } from '../src/index.ts';
import { AREAS, caseArb } from '../test/orm/query/differential/arbitraries.ts';
import { disagreement } from '../test/orm/query/differential/compare.ts';
import { toPython } from '../test/orm/query/differential/python.ts';
import { Reference, type Backend } from '../test/orm/query/differential/reference.ts';
import type { Out, QuerySpec, Result } from '../test/orm/query/differential/spec.ts';
import { insert, run } from '../test/orm/query/differential/trove.ts';
import '../test/orm/query/differential/models.ts';

const { values: options } = parseArgs({
  options: {
    runs: { type: 'string', default: '300' },
    db: { type: 'string' },
    seed: { type: 'string' },
    areas: { type: 'string' },
    python: { type: 'string', default: process.env.DJANGO_PYTHON ?? '/work/djvenv/bin/python' },
    out: { type: 'string' },
  },
});

const root = new URL('..', import.meta.url).pathname;
const dataDir = join(root, 'bench/.data');
mkdirSync(dataDir, { recursive: true });
const url = options.db ?? `sqlite:${join(dataDir, 'query-diff-trove.db')}`;
const djangoUrl = url.startsWith('sqlite') ? `sqlite:${join(dataDir, 'query-diff-django.db')}` : url;
const backend: Backend = url.startsWith('postgres') ? 'postgres' : url.startsWith('mysql') ? 'mariadb' : 'sqlite';
const areas = options.areas?.split(',').map((a) => a.trim()) ?? Object.keys(AREAS);
const seed = Number(options.seed ?? Date.now() % 2 ** 31);
const cases = fc.sample(caseArb(areas), { numRuns: Number(options.runs), seed });

const key = (o: unknown) => JSON.stringify(o, (_, v) => (v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1))) : v));
const sortedRows = (rows: Out[]) => rows.map(key).sort().join(',');

/** Whether Trove and Django gave the same answer (rows in the same order, or the same rows where the reference says the order is open). */
function same(a: Result, b: Result, ordered: boolean): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'rows' && b.kind === 'rows') return ordered ? key(a.rows) === key(b.rows) : sortedRows(a.rows) === sortedRows(b.rows);
  return key(a) === key(b);
}

/** A guess at which deliberate difference a Django-only answer comes from. */
function why(spec: QuerySpec, django: Result): string {
  const steps = spec.steps;
  const annotations = steps.flatMap((s) => (s.kind === 'annotate' ? s.items : []));
  const relations = new Set(annotations.map((a) => Reference.manySteps(spec.model, a.agg.source)[0]).filter(Boolean));
  const filtersAcross = steps.some((s) => (s.kind === 'filter' || s.kind === 'exclude') && JSON.stringify(s).split('"path":"').slice(1).some((p) => Reference.manySteps(spec.model, p.split('"')[0]!).length > 0));
  const text = JSON.stringify(spec);
  if (backend === 'sqlite' && /"lookup":"(contains|startswith|endswith)"/.test(text)) return "text lookups are case-sensitive (Django's LIKE on SQLite is not)";
  const filtersAcrossPositively = steps.some((s) => s.kind === 'filter' && JSON.stringify(s).split('"path":"').slice(1).some((p) => Reference.manySteps(spec.model, p.split('"')[0]!).length > 0));
  if (filtersAcrossPositively && annotations.length === 0 && spec.terminal.kind !== 'aggregate' && !steps.some((s) => s.kind === 'values')) return 'no duplicate rows from a join';
  if (relations.size > 1 || (spec.terminal.kind === 'aggregate' && new Set(spec.terminal.items.map((i) => Reference.manySteps(spec.model, i.agg.source)[0] ?? '')).size > 1)) return 'annotations across two relations never multiply';
  if (annotations.length > 0 && filtersAcross) return "each filter call's annotation is its own subquery";
  if (spec.terminal.kind === 'aggregate' && filtersAcross) return 'no duplicate rows from a join (aggregate)';
  if (steps.some((s) => s.kind === 'exclude' || JSON.stringify(s).includes('"not"'))) return 'exclude() is the exact negation of filter()';
  return '?';
}

const db = await connect(url);
await db.dropTables();
await db.createTables();

const troveResults: Result[] = [];
const expected: ReturnType<Reference['run']>[] = [];
const specs: QuerySpec[] = [];
const started = Date.now();
for (const c of cases) {
  await insert(db, c.data);
  const reference = new Reference(c.data, backend);
  for (const spec of c.queries) {
    specs.push(spec);
    expected.push(reference.run(spec));
    troveResults.push(await run(spec));
  }
}
await db.close();
const troveSeconds = (Date.now() - started) / 1000;

const casesFile = join(dataDir, 'query-diff-cases.json');
writeFileSync(casesFile, JSON.stringify(cases.map((c) => ({ data: c.data, queries: c.queries.map(toPython) }))));
const python = spawnSync(options.python, [join(root, 'bench/django/querydiff/run.py'), casesFile], {
  env: { ...process.env, QUERYDIFF_DB: djangoUrl },
  encoding: 'utf8',
  maxBuffer: 1 << 30,
});
if (python.status !== 0) {
  console.error(python.stderr);
  process.exit(1);
}
const djangoResults = python.stdout.trim().split('\n').map((line) => JSON.parse(line) as Result);
if (djangoResults.length !== specs.length) throw new Error(`Django answered ${djangoResults.length} querysets of ${specs.length}`);

type Verdict = 'agree' | 'trove differs (Django = reference)' | 'django differs (Trove = reference)' | 'reference differs (Trove = Django)' | 'all three differ';
const counts = new Map<string, Map<Verdict, number>>();
const report: Array<Record<string, unknown>> = [];
for (const [i, spec] of specs.entries()) {
  const exp = expected[i]!;
  const trove = troveResults[i]!;
  const django = djangoResults[i]!;
  const troveOk = disagreement(exp, trove) === undefined;
  const djangoOk = disagreement(exp, django) === undefined;
  const ordered = exp.kind === 'rows' && exp.groups !== null && exp.groups.every((g) => g === 1);
  const verdict: Verdict = troveOk && djangoOk ? 'agree'
    : djangoOk ? 'trove differs (Django = reference)'
    : troveOk ? 'django differs (Trove = reference)'
    : same(trove, django, ordered) ? 'reference differs (Trove = Django)'
    : 'all three differ';
  const area = counts.get(spec.area) ?? new Map<Verdict, number>();
  area.set(verdict, (area.get(verdict) ?? 0) + 1);
  counts.set(spec.area, area);
  if (verdict !== 'agree') {
    report.push({
      area: spec.area, verdict, ...(verdict === 'django differs (Trove = reference)' && { why: why(spec, django) }),
      django: toPython(spec).code, spec, trove, djangoResult: django, reference: exp,
    });
  }
}

const total = specs.length;
const agreeing = report.length === 0 ? total : total - report.length;
console.log(`Trove vs Django 5.2 on ${backend}: ${cases.length} cases, ${total} querysets, seed ${seed} (Trove side ${troveSeconds.toFixed(1)} s)`);
console.log(`agree: ${agreeing} / ${total}`);
for (const [area, verdicts] of [...counts].sort()) {
  console.log(`  ${area.padEnd(18)} ${[...verdicts].map(([v, n]) => `${v}: ${n}`).join(', ')}`);
}
const byWhy = new Map<string, number>();
for (const r of report) if (r.why !== undefined) byWhy.set(r.why as string, (byWhy.get(r.why as string) ?? 0) + 1);
if (byWhy.size > 0) console.log(`Django's answers the reference does not take (Trove's deliberate differences, by a guess at which): ${[...byWhy].map(([w, n]) => `${w}: ${n}`).join('; ')}`);
console.log('');
for (const r of report) {
  console.log(`[${r.area}] ${r.verdict}${r.why ? ` (${r.why})` : ''}`);
  console.log(`  django:    ${r.django}`);
  console.log(`  trove:     ${JSON.stringify(r.trove)}`);
  console.log(`  django ->  ${JSON.stringify(r.djangoResult)}`);
  console.log(`  reference: ${JSON.stringify(r.reference)}`);
}
if (options.out) writeFileSync(options.out, JSON.stringify({ backend, seed, total, agreeing, report }, null, 2));
