/**
 * The `filter` of an aggregate (`Count('posts', { filter: Q({ posts__status: 'published' }) })`),
 * written from the annotated model as Django writes it, resolved on a row along the aggregate's
 * joins.
 */
import { FieldError } from '../errors.ts';
import type { ForeignKeyField } from '../fields/relations.ts';
import type { ModelMeta } from '../meta.ts';
import type { Q, FilterDict } from './q.ts';
import { formulaOf, relationHops, resolveConjuncts, resolveFilterArgs, someAtom, type Formula, type Parse } from './filter-call.ts';
import { LOOKUPS, type WhereNode } from './where.ts';

/** One table of an aggregate's joins, as resolveAggregate builds them (see aggregation.ts). */
export interface ChainLink {
  readonly meta: ModelMeta;
  readonly column: string;
  readonly previousColumn: string;
  /** Its row holds the key to the row before (a reverse key, a link row); otherwise the row before holds the key to it. */
  readonly up: boolean;
}

/** An aggregate's path: the relations it names, each with the number of links it takes (two for a many-to-many). */
export interface Chain {
  readonly names: ReadonlyArray<{ readonly name: string; readonly links: number }>;
  readonly links: readonly ChainLink[];
}

/**
 * The `filter` of an aggregate over `chain` from rows of `meta`, written as Django writes it:
 * from `meta` (`Count('posts', { filter: Q({ posts__status: 'published', rating__gte: 2 }) })`).
 * A path along the aggregate's own relations names the row being aggregated (or one on the way
 * to it), and the annotated row's own fields name that row, as Django's reused joins do; paths
 * beyond them are conditions on those rows (a related row that exists, never a count multiplied).
 * The condition is resolved on one row of the chain, `at` (0 is the row of `meta`, `links.length`
 * the last joined one), from which every row it names is reached through single keys.
 */
export function resolveAggregateFilter(meta: ModelMeta, filter: Q | FilterDict, chain: Chain, aggregateName: string): { where: WhereNode | undefined; at: number } {
  const parse: Parse = { mode: 'aggregate', joined: new Set(), annotations: undefined };
  const formula = formulaOf(meta, filter, parse, false);
  // Bad names and values, said of the filter as written.
  if (chain.links.length > 0) resolveFilterArgs(meta, [filter]);
  const n = chain.links.length;
  if (formula === undefined) return { where: undefined, at: n };
  // How deep along the chain each atom starts: the links its leading names follow.
  const depthOf = (parts: readonly string[]): [depth: number, names: number] => {
    let depth = 0;
    let i = 0;
    while (i < chain.names.length && i < parts.length && parts[i] === chain.names[i]!.name) depth += chain.names[i++]!.links;
    return [depth, i];
  };
  const depths = new Set<number>();
  const collect = (f: Formula): void => {
    if (f.kind === 'and' || f.kind === 'or') f.children.forEach(collect);
    else if (f.kind === 'not') collect(f.child);
    else depths.add(f.kind === 'atom' ? depthOf(f.parts)[0] : 0);
  };
  collect(formula);
  const reachable = (k: number, j: number) => (j <= k ? chain.links.slice(j, k).every((l) => l.up) : chain.links.slice(k, j).every((l) => !l.up));
  const rowReaching = (wanted: (j: number) => boolean): number => {
    let k = n;
    while (k >= 0 && ![...depths].every((j) => !wanted(j) || reachable(k, j))) k--;
    return k;
  };
  let at = rowReaching(() => true);
  // No row of the chain reaches them all (`Count('author__posts', { filter: Q({ title: 'x',
  // author__posts__rating: 2 }) })` from Post): the annotated row's own conditions are then
  // written on that row itself, and the others on a row that reaches the rest.
  const apart = at < 0;
  if (apart) at = rowReaching((j) => j > 0);
  if (at < 0) throw new FieldError(`${aggregateName}: its filter names rows along the aggregate's relations that no one row of them leads to by single keys; this is not supported yet.`);
  const rowMeta = (i: number) => (i === 0 ? meta : chain.links[i - 1]!.meta);
  const keyOn = (model: ModelMeta, column: string) => model.foreignKeys.find((fk) => fk.column === column)!;
  // The keys from the row `at` to the row at depth `j`.
  const route = (j: number): ForeignKeyField[] => {
    const keys: ForeignKeyField[] = [];
    for (let i = at; i > j; i--) keys.push(keyOn(rowMeta(i), chain.links[i - 1]!.column));
    for (let i = at + 1; i <= j; i++) keys.push(keyOn(rowMeta(i - 1), chain.links[i - 1]!.previousColumn));
    return keys;
  };
  // Every atom on the annotated row itself (Exists() and the like are on it too).
  const onAnnotatedRow = (f: Formula): boolean => !someAtom(f, (atom) => depthOf(atom.parts)[0] !== 0);
  const relocate = (f: Formula): Formula => {
    if (apart && onAnnotatedRow(f)) {
      const where = resolveConjuncts(meta, [f], '', { branches: 1 });
      return where === undefined ? f : { kind: 'node', node: { kind: 'root', where } };
    }
    switch (f.kind) {
      case 'and':
      case 'or':
        return { kind: f.kind, children: f.children.map(relocate) };
      case 'not':
        return { kind: 'not', child: relocate(f.child) };
      case 'node': {
        // On the row of `meta` (Exists() and the like): reached from `at` through the keys.
        let node = f.node;
        for (const key of route(0).reverse()) node = { kind: 'subquery', column: key.column!, nullable: key.nullable, table: key.target.table, selectColumn: key.target.pk.column!, where: node };
        return { kind: 'node', node };
      }
      case 'atom': {
        const [depth, names] = depthOf(f.parts);
        let rest = f.parts.slice(names);
        if (names > 0 && (rest.length === 0 || (rest.length === 1 && LOOKUPS.has(rest[0]!)))) rest = ['pk', ...rest];
        const keys = route(depth).map((key) => key.name);
        const parts = [...keys, ...rest];
        return { ...f, parts, pinned: keys.length, hops: relationHops(rowMeta(at), parts) };
      }
    }
  };
  return { where: resolveConjuncts(rowMeta(at), [relocate(formula)], '', { branches: 1 }), at };
}

