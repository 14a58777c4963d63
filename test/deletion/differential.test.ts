/**
 * The deletion engine against a plain reference (differential/reference.ts) on random schemas,
 * rows, filters and operations: surviving rows, per-model counts, plans and errors must match.
 * A failure shrinks to a minimal scenario. `FUZZ_RUNS=20000` runs longer; `FUZZ_SEED` and
 * `FUZZ_PATH`, printed with a failure, replay it.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  model, fields as f, restoreDeletion, ProtectedError, RestrictedError, OrphanRestoreError, QueryUsageError, Deletion,
  CASCADE, PROTECT, RESTRICT, SET_NULL, SET_DEFAULT, DO_NOTHING, type Database,
} from '../../src/index.ts';
import { BACKEND, setupDatabase } from '../support/database.ts';
import { Reference, type Outcome, type RefError } from './differential/reference.ts';
import { conditionKey, relatedName, scenarioArb, type Condition, type Filter, type ModelSpec, type Operation, type Scenario } from './differential/scenario.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? (BACKEND === 'sqlite' ? 600 : 150));
const RULES = { CASCADE, PROTECT, RESTRICT, SET_NULL, SET_DEFAULT, DO_NOTHING };

let db: Database;
before(async () => {
  db = await setupDatabase();
});
after(() => db?.close());

type ModelClass = ReturnType<typeof model> & { objects: any; allObjects: any; meta: any };

let schemaCount = 0;

/** Defines the scenario's models under a fresh app label and creates their tables. */
async function defineModels(specs: ModelSpec[]): Promise<ModelClass[]> {
  const app = `dx${++schemaCount}`;
  const label = (i: number) => `${app}.M${i}`;
  const classes = specs.map((spec, i) => {
    const fields: Record<string, unknown> = { v: f.integer() };
    spec.fks.forEach((fk, j) => {
      fields[fk.name] = f.foreignKey(fk.target === i ? 'self' : label(fk.target), {
        onDelete: RULES[fk.rule],
        null: fk.nullable,
        dbConstraint: fk.constraint,
        relatedName: relatedName(i, j),
        ...(fk.rule === 'SET_DEFAULT' && { default: null }),
      });
    });
    return model(label(i), fields as never, { softDelete: spec.soft }) as unknown as ModelClass;
  });
  await db.createTables(classes.map((c) => c.meta.tableSpec()));
  return classes;
}

async function insertRows(scenario: Scenario, classes: ModelClass[]): Promise<void> {
  const later: [number, number, string, number | null][] = [];
  for (const [m, rows] of scenario.rows.entries()) {
    const spec = scenario.models[m]!;
    await classes[m]!.objects.bulkCreate(rows.map((row) => {
      const data: Record<string, unknown> = { id: row.id, v: row.v };
      spec.fks.forEach((fk, j) => {
        // Keys to this or a later model are set once every row exists.
        if (fk.target < m) data[`${fk.name}Id`] = row.fks[j];
        else if (row.fks[j] !== null) later.push([m, row.id, `${fk.name}Id`, row.fks[j]!]);
      });
      return data;
    }));
  }
  for (const [m, id, attname, value] of later) await classes[m]!.objects.filter({ id }).update({ [attname]: value });
}

function queryset(scenario: Scenario, classes: ModelClass[], m: number, filter: Filter) {
  const value = (c: Condition) => c.leaf.value;
  let qs = classes[m]!.objects.all();
  // One filter() per condition: conditions across a many-valued relation need not share its row.
  for (const c of filter.include) qs = qs.filter({ [conditionKey(scenario.models, c)]: value(c) });
  if (filter.exclude !== undefined) qs = qs.exclude({ [conditionKey(scenario.models, filter.exclude)]: value(filter.exclude) });
  return qs;
}

function errorKind(error: unknown): RefError | 'other' {
  if (error instanceof ProtectedError) return 'protected';
  if (error instanceof RestrictedError) return 'restricted';
  if (error instanceof OrphanRestoreError) return 'orphan';
  if (error instanceof QueryUsageError) return 'not-active';
  return 'other';
}

async function snapshot(scenario: Scenario, classes: ModelClass[], deletions: Map<string, number>) {
  const tables = [];
  for (const [m, spec] of scenario.models.entries()) {
    const manager = spec.soft ? classes[m]!.allObjects : classes[m]!.objects;
    const rows = await manager.orderBy('id');
    tables.push(rows.map((row: Record<string, unknown>) => ({
      id: row.id,
      v: row.v,
      fks: spec.fks.map((fk) => row[`${fk.name}Id`] ?? null),
      trashedBy: row.deletedAt ? (deletions.get(row.deletionId as string) ?? -1) : null,
    })));
  }
  return tables;
}

/** Runs one operation on Trove and describes what happened as the reference would. */
async function run(scenario: Scenario, classes: ModelClass[], operation: Operation, deletionIds: Map<number, string>, index: number): Promise<Outcome | { error: 'other'; message: string }> {
  try {
    if (operation.kind === 'restore') {
      const id = deletionIds.get(operation.of);
      if (id === undefined) return {};
      const result = await restoreDeletion(id);
      return { byModel: result.byModel };
    }
    const qs = queryset(scenario, classes, operation.model, operation.filter);
    if (operation.kind === 'plan') {
      const plan = await qs.planDelete();
      const error = Object.keys(plan.protected).length > 0 ? 'protected' : Object.keys(plan.restricted).length > 0 ? 'restricted' : undefined;
      return { byModel: plan.byModel, updates: plan.updates, ...(error && { error }) };
    }
    const result = operation.kind === 'hardDelete' ? await qs.hardDelete() : await qs.delete();
    if ('deletionId' in result && result.deletionId !== undefined) deletionIds.set(index, result.deletionId);
    const soft = operation.kind === 'delete' && scenario.models[operation.model]!.soft;
    return soft ? { byModel: result.byModel, recorded: result.deletionId !== undefined } : { byModel: result.byModel };
  } catch (error) {
    const kind = errorKind(error);
    return kind === 'other' ? { error: 'other', message: String((error as Error).stack) } : { error: kind };
  }
}

test(`delete(), planDelete(), hardDelete() and restore agree with the reference (${RUNS} random scenarios)`, async () => {
  await fc.assert(
    fc.asyncProperty(scenarioArb, async (scenario) => {
      const classes = await defineModels(scenario.models);
      try {
        await insertRows(scenario, classes);
        const reference = new Reference(scenario.models, scenario.rows, (m) => classes[m]!.meta.label);
        const deletionIds = new Map<number, string>();
        for (const [index, operation] of scenario.operations.entries()) {
          const expected = reference.apply(operation, index);
          const actual = await run(scenario, classes, operation, deletionIds, index);
          assert.deepEqual(actual, expected, `operation ${index} (${operation.kind})`);
          const byOperation = new Map([...deletionIds].map(([i, id]) => [id, i]));
          assert.deepEqual(await snapshot(scenario, classes, byOperation), reference.snapshot(), `rows after operation ${index} (${operation.kind})`);
        }
        const records = await Deletion.objects.filter({ rootLabel__in: classes.map((c) => c.meta.label) }).count();
        assert.equal(records, deletionIds.size, 'one trash record per soft delete that took rows');
      } finally {
        await db.dropTables(classes.map((c) => c.meta.tableSpec()));
        // The trash records of this scenario only: long runs would otherwise scan them all.
        await Deletion.objects.filter({ rootLabel__in: classes.map((c) => c.meta.label) }).delete();
      }
    }),
    // FUZZ_SEED and FUZZ_PATH (both printed with a failure) replay it at once.
    { numRuns: RUNS, ...(process.env.FUZZ_SEED && { seed: Number(process.env.FUZZ_SEED) }), ...(process.env.FUZZ_PATH && { path: process.env.FUZZ_PATH }) },
  );
});
