/** fast-check arbitraries for the scenarios of scenario.ts. */
import fc from 'fast-check';
import {
  reached, type Action, type Compare, type Condition, type Filter, type FkSpec, type FRef, type Hop, type Leaf, type Link, type Many, type ModelSpec, type Node,
  type Operation, type RowSpec, type Scenario, type Case, type UserSpec, type Via, type VLeaf,
} from './scenario.ts';

const RULES = ['CASCADE', 'PROTECT', 'RESTRICT', 'SET_NULL', 'SET_DEFAULT', 'DO_NOTHING'] as const;

function fkSpec(index: number, count: number, position: number): fc.Arbitrary<FkSpec> {
  return fc
    // Self keys (trees, chains) are where deletes go wrong most: pick them often.
    // CASCADE between models with a trash is where operations overlap: pick it often too.
    .record({ target: fc.oneof(fc.constant(index), fc.nat(count - 1)), rule: fc.oneof({ weight: 3, arbitrary: fc.constant('CASCADE' as const) }, { weight: 5, arbitrary: fc.constantFrom(...RULES) }), nullable: fc.boolean(), constraint: fc.boolean() })
    .map(({ target, rule, nullable, constraint }): FkSpec => {
      // A key that must be set points at an earlier model, so rows can be inserted in order.
      const required = !nullable && target < index && rule !== 'SET_NULL' && rule !== 'SET_DEFAULT';
      // DO_NOTHING with a constraint: a hard delete that leaves such a key pointing at a row it takes is refused.
      return { name: `f${position}`, target, rule, nullable: !required, constraint };
    });
}

const modelsArb: fc.Arbitrary<ModelSpec[]> = fc.integer({ min: 2, max: 6 }).chain((count) =>
  fc.tuple(
    ...Array.from({ length: count }, (_, index) =>
      fc.record({
        soft: fc.integer({ min: 0, max: 9 }).map((n) => n < 7),
        fks: fc.integer({ min: index === 0 ? 0 : 1, max: 2 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => fkSpec(index, count, i)))),
        m2m: fc.option(fc.record({ target: fc.nat(count - 1) }), { nil: null, freq: 4 }),
      }),
    ),
  ),
);

function rowsArb(models: ModelSpec[]): fc.Arbitrary<{ rows: RowSpec[][]; links: Link[][] }> {
  return fc.tuple(...models.map(() => fc.integer({ min: 1, max: 6 }))).chain((sizes) =>
    fc.record({
      rows: fc.tuple(
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
      links: fc.tuple(
        ...models.map((model, m) =>
          model.m2m === null
            ? fc.constant([] as Link[])
            : fc.uniqueArray(fc.tuple(fc.integer({ min: 1, max: sizes[m]! }), fc.integer({ min: 1, max: sizes[model.m2m.target]! })), {
              maxLength: 6, selector: ([s, t]) => `${s}:${t}`,
            }) as fc.Arbitrary<Link[]>,
        ),
      ),
    }),
  );
}

// ---- filters -------------------------------------------------------------------------------

/** The relations a dictionary condition can cross from model `m`. */
function hopsFrom(models: ModelSpec[], m: number): Hop[] {
  const forward = models[m]!.fks.map((_, fk): Hop => ({ kind: 'forward', model: m, fk }));
  const reverse = models.flatMap((model, i) => model.fks.flatMap((fk, j): Hop[] => (fk.target === m ? [{ kind: 'reverse', model: i, fk: j }] : [])));
  const m2m: Hop[] = [
    ...(models[m]!.m2m === null ? [] : [{ kind: 'm2m' as const, model: m, direction: 'forward' as const }]),
    ...models.flatMap((model, i): Hop[] => (model.m2m?.target === m ? [{ kind: 'm2m', model: i, direction: 'reverse' }] : [])),
  ];
  return [...forward, ...reverse, ...m2m];
}

function viasFrom(models: ModelSpec[], m: number): Via[] {
  return hopsFrom(models, m).flatMap((hop): Via[] => (hop.kind === 'forward' ? [{ kind: 'forward', fk: hop.fk }] : hop.kind === 'reverse' ? [hop] : []));
}

function manysFrom(models: ModelSpec[], m: number): Many[] {
  return hopsFrom(models, m).flatMap((hop): Many[] => (hop.kind === 'forward' ? [] : [hop]));
}

function leafArb(): fc.Arbitrary<Leaf> {
  return fc.oneof(
    fc.record({ kind: fc.constant('v' as const), lookup: fc.constantFrom('exact' as const, 'lte' as const, 'gt' as const), value: fc.nat(3) }),
    fc.record({ kind: fc.constant('id' as const), lookup: fc.constantFrom('gt' as const, 'lte' as const), value: fc.integer({ min: 0, max: 6 }) }),
    fc.record({ kind: fc.constant('id' as const), lookup: fc.constant('in' as const), value: fc.uniqueArray(fc.integer({ min: 1, max: 7 }), { maxLength: 3 }) }),
    { arbitrary: fc.record({ kind: fc.constant('isnull' as const), value: fc.boolean() }), weight: 2 },
  );
}

const vLeafArb: fc.Arbitrary<VLeaf> = fc.record({ lookup: fc.constantFrom('exact' as const, 'gt' as const, 'lte' as const), value: fc.nat(3) });
const compareArb: fc.Arbitrary<Compare> = fc.constantFrom('exact', 'gt', 'gte', 'lt', 'lte');

function conditionArb(models: ModelSpec[], m: number): fc.Arbitrary<Condition> {
  const first = hopsFrom(models, m);
  const local = leafArb().map((leaf): Condition => ({ hops: [], leaf, onRelation: false }));
  if (first.length === 0) return local;
  const across = fc.constantFrom(...first).chain((hop) => {
    const next = hopsFrom(models, reached(models, hop)).filter((h) => h.kind === 'forward');
    const path = next.length === 0 ? fc.constant([hop]) : fc.oneof(fc.constant([hop]), fc.constantFrom(...next).map((h) => [hop, h]));
    return fc.tuple(path, leafArb(), fc.boolean()).map(([hops, leaf, onRelation]): Condition => ({ hops, leaf, onRelation: onRelation && leaf.kind === 'isnull' }));
  });
  return fc.oneof({ arbitrary: local, weight: 1 }, { arbitrary: across, weight: 3 });
}

/** One condition on rows of model `m`: a tree of depth at most `depth`. */
function nodeArb(models: ModelSpec[], m: number, depth: number): fc.Arbitrary<Node> {
  const vias = viasFrom(models, m);
  const manys = manysFrom(models, m);
  const refs: FRef[] = [{ kind: 'id' }, ...models[m]!.fks.flatMap((_, fk): FRef[] => [{ kind: 'key', fk }, { kind: 'across', fk }])];
  const leaves: fc.WeightedArbitrary<Node>[] = [
    { weight: 6, arbitrary: conditionArb(models, m).map((condition): Node => ({ kind: 'path', condition })) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('f' as const), lookup: compareArb, ref: fc.constantFrom(...refs), add: fc.integer({ min: -1, max: 1 }) }) },
    { weight: 1, arbitrary: fc.constant({ kind: 'empty' as const }) },
  ];
  if (vias.length > 0) {
    leaves.push(
      { weight: 2, arbitrary: fc.record({ kind: fc.constant('exists' as const), via: fc.constantFrom(...vias), scope: fc.constantFrom('live' as const, 'all' as const), inner: fc.option(vLeafArb, { nil: null }), negated: fc.boolean() }) },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant('subquery' as const), via: fc.constantFrom(...vias), form: fc.constantFrom('compare' as const, 'annotation' as const), lookup: compareArb, value: fc.nat(3) }) },
    );
  }
  if (manys.length > 0) {
    leaves.push({
      weight: 2,
      arbitrary: fc.record({ kind: fc.constant('aggregate' as const), fn: fc.constantFrom('count' as const, 'sum' as const), over: fc.constantFrom(...manys), filter: fc.option(vLeafArb, { nil: null }), lookup: compareArb, value: fc.nat(3) }),
    });
  }
  const leaf = fc.oneof(...leaves);
  if (depth === 0) return leaf;
  const inner = nodeArb(models, m, depth - 1);
  return fc.oneof(
    { weight: 4, arbitrary: leaf },
    { weight: 1, arbitrary: fc.record({ kind: fc.constantFrom('and' as const, 'or' as const), children: fc.array(inner, { minLength: 2, maxLength: 3 }) }) },
    { weight: 1, arbitrary: inner.map((child): Node => ({ kind: 'not', child })) },
  );
}

export function filterArb(models: ModelSpec[], m: number): fc.Arbitrary<Filter> {
  const call = fc.record({ exclude: fc.integer({ min: 0, max: 2 }).map((n) => n === 0), node: nodeArb(models, m, 2) });
  // Often no condition at all: deletes that take much make later operations meet.
  return fc.record({ calls: fc.oneof({ weight: 1, arbitrary: fc.constant([]) }, { weight: 3, arbitrary: fc.array(call, { minLength: 1, maxLength: 2 }) }) });
}

// ---- users and operations ------------------------------------------------------------------

function usersArb(models: ModelSpec[]): fc.Arbitrary<UserSpec[]> {
  // Most permissions are granted: refusals stay informative, not universal.
  const granted = fc.integer({ min: 0, max: 5 }).map((n) => n > 0);
  const user = fc.tuple(...models.map(() => fc.tuple(granted, granted, granted))).map((perModel): UserSpec => ({
    may: perModel.map(([d, r, p]) => [...(d ? ['delete' as Action] : []), ...(r ? ['restore' as Action] : []), ...(p ? ['purge' as Action] : [])]),
  }));
  return fc.array(user, { minLength: 1, maxLength: 3 });
}

function operationArb(models: ModelSpec[], users: number): fc.Arbitrary<Operation> {
  const user = fc.option(fc.nat(users - 1), { nil: null, freq: 2 });
  const soft = models.flatMap((spec, i) => (spec.soft ? [i] : []));
  const any = fc.nat(models.length - 1);
  // Models with a trash are where operations live: pick them more often.
  const model = soft.length === 0 ? any : fc.oneof({ weight: 1, arbitrary: any }, { weight: 2, arbitrary: fc.constantFrom(...soft) });
  const id = fc.nat(5);
  const of = fc.nat(5);
  // One delete in three goes online, in batches of 1 to 3 root keys; half of those sweep every
  // model they may before their root slices, however few rows it has.
  const onlineArb = fc.option(fc.record({ batch: fc.integer({ min: 1, max: 3 }), sweep: fc.boolean() }), { nil: null, freq: 2 });
  const ops: fc.WeightedArbitrary<Operation>[] = [
    { weight: 5, arbitrary: model.chain((m) => fc.record({ kind: fc.constant('delete' as const), model: fc.constant(m), filter: filterArb(models, m), user, online: onlineArb })) },
    {
      weight: 2,
      arbitrary: model.chain((m) =>
        fc.record({ kind: fc.constant('hardDelete' as const), model: fc.constant(m), scope: models[m]!.soft ? fc.constantFrom('live' as const, 'all' as const, 'deleted' as const, 'deleted' as const) : fc.constant('live' as const), filter: filterArb(models, m), user }),
      ),
    },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('deleteInstance' as const), model, id, among: fc.constantFrom('any' as const, 'trash' as const), hard: fc.boolean(), user }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('restoreDeletion' as const), of, user }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('purgeDeletion' as const), of, overlapping: fc.boolean(), user, online: fc.option(fc.record({ batch: fc.integer({ min: 1, max: 3 }) }), { nil: null, freq: 2 }) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('purge' as const), upTo: fc.option(of, { nil: null }), user }) },
  ];
  if (soft.length > 0) {
    const softModel = fc.constantFrom(...soft);
    ops.push(
      { weight: 2, arbitrary: fc.record({ kind: fc.constant('restoreInstance' as const), model: softModel, id, among: fc.constantFrom('any' as const, 'trash' as const, 'trash' as const), user }) },
      { weight: 1, arbitrary: softModel.chain((m) => fc.record({ kind: fc.constant('restoreQuerySet' as const), model: fc.constant(m), filter: filterArb(models, m), user })) },
    );
  }
  return fc.oneof(...ops);
}

/**
 * Soft deletes of rows of a model with a trash, then of the rows they hang from through CASCADE:
 * operations that overlap (the parent's cascade reaches the child's trash), where purges and
 * hard deletes must keep each operation whole and its state true.
 */
function overlapArb(models: ModelSpec[]): fc.Arbitrary<Operation[]> {
  const edges = models.flatMap((child, c) => (child.soft ? child.fks.flatMap((fk) => (fk.rule === 'CASCADE' && models[fk.target]!.soft ? [[c, fk.target] as const] : [])) : []));
  if (edges.length === 0) return fc.constant([]);
  const some = fc.uniqueArray(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 3 });
  const byId = (ids: number[]): Filter => ({ calls: [{ exclude: false, node: { kind: 'path', condition: { hops: [], leaf: { kind: 'id', lookup: 'in', value: ids }, onRelation: false } } }] });
  return fc.tuple(fc.constantFrom(...edges), some, fc.option(some, { nil: undefined })).map(([[child, parent], childIds, parentIds]): Operation[] => [
    { kind: 'delete', model: child, filter: byId(childIds), user: null },
    { kind: 'delete', model: parent, filter: parentIds === undefined ? { calls: [] } : byId(parentIds), user: null },
  ]);
}

function caseArb(models: ModelSpec[]): fc.Arbitrary<Case> {
  return fc.tuple(rowsArb(models), usersArb(models)).chain(([{ rows, links }, users]) =>
    fc.record({
      rows: fc.constant(rows),
      links: fc.constant(links),
      users: fc.constant(users),
      operations: fc
        .tuple(fc.option(overlapArb(models), { nil: [], freq: 2 }), fc.array(operationArb(models, users.length), { minLength: 1, maxLength: 7 }))
        .map(([start, rest]) => [...start, ...rest]),
    }),
  );
}

export const scenarioArb: fc.Arbitrary<Scenario> = modelsArb.chain((models) =>
  fc.record({ models: fc.constant(models), cases: fc.array(caseArb(models), { minLength: 1, maxLength: 3 }) }),
);
