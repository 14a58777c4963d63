/**
 * A queryset spec as Django ORM code (Python), for bench/query-diff.ts: the same calls, in the
 * same order, written Django's way (`Q(a) & ~Q(b)`, `order_by(F('age').asc(nulls_last=True))`,
 * `values_list('id', flat=True)`, `qs[0:2]`).
 */
import { SCHEMA, conditionKey, type Agg, type Condition, type Expr, type FilterArg, type ModelName, type QNode, type QuerySpec, type Scalar, type Step } from './spec.ts';

/** What the Python runner needs to read the result back as trove.ts reports it. */
export interface PythonQuery {
  code: string;
  /** model: instances (id and annotations); object/list/flat: values(); value: a number, a boolean or a dict. */
  shape: 'model' | 'object' | 'list' | 'flat' | 'value';
  /** Terminal: rows (a list), one (first/last: a row or None), value. */
  terminal: 'rows' | 'one' | 'value';
  annotations: string[];
  /** Names whose values are averages (rounded to two decimals, as the test does). */
  averages: string[];
}

function fieldKind(model: ModelName, path: string): string {
  let m = model;
  for (const part of path.split('__')) {
    const rel = SCHEMA[m].relations[part];
    if (rel === undefined) return SCHEMA[m].fields[part]?.kind ?? 'annotation';
    m = rel.to;
  }
  return 'key';
}

function literal(v: Scalar | Scalar[], datetime: boolean): string {
  if (Array.isArray(v)) return `[${v.map((x) => literal(x, datetime)).join(', ')}]`;
  if (v === null) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return String(v);
  return datetime ? `dt(${JSON.stringify(v)})` : JSON.stringify(v);
}

export function pyExpr(e: Expr): string {
  switch (e.kind) {
    case 'f':
      return `F(${JSON.stringify(e.name)})`;
    case 'n':
      return `Value(${e.value})`;
    case 'op':
      return `(${pyExpr(e.left)} ${{ add: '+', sub: '-', mul: '*', div: '/' }[e.op]} ${pyExpr(e.right)})`;
  }
}

function kwargs(model: ModelName, items: Condition[]): string {
  return items.map((c) => `${conditionKey(c)}=${c.kind === 'fleaf' ? pyExpr(c.expr) : literal(c.value, fieldKind(model, c.path) === 'datetime')}`).join(', ');
}

export function pyQ(model: ModelName, node: QNode): string {
  switch (node.kind) {
    case 'dict':
      return `Q(${kwargs(model, node.items)})`;
    case 'empty':
      return 'Q()';
    case 'not':
      return `~${pyQ(model, node.child)}`;
    case 'and':
    case 'or':
      return `(${node.children.map((c) => pyQ(model, c)).join(node.kind === 'and' ? ' & ' : ' | ')})`;
  }
}

function args(model: ModelName, list: FilterArg[]): string {
  // A dictionary becomes a Q of its own, so that the arguments keep their order (Django sorts keyword arguments).
  return list.map((a) => (a.kind === 'dict' ? `Q(${kwargs(model, a.items)})` : pyQ(model, a.node))).join(', ');
}

function pyAgg(model: ModelName, agg: Agg): string {
  const fn = { count: 'Count', sum: 'Sum', avg: 'Avg', min: 'Min', max: 'Max' }[agg.fn];
  const options = [...(agg.distinct ? ['distinct=True'] : []), ...(agg.filter !== undefined ? [`filter=${pyQ(model, agg.filter)}`] : [])];
  return `${fn}(${[JSON.stringify(agg.source), ...options].join(', ')})`;
}

function step(model: ModelName, s: Step): string {
  switch (s.kind) {
    case 'filter':
    case 'exclude':
      return `.${s.kind}(${args(model, s.args)})`;
    case 'annotate':
      return `.annotate(${s.items.map(({ name, agg }) => `${name}=${pyAgg(model, agg)}`).join(', ')})`;
    case 'values': {
      const names = s.names.map((n) => JSON.stringify(n)).join(', ');
      return s.shape === 'object' ? `.values(${names})` : s.shape === 'list' ? `.values_list(${names})` : `.values_list(${names}, flat=True)`;
    }
    case 'orderBy':
      return `.order_by(${s.terms.map((t) => {
        if (t.kind === 'name') return JSON.stringify(`${t.desc ? '-' : ''}${t.name}`);
        const nulls = t.nulls === 'first' ? 'nulls_first=True' : t.nulls === 'last' ? 'nulls_last=True' : '';
        return `${pyExpr(t.expr)}.${t.desc ? 'desc' : 'asc'}(${nulls})`;
      }).join(', ')})`;
    case 'distinct':
      return '.distinct()';
  }
}

export function toPython(spec: QuerySpec): PythonQuery {
  let code = `${spec.model}.objects.all()${spec.steps.map((s) => step(spec.model, s)).join('')}`;
  let shape: PythonQuery['shape'] = 'model';
  const annotations: string[] = [];
  const averages: string[] = [];
  for (const s of spec.steps) {
    if (s.kind === 'values') shape = s.shape;
    if (s.kind === 'annotate') for (const { name, agg } of s.items) {
      annotations.push(name);
      if (agg.fn === 'avg') averages.push(name);
    }
  }
  const t = spec.terminal;
  let terminal: PythonQuery['terminal'] = 'rows';
  switch (t.kind) {
    case 'fetch':
      code = `list(${code})`;
      break;
    case 'slice':
      code = `list(${code}[${t.start}:${t.end}])`;
      break;
    case 'first':
    case 'last':
      code = `${code}.${t.kind}()`;
      terminal = 'one';
      break;
    case 'count':
    case 'exists':
      code = `${code}.${t.kind}()`;
      [shape, terminal] = ['value', 'value'];
      break;
    case 'aggregate':
      code = `${code}.aggregate(${t.items.map(({ name, agg }) => `${name}=${pyAgg(spec.model, agg)}`).join(', ')})`;
      for (const { name, agg } of t.items) if (agg.fn === 'avg') averages.push(name);
      [shape, terminal] = ['value', 'value'];
      break;
  }
  return { code, shape, terminal, annotations, averages };
}
