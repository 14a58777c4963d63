/**
 * A property over random model graphs of two apps: keys (in cycles too), many-to-many fields with
 * their own link tables, and many-to-many fields through a model with a key to each side (itself
 * included), declared in any order. Each graph is created from nothing and removed again, as a
 * user lives it (see scenarios/scenario.ts): makemigrations, migrate forwards, makemigrations
 * again finds nothing, back, to zero, and the schema equals what createTables() makes.
 *
 * `FUZZ_RUNS=200` runs longer; fast-check prints the seed and path of a failure.
 */
import fc from 'fast-check';
import { after, before, test } from 'node:test';
import { CASCADE, connect, fields as f, model, SET_NULL, type Database } from '../../src/index.ts';
import type { FieldMap, ModelRegistry } from '../../src/orm/index.ts';
import { BACKEND, TEST_DATABASE_URL } from '../support/database.ts';
import { runScenario, type Scenario } from './scenarios/scenario.ts';

/** Graphs per direction: each is a few migrate runs, slower on a server than in memory. */
// A graph's migrations cost a server about ten times what they cost SQLite (DDL): CI keeps the
// servers to a few graphs a run, a new seed each time.
const RUNS = Number(process.env.FUZZ_RUNS ?? (BACKEND === 'sqlite' ? 25 : 4));
const APPS = ['pq', 'pr'] as const;

interface Link {
  readonly to: number;
  /** The app of its through model; none: a link table of its own. */
  readonly through?: 0 | 1;
}

interface ModelSpec {
  readonly app: 0 | 1;
  /** Nullable keys to these models (its own index: to itself). */
  readonly keys: readonly number[];
  readonly links: readonly Link[];
}

interface Graph {
  readonly models: readonly ModelSpec[];
  /** A sort key per model declared (the graph's models, then one per through model): the order of declaration. */
  readonly order: readonly number[];
}

const graphs: fc.Arbitrary<Graph> = fc.integer({ min: 1, max: 4 }).chain((size) => {
  const index = fc.nat({ max: size - 1 });
  const link: fc.Arbitrary<Link> = fc.record({ to: index, through: fc.option(fc.constantFrom<0 | 1>(0, 1), { nil: undefined, freq: 4 }) }, { requiredKeys: ['to'] });
  const spec: fc.Arbitrary<ModelSpec> = fc.record({
    app: fc.constantFrom<0 | 1>(0, 1),
    keys: fc.array(index, { maxLength: 2 }),
    links: fc.array(link, { maxLength: 2 }),
  });
  return fc.array(spec, { minLength: size, maxLength: size }).chain((models) => {
    const declared = models.length + models.reduce((n, m) => n + m.links.filter((l) => l.through !== undefined).length, 0);
    return fc.record({ models: fc.constant(models), order: fc.array(fc.double({ noNaN: true }), { minLength: declared, maxLength: declared }) });
  });
});

const name = () => f.char({ maxLength: 20 });
const labelOf = (graph: Graph, i: number) => `${APPS[graph.models[i]!.app]}.M${i}`;

/** Defines `graph`'s models in `r`, in the graph's order of declaration. */
function define(graph: Graph, r: ModelRegistry): void {
  const models: Array<() => void> = [];
  const throughModels: Array<() => void> = [];
  graph.models.forEach((spec, i) => {
    const fields: FieldMap = { name: name() };
    // Related names of their own: two relations to one model must not share an accessor.
    spec.keys.forEach((to, k) => (fields[`key${k}`] = f.foreignKey(labelOf(graph, to), { onDelete: SET_NULL, null: true, relatedName: `m${i}key${k}` })));
    spec.links.forEach((link, k) => {
      if (link.through === undefined) {
        fields[`link${k}`] = f.manyToMany(labelOf(graph, link.to), { relatedName: `m${i}link${k}` });
        return;
      }
      const through = `${APPS[link.through]}.M${i}Link${k}`;
      fields[`link${k}`] = f.manyToMany(labelOf(graph, link.to), { through, relatedName: `m${i}link${k}` });
      // The key to the field's own model first: for a link to itself, that is the source.
      throughModels.push(() => void model(through, {
        source: f.foreignKey(labelOf(graph, i), { onDelete: CASCADE, relatedName: `m${i}link${k}source` }),
        target: f.foreignKey(labelOf(graph, link.to), { onDelete: CASCADE, relatedName: `m${i}link${k}target` }),
      }, {}, r));
    });
    models.push(() => void model(labelOf(graph, i), fields, {}, r));
  });
  const ordered = [...models, ...throughModels].map((declare, i) => ({ declare, key: graph.order[i]! })).sort((a, b) => a.key - b.key);
  for (const { declare } of ordered) declare();
}

/** A model of each app that stays: both apps have migrations before and after. */
function markers(r: ModelRegistry): void {
  for (const app of APPS) model(`${app}.Marker`, { name: name() }, {}, r);
}

let db: Database;
before(async () => {
  db = await connect(TEST_DATABASE_URL);
});
after(() => db.close());

test('any graph of keys and many-to-many fields (through models of either app included) is created by migrations', async () => {
  await fc.assert(fc.asyncProperty(graphs, async (graph) => {
    const scenario: Scenario = {
      name: 'created',
      apps: APPS,
      before: markers,
      after: (r) => {
        markers(r);
        define(graph, r);
      },
    };
    await runScenario(db, scenario);
  }), { numRuns: RUNS });
});

test('any such graph is removed by migrations, and comes back when they are undone', async () => {
  await fc.assert(fc.asyncProperty(graphs, async (graph) => {
    const scenario: Scenario = {
      name: 'removed',
      apps: APPS,
      before: (r) => {
        markers(r);
        define(graph, r);
      },
      after: markers,
    };
    await runScenario(db, scenario);
  }), { numRuns: RUNS });
});
