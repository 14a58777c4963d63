/**
 * A reference for which rows a filter() call keeps, written out from how Django builds its SQL
 * (checked against Django 5.2 on generated cases), with no Trove code:
 *
 * - Each relation the call's conditions cross outside any NOT is joined once (LEFT JOIN: a
 *   missing related row is a row of NULLs), and every such condition reads the joined row: a row
 *   is kept when some choice of joined rows makes the whole condition true. So `Q(a) & Q(b)` on
 *   one relation needs one related row with both, and `Q(a) | Q(b)` some row with either.
 * - A condition under NOT that crosses a many-valued relation is an EXISTS of its own (Django's
 *   split_exclude): tied to the joined row when a condition before it in the call (in the order
 *   written) joined that relation, unless it holds on a missing row (`isnull: true`, `null`),
 *   whose LEFT JOIN Django cannot trim; otherwise over all the related rows. Inside, it is a
 *   filter of its own.
 * - Comparisons with NULL are unknown (SQL's three-valued logic); under an odd number of NOTs
 *   Django adds `IS NOT NULL`, so there they are false.
 * - `exclude(a, b)` is the exact negation of `filter(a, b)` (DELIBERATE: Django's is
 *   `filter(~Q(a, b))`, each condition over all related rows); separate calls are tested one by one.
 *
 * Schema: Author(name, rating?) <- Post(author, editor?, title, rating?, tags -> Tag(name, weight?))
 * <- Comment(post, score?); reverse names posts (of author), edited (of editor), posts (of tag), comments.
 */
export type Model = 'Author' | 'Post' | 'Tag' | 'Comment';
export interface Row { readonly id: number; readonly [field: string]: unknown }
export interface World {
  readonly Author: readonly Row[];
  readonly Post: readonly Row[];
  readonly Tag: readonly Row[];
  readonly Comment: readonly Row[];
  /** [post id, tag id] */
  readonly links: ReadonlyArray<readonly [number, number]>;
}

/** A condition tree as the tests write it: a dictionary, a Q of children (maybe negated), or Q(). */
export type QJ = { readonly d: Readonly<Record<string, unknown>> } | { readonly q: 'and' | 'or'; readonly neg: boolean; readonly c: readonly QJ[] } | { readonly e: true };
export interface Call { readonly exclude: boolean; readonly args: readonly QJ[] }

type Truth = boolean | null;

interface Relation { readonly target: Model; readonly multi: boolean; rows(world: World, row: Row): Row[] }

const byId = (rows: readonly Row[], id: unknown) => rows.filter((r) => r.id === id);

const RELATIONS: Record<Model, Record<string, Relation>> = {
  Author: {
    posts: { target: 'Post', multi: true, rows: (w, r) => w.Post.filter((p) => p.author === r.id) },
    edited: { target: 'Post', multi: true, rows: (w, r) => w.Post.filter((p) => p.editor === r.id) },
  },
  Post: {
    author: { target: 'Author', multi: false, rows: (w, r) => byId(w.Author, r.author) },
    editor: { target: 'Author', multi: false, rows: (w, r) => byId(w.Author, r.editor) },
    tags: { target: 'Tag', multi: true, rows: (w, r) => w.links.filter(([p]) => p === r.id).flatMap(([, t]) => byId(w.Tag, t)) },
    comments: { target: 'Comment', multi: true, rows: (w, r) => w.Comment.filter((c) => c.post === r.id) },
  },
  Tag: { posts: { target: 'Post', multi: true, rows: (w, r) => w.links.filter(([, t]) => t === r.id).flatMap(([p]) => byId(w.Post, p)) } },
  Comment: { post: { target: 'Post', multi: false, rows: (w, r) => byId(w.Post, r.post) } },
};

const LOOKUPS = new Set(['exact', 'gt', 'isnull', 'in']);

/** A key split into the relations it crosses and what it tests at the end. */
interface Path {
  readonly hops: readonly string[];
  readonly models: readonly Model[];
  /** A field and lookup, or (field undefined) `isnull` on the last relation itself. */
  readonly field: string | undefined;
  readonly lookup: string;
}

function parse(model: Model, key: string): Path {
  const parts = key.split('__');
  const hops: string[] = [];
  const models: Model[] = [model];
  let current = model;
  while (parts.length > 0 && RELATIONS[current][parts[0]!] !== undefined) {
    const relation = RELATIONS[current][parts[0]!]!;
    // `editor__isnull` tests the key column itself.
    if (!relation.multi && (parts.length === 1 || LOOKUPS.has(parts[1]!))) break;
    hops.push(parts.shift()!);
    current = relation.target;
    models.push(current);
  }
  if (parts.length === 0 || LOOKUPS.has(parts[0]!)) return { hops, models, field: undefined, lookup: parts[0] ?? 'exact' };
  return { hops, models, field: parts[0], lookup: parts[1] ?? 'exact' };
}

/** The end of a path on `row` (null: a missing row): three-valued, or false under an odd number of NOTs. */
function leaf(path: Path, row: Row | null, value: unknown, negations: number): Truth {
  if (path.field === undefined) return path.lookup === 'isnull' ? (row === null) === value : row !== null && row.id === value;
  const column = row === null ? null : (row[path.field] as number | string | null);
  if (path.lookup === 'isnull') return (column === null) === value;
  if (value === null) return column === null;
  if (column === null) return negations % 2 === 1 ? false : null;
  if (path.lookup === 'gt') return (column as number) > (value as number);
  if (path.lookup === 'in') return (value as unknown[]).includes(column);
  return column === value;
}

/** The rows a relation reaches from `row`, or a missing row when there are none (LEFT JOIN). */
function reach(world: World, model: Model, row: Row | null, name: string): Array<Row | null> {
  if (row === null) return [null];
  const rows = RELATIONS[model][name]!.rows(world, row);
  return rows.length === 0 ? [null] : rows;
}

/** Whether a condition alone holds for `row`: Django's positive filter of one key (the inside of an EXISTS). */
function alone(world: World, path: Path, from: number, row: Row | null, value: unknown): boolean {
  if (from === path.hops.length) return leaf(path, row, value, 0) === true;
  return reach(world, path.models[from]!, row, path.hops[from]!).some((next) => alone(world, path, from + 1, next, value));
}

interface AtomNode { readonly kind: 'atom'; readonly path: Path; readonly value: unknown; readonly negated: boolean; readonly tiedAt: number | undefined }
type Node = AtomNode | { readonly kind: 'and' | 'or'; readonly children: readonly Node[] } | { readonly kind: 'not'; readonly child: Node };

/** The tree of one call, each atom marked with how Django reads it; undefined when nothing is said. */
function build(model: Model, qj: QJ, negated: boolean, joined: Set<string>, aggregate = false): Node | undefined {
  if ('e' in qj) return undefined;
  if ('d' in qj) {
    const atoms = Object.entries(qj.d).map(([key, value]): Node => {
      const path = parse(model, key);
      // In an aggregate's filter Django splits nothing off: every condition reads the joined rows.
      if (!negated || aggregate) {
        path.hops.forEach((_, i) => joined.add(path.hops.slice(0, i + 1).join('__')));
        return { kind: 'atom', path, value, negated: false, tiedAt: undefined };
      }
      const first = path.hops.findIndex((hop, i) => RELATIONS[path.models[i]!][hop]!.multi);
      const onMissing = value === null || (path.lookup === 'isnull' && value === true);
      const tied = first >= 0 && !onMissing && joined.has(path.hops.slice(0, first + 1).join('__'));
      return { kind: 'atom', path, value, negated, tiedAt: tied ? first + 1 : undefined };
    });
    return atoms.length === 0 ? undefined : atoms.length === 1 ? atoms[0] : { kind: 'and', children: atoms };
  }
  const children = qj.c.map((c) => build(model, c, negated || qj.neg, joined, aggregate)).filter((c): c is Node => c !== undefined);
  if (children.length === 0) return undefined;
  const node: Node = children.length === 1 ? children[0]! : { kind: qj.q, children };
  return qj.neg ? { kind: 'not', child: node } : node;
}

/** The joined row of each path (`posts`, `posts__tags`), for one choice of rows. */
type Choice = ReadonlyMap<string, Row | null>;

function evaluate(world: World, node: Node, choice: Choice, root: Row, negations: number): Truth {
  switch (node.kind) {
    case 'and':
    case 'or': {
      const values = node.children.map((c) => evaluate(world, c, choice, root, negations));
      const decisive = node.kind === 'or';
      if (values.includes(decisive)) return decisive;
      return values.includes(null) ? null : !decisive;
    }
    case 'not': {
      const value = evaluate(world, node.child, choice, root, negations + 1);
      return value === null ? null : !value;
    }
    case 'atom': {
      const { path, value } = node;
      const multi = path.hops.some((hop, i) => RELATIONS[path.models[i]!][hop]!.multi);
      if (!node.negated) return leaf(path, path.hops.length === 0 ? root : choice.get(path.hops.join('__'))!, value, negations);
      if (!multi) {
        // Keys only: one row at most, whether joined or not.
        let row: Row | null = root;
        path.hops.forEach((hop, i) => { row = reach(world, path.models[i]!, row, hop)[0]!; });
        return leaf(path, row, value, negations);
      }
      if (node.tiedAt === undefined) return alone(world, path, 0, root, value);
      const joinedRow = choice.get(path.hops.slice(0, node.tiedAt).join('__'))!;
      return joinedRow !== null && alone(world, path, node.tiedAt, joinedRow, value);
    }
  }
}

/** Every choice of joined rows for the paths the call joined. */
function choices(world: World, model: Model, root: Row, joined: ReadonlySet<string>, fixed: Choice = new Map()): Choice[] {
  const paths = [...joined].sort((a, b) => a.split('__').length - b.split('__').length);
  let all: Array<Map<string, Row | null>> = [new Map()];
  for (const path of paths) {
    const hops = path.split('__');
    const parent = hops.slice(0, -1).join('__');
    let parentModel = model;
    for (const hop of hops.slice(0, -1)) parentModel = RELATIONS[parentModel][hop]!.target;
    all = all.flatMap((choice) => {
      const from = parent === '' ? root : choice.get(parent)!;
      if (fixed.has(path)) return [new Map(choice).set(path, fixed.get(path)!)];
      return reach(world, parentModel, from, hops[hops.length - 1]!).map((row) => new Map(choice).set(path, row));
    });
  }
  return all;
}

/** Whether `root` passes one filter() or exclude() call. */
export function passesCall(world: World, model: Model, root: Row, call: Call): boolean {
  // DELIBERATE: Trove's exclude() is the exact negation of filter() with the same arguments
  // (Django's exclude(a, b) tests a and b each over all related rows).
  // An exclude() of nothing (empty Qs) drops nothing.
  if (call.exclude) return call.args.every((arg) => build(model, arg, false, new Set()) === undefined) || !passesCall(world, model, root, { ...call, exclude: false });
  const joined = new Set<string>();
  const args = call.args.map((arg) => build(model, arg, call.exclude, joined)).filter((n): n is Node => n !== undefined);
  if (args.length === 0) return true;
  const all: Node = args.length === 1 ? args[0]! : { kind: 'and', children: args };
  const node: Node = call.exclude ? { kind: 'not', child: all } : all;
  return choices(world, model, root, joined).some((choice) => evaluate(world, node, choice, root, 0) === true);
}

/** The ids of the rows of `model` that pass every call. */
export function matching(world: World, model: Model, calls: readonly Call[]): number[] {
  return world[model].filter((row) => calls.every((call) => passesCall(world, model, row, call))).map((row) => row.id);
}

/**
 * Whether an aggregate's `filter` holds for one row it aggregates: Django resolves the filter on
 * the annotated model with the aggregate's joins reused, so paths along the aggregate name the
 * `fixed` rows (`posts` -> the post counted), and any other relation is joined as a filter()
 * joins it (here: some related row makes it true; Trove never multiplies the count by them).
 */
export function filterHolds(world: World, model: Model, root: Row, filter: QJ, fixed: Choice): boolean {
  const joined = new Set<string>(fixed.keys());
  const node = build(model, filter, false, joined, true);
  if (node === undefined) return true;
  return choices(world, model, root, joined, fixed).some((choice) => evaluate(world, node, choice, root, 0) === true);
}

/** The rows along an aggregate's path from `root` (`posts__tags`: each post and each of its tags), as joined rows. */
export function chainRows(world: World, model: Model, root: Row, path: string): Choice[] {
  let all: Array<Map<string, Row | null>> = [new Map()];
  let current = model;
  const hops = path.split('__');
  hops.forEach((hop, i) => {
    const key = hops.slice(0, i + 1).join('__');
    const parent = hops.slice(0, i).join('__');
    const from = current;
    all = all.flatMap((choice) => RELATIONS[from][hop]!.rows(world, parent === '' ? root : choice.get(parent)!).map((row) => new Map(choice).set(key, row)));
    current = RELATIONS[from][hop]!.target;
  });
  return all;
}
