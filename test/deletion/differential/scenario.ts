/**
 * Random deletion scenarios: a schema of 2 to 6 models (self and cyclic keys, every on_delete
 * rule, nullable or not, with or without a database constraint, with or without a trash), rows,
 * and a few operations (delete, hard delete, restore) with random filters.
 */
import fc from 'fast-check';

export type Rule = 'CASCADE' | 'PROTECT' | 'RESTRICT' | 'SET_NULL' | 'SET_DEFAULT' | 'DO_NOTHING';

export interface FkSpec {
  name: string;
  /** Index of the model pointed at. */
  target: number;
  rule: Rule;
  nullable: boolean;
  /** A database constraint; without one a key may point at no row. */
  constraint: boolean;
}

export interface ModelSpec {
  soft: boolean;
  fks: FkSpec[];
}

/** A row: its id, an integer `v` and one value per foreign key (null or an id). */
export interface RowSpec {
  id: number;
  v: number;
  fks: (number | null)[];
}

export type Leaf =
  | { kind: 'v'; lookup: 'exact' | 'lte' | 'gt'; value: number }
  | { kind: 'id'; lookup: 'in' | 'gt' | 'lte'; value: number | number[] }
  /** `__isnull` on `v` (never null: true only on a missing related row) or on the last relation. */
  | { kind: 'isnull'; value: boolean };

export type Hop = { kind: 'forward'; model: number; fk: number } | { kind: 'reverse'; model: number; fk: number };

export interface Condition {
  hops: Hop[];
  leaf: Leaf;
  /** `isnull` applies to the last relation itself rather than to `v` of the row it reaches. */
  onRelation: boolean;
}

export interface Filter {
  /** ANDed in one filter() call. */
  include: Condition[];
  /** One exclude() call, or none. */
  exclude: Condition | undefined;
}

export type Operation =
  | { kind: 'delete' | 'hardDelete' | 'plan'; model: number; filter: Filter }
  /** Restores the soft delete made by operation `of`, if it made one. */
  | { kind: 'restore'; of: number };

export interface Scenario {
  models: ModelSpec[];
  rows: RowSpec[][];
  operations: Operation[];
}

const RULES: Rule[] = ['CASCADE', 'PROTECT', 'RESTRICT', 'SET_NULL', 'SET_DEFAULT', 'DO_NOTHING'];

function fkSpec(index: number, count: number, position: number) {
  return fc
    // Self keys (trees, chains) are where deletes go wrong most: pick them often.
    .record({ target: fc.oneof(fc.constant(index), fc.nat(count - 1)), rule: fc.constantFrom(...RULES), nullable: fc.boolean(), constraint: fc.boolean() })
    .map(({ target, rule, nullable, constraint }): FkSpec => {
      // A key that must be set points at an earlier model, so rows can be inserted in order.
      const required = !nullable && target < index && rule !== 'SET_NULL' && rule !== 'SET_DEFAULT';
      // DO_NOTHING with a constraint would only test the database's refusal; keep it unchecked.
      return { name: `f${position}`, target, rule, nullable: !required, constraint: constraint && rule !== 'DO_NOTHING' };
    });
}

const modelsArb = fc.integer({ min: 2, max: 6 }).chain((count) =>
  fc.tuple(
    ...Array.from({ length: count }, (_, index) =>
      fc.record({
        soft: fc.boolean(),
        fks: fc.integer({ min: index === 0 ? 0 : 1, max: 2 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => fkSpec(index, count, i)))),
      }),
    ),
  ),
);

function rowsArb(models: ModelSpec[]) {
  return fc.tuple(...models.map(() => fc.integer({ min: 1, max: 6 }))).chain((sizes) =>
    fc.tuple(
      ...models.map((model, m) =>
        fc.tuple(
          ...Array.from({ length: sizes[m]! }, (_, i) =>
            fc.record({
              v: fc.nat(3),
              fks: fc.tuple(
                ...model.fks.map((fk) => {
                  const ids = sizes[fk.target]!;
                  // Without a constraint a key may also point past the last row.
                  const value = fc.integer({ min: 1, max: fk.constraint ? ids : ids + 2 });
                  return fk.nullable ? fc.option(value, { nil: null, freq: 3 }) : value;
                }),
              ),
            }).map(({ v, fks }): RowSpec => ({ id: i + 1, v, fks })),
          ),
        ),
      ),
    ),
  );
}

/** The relations a condition can cross from model `m`. */
function hopsFrom(models: ModelSpec[], m: number): Hop[] {
  const forward = models[m]!.fks.map((_, fk): Hop => ({ kind: 'forward', model: m, fk }));
  const reverse = models.flatMap((model, i) => model.fks.flatMap((fk, j): Hop[] => (fk.target === m ? [{ kind: 'reverse', model: i, fk: j }] : [])));
  return [...forward, ...reverse];
}

function reached(models: ModelSpec[], hop: Hop): number {
  return hop.kind === 'forward' ? models[hop.model]!.fks[hop.fk]!.target : hop.model;
}

function leafArb(): fc.Arbitrary<Leaf> {
  return fc.oneof(
    fc.record({ kind: fc.constant('v' as const), lookup: fc.constantFrom('exact' as const, 'lte' as const, 'gt' as const), value: fc.nat(3) }),
    fc.record({ kind: fc.constant('id' as const), lookup: fc.constantFrom('gt' as const, 'lte' as const), value: fc.integer({ min: 0, max: 6 }) }),
    fc.record({ kind: fc.constant('id' as const), lookup: fc.constant('in' as const), value: fc.uniqueArray(fc.integer({ min: 1, max: 7 }), { maxLength: 3 }) }),
    { arbitrary: fc.record({ kind: fc.constant('isnull' as const), value: fc.boolean() }), weight: 2 },
  );
}

function conditionArb(models: ModelSpec[], m: number): fc.Arbitrary<Condition> {
  const first = hopsFrom(models, m);
  const local = leafArb().map((leaf): Condition => ({ hops: [], leaf, onRelation: false }));
  if (first.length === 0) return local;
  const across = fc.constantFrom(...first).chain((hop) => {
    const next = hop.kind === 'forward' ? hopsFrom(models, reached(models, hop)).filter((h) => h.kind === 'forward') : [];
    const path = next.length === 0 ? fc.constant([hop]) : fc.oneof(fc.constant([hop]), fc.constantFrom(...next).map((h) => [hop, h]));
    return fc.tuple(path, leafArb(), fc.boolean()).map(([hops, leaf, onRelation]): Condition => ({
      hops,
      leaf,
      onRelation: onRelation && leaf.kind === 'isnull',
    }));
  });
  return fc.oneof({ arbitrary: local, weight: 1 }, { arbitrary: across, weight: 3 });
}

function filterArb(models: ModelSpec[], m: number): fc.Arbitrary<Filter> {
  const condition = conditionArb(models, m);
  return fc.record({
    include: fc.array(condition, { maxLength: 2 }),
    exclude: fc.option(condition, { nil: undefined, freq: 2 }),
  });
}

function operationsArb(models: ModelSpec[]): fc.Arbitrary<Operation[]> {
  const onModel = fc.nat(models.length - 1).chain((model) =>
    fc.record({ kind: fc.constantFrom('delete' as const, 'delete' as const, 'hardDelete' as const, 'plan' as const), model: fc.constant(model), filter: filterArb(models, model) }),
  );
  return fc.array(onModel, { minLength: 1, maxLength: 3 }).chain((ops) =>
    fc.tuple(fc.constant(ops), fc.array(fc.nat(ops.length - 1), { maxLength: 2 })).map(([deletes, restores]) => {
      const all: Operation[] = [...deletes];
      for (const of of restores) all.push({ kind: 'restore', of });
      return all;
    }),
  );
}

export const scenarioArb: fc.Arbitrary<Scenario> = modelsArb.chain((models) =>
  fc.record({ models: fc.constant(models), rows: rowsArb(models), operations: operationsArb(models) }),
);

/** The filter dictionary key of a condition, e.g. `f0__f1__v__lte` or `r_2_0__isnull`. */
export function conditionKey(models: ModelSpec[], condition: Condition): string {
  const parts = condition.hops.map((hop) => (hop.kind === 'forward' ? models[hop.model]!.fks[hop.fk]!.name : relatedName(hop.model, hop.fk)));
  const { leaf } = condition;
  if (condition.onRelation && parts.length > 0) return [...parts, 'isnull'].join('__');
  if (leaf.kind === 'isnull') return [...parts, 'v', 'isnull'].join('__');
  const lookup = leaf.lookup === 'exact' ? [] : [leaf.lookup];
  return [...parts, leaf.kind, ...lookup].join('__');
}

export function relatedName(model: number, fk: number): string {
  return `r_${model}_${fk}`;
}
