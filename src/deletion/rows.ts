/**
 * The rows a delete takes, as SQL: for each model, a SELECT of the keys of its rows that go.
 * Nothing is loaded; statements nest these selects, so a delete sends as many statements as the
 * graph has models, whatever the number of rows.
 */
import { randomUUID } from 'node:crypto';
import { sql, type Expression, type ExpressionBuilder, type Kysely, type SelectQueryBuilder, type SqlBool } from 'kysely';
import type { Database } from '../db/index.ts';
import { conditionExpression, FieldError, mapTree, partsOf, readsOfCondition, someOnRow, type ForeignKeyField, type ModelMeta, type WhereNode } from '../orm/index.ts';
import type { DeletionGraph, Group } from './graph.ts';
import { DeleteScratch } from './scratch.ts';

type Select = SelectQueryBuilder<any, any, any>;
type Builder = ExpressionBuilder<any, any>;

const SCRATCH = DeleteScratch.meta.table;

/**
 * A condition every taken row must also meet, at every step of the cascade: a restore walks only
 * the rows of one operation's trash, never through another operation's rows into its own.
 */
export type RowScope = (eb: Builder, meta: ModelMeta, alias: string) => Expression<SqlBool>;

function isIntegerKey(meta: ModelMeta): boolean {
  return meta.pk.columnType === 'bigint' || meta.pk.columnType === 'integer';
}

export class RowSets {
  private aliasCount = 0;
  /** Models whose keys were written to the scratch table, by label. */
  private readonly materialised = new Set<string>();
  readonly operation = randomUUID();
  private usedScratch = false;

  constructor(
    private readonly db: Database,
    private readonly graph: DeletionGraph,
    private readonly rootWhere: WhereNode | undefined,
    private readonly scope?: RowScope,
  ) {}

  private get kysely(): Kysely<any> {
    return this.db.kysely;
  }

  private alias(): string {
    return `d${++this.aliasCount}`;
  }

  /** SELECT <pk> AS pk of the rows of `meta` that the delete takes. */
  keysOf(meta: ModelMeta): Select {
    if (this.materialised.has(meta.label)) return this.scratchKeys(meta, meta.label);
    const group = this.graph.groupOf(meta);
    if (group.cyclic.length === 0) {
      const a = this.alias();
      return this.kysely.selectFrom(`${meta.table} as ${a}`).select(`${a}.${meta.pk.column} as pk`).where((eb) => this.entry(eb, meta, a));
    }
    if (group.models.length === 1) return this.selfClosure(meta, group);
    return this.kysely
      .selectFrom(this.groupClosure(group).as(this.alias()))
      .select('pk')
      .where('label', '=', meta.label) as Select;
  }

  /** True when keysOf(meta) is a plain select of the table's own rows, so each key appears once. */
  keysAreDistinct(meta: ModelMeta): boolean {
    return !this.materialised.has(meta.label) && this.graph.groupOf(meta).cyclic.length === 0;
  }

  /** A condition on `alias` (a row of `meta`) that holds for exactly the rows the delete takes. */
  taken(eb: Builder, meta: ModelMeta, alias: string): Expression<SqlBool> {
    // Without cycles, the entry condition is the whole story: no self-select needed.
    if (!this.materialised.has(meta.label) && this.graph.groupOf(meta).cyclic.length === 0) return this.entry(eb, meta, alias);
    return eb(eb.ref(`${alias}.${meta.pk.column}`), 'in', this.keysOf(meta));
  }

  /**
   * Why a row of `meta` is taken, ignoring cycles inside its group: it matches the delete's
   * filter (root model), or a CASCADE key of it points at a taken row of another group.
   */
  entry(eb: Builder, meta: ModelMeta, alias: string): Expression<SqlBool> {
    const reasons: Expression<SqlBool>[] = [];
    if (meta === this.graph.root) {
      if (this.materialised.has('@root')) reasons.push(eb(eb.ref(`${alias}.${meta.pk.column}`), 'in', this.scratchKeys(meta, '@root')));
      else if (this.rootWhere === undefined) reasons.push(sql<SqlBool>`1 = 1`);
      else reasons.push(conditionExpression(this.rootWhere, meta, alias, this.db.dialect));
    }
    const group = this.graph.groupOf(meta);
    for (const [target, fields] of this.graph.cascadesInto) {
      for (const field of fields) {
        if (field.model !== meta || group.models.some((m) => m.label === target)) continue;
        const direct = this.onRootKey(field);
        reasons.push(direct ? conditionExpression(direct, meta, alias, this.db.dialect) : eb(eb.ref(`${alias}.${field.column}`), 'in', this.keysOf(field.target)));
      }
    }
    if (reasons.length === 0) return sql<SqlBool>`1 = 0`;
    const reached = reasons.length === 1 ? reasons[0]! : eb.or(reasons);
    return this.scope === undefined ? reached : eb.and([this.scope(eb, meta, alias), reached]);
  }

  /**
   * `author_id <= 5000` instead of `author_id IN (SELECT id FROM author WHERE id <= 5000)`: when
   * the delete's filter only compares the root's primary key, a key pointing at the root can be
   * compared the same way, as one would write it by hand (and the database can use its index).
   * Exact only where the database keeps every key pointing at a row: without a constraint, a
   * key that points at no row would match `author_id <> 3` or `author_id <= 5000` too.
   */
  private onRootKey(field: ForeignKeyField): WhereNode | undefined {
    const root = this.graph.root;
    // The root's keys are limited by the scope, which the root's filter alone does not say.
    if (this.scope !== undefined) return undefined;
    if (field.target !== root || !field.dbConstraint || this.rootWhere === undefined || this.materialised.has('@root') || this.graph.groupOf(root).cyclic.length > 0) return undefined;
    const condition = retarget(this.rootWhere, root.pk.column!, field);
    // A NULL key points at no row; under NOT, the condition alone would take it.
    if (condition === undefined || !field.nullable) return condition;
    return { kind: 'and', children: [{ kind: 'isnull', column: field.column!, isNull: false }, condition] };
  }

  /** A model whose rows refer to rows of the same model (a tree, a chain): a recursive CTE. */
  private selfClosure(meta: ModelMeta, group: Group): Select {
    const name = `closure${++this.aliasCount}`;
    const seed = this.alias();
    const step = this.alias();
    const pk = meta.pk.column!;
    return (this.kysely as any)
      .withRecursive(`${name}(pk)`, (qb: any) =>
        qb
          .selectFrom(`${meta.table} as ${seed}`)
          .select(`${seed}.${pk}`)
          .where((eb: Builder) => this.entry(eb, meta, seed))
          .union((qb2: any) =>
            qb2
              .selectFrom(`${meta.table} as ${step}`)
              .innerJoin(name, (join: any) =>
                join.on((eb: Builder) => eb.or(group.cyclic.map((f) => eb(eb.ref(`${step}.${f.column}`), '=', eb.ref(`${name}.pk`))))),
              )
              .select(`${step}.${pk}`)
              .$if(this.scope !== undefined, (q: Select) => q.where((eb: Builder) => this.scope!(eb, meta, step))),
          ),
      )
      .selectFrom(name)
      .select('pk') as Select;
  }

  /**
   * Models that refer to each other in a cycle: one recursive CTE over (label, pk) pairs. The
   * cycle's keys are read from a derived table of edges so that the recursive part names the
   * CTE once, as PostgreSQL requires.
   */
  groupClosure(group: Group): Select {
    const keyKind = isIntegerKey(group.models[0]!);
    if (group.models.some((m) => isIntegerKey(m) !== keyKind)) {
      throw new FieldError(`Cannot delete through the cycle ${group.models.map((m) => m.label).join(' <-> ')}: their primary keys differ in type.`);
    }
    const name = `closure${++this.aliasCount}`;
    const edgesAlias = this.alias();
    return (this.kysely as any)
      .withRecursive(`${name}(label, pk)`, (qb: Kysely<any>) => {
        const seeds = group.models.map((meta) => {
          const a = this.alias();
          return qb
            .selectFrom(`${meta.table} as ${a}`)
            .select([sql.lit(meta.label).as('label'), `${a}.${meta.pk.column} as pk`])
            .where((eb) => this.entry(eb, meta, a));
        });
        const edges = group.cyclic.map((field) => {
          const a = this.alias();
          return this.kysely
            .selectFrom(`${field.model.table} as ${a}`)
            .select([
              sql.lit(field.model.label).as('label'),
              `${a}.${field.model.pk.column} as pk`,
              sql.lit(field.target.label).as('parent_label'),
              `${a}.${field.column} as parent_pk`,
            ])
            .where(`${a}.${field.column}`, 'is not', null)
            .$if(this.scope !== undefined, (q) => q.where((eb) => this.scope!(eb, field.model, a)));
        });
        const edgeTable = edges.slice(1).reduce((all: Select, e) => all.unionAll(e), edges[0]!);
        const seeded = seeds.slice(1).reduce((all: Select, s) => all.union(s), seeds[0]!);
        return seeded.union((qb2: any) =>
          qb2
            .selectFrom(edgeTable.as(edgesAlias))
            .innerJoin(name, (join: any) =>
              join.onRef(`${edgesAlias}.parent_label`, '=', `${name}.label`).onRef(`${edgesAlias}.parent_pk`, '=', `${name}.pk`),
            )
            .select([`${edgesAlias}.label`, `${edgesAlias}.pk`]),
        );
      })
      .selectFrom(name)
      .select(['label', 'pk']) as Select;
  }

  private scratchKeys(meta: ModelMeta, label: string): Select {
    const column = isIntegerKey(meta) ? 'int_key' : 'text_key';
    return this.kysely
      .selectFrom(SCRATCH)
      .select(`${column} as pk`)
      .where('operation', '=', this.operation)
      .where('label', '=', label) as Select;
  }

  /**
   * Writes the keys of `group` (or of the root's filter) to the scratch table, so that later
   * statements read a fixed set instead of recomputing it from rows that are disappearing.
   */
  async materialiseGroup(group: Group): Promise<void> {
    const closure = group.models.length > 1 ? this.groupClosure(group) : this.kysely.selectFrom(this.selfClosure(group.models[0]!, group).as(this.alias())).select([sql.lit(group.models[0]!.label).as('label'), 'pk']);
    await this.writeScratch(closure as Select, isIntegerKey(group.models[0]!));
    for (const meta of group.models) this.materialised.add(meta.label);
  }

  /** Writes the keys of `meta`'s taken rows, so batches can walk them in key order. */
  async materialiseModel(meta: ModelMeta): Promise<void> {
    if (this.materialised.has(meta.label)) return;
    const a = this.alias();
    const keys = this.kysely
      .selectFrom(`${meta.table} as ${a}`)
      .select([sql.lit(meta.label).as('label'), `${a}.${meta.pk.column} as pk`])
      .where((eb) => this.taken(eb, meta, a));
    await this.writeScratch(keys as Select, isIntegerKey(meta));
    this.materialised.add(meta.label);
  }

  /**
   * The next `limit` taken rows of a materialised model after key `after`, in key order: a
   * range scan of the scratch index, so walking all batches costs one pass.
   */
  batch(meta: ModelMeta, after: unknown, limit: number): Select {
    const column = isIntegerKey(meta) ? 'int_key' : 'text_key';
    let query = this.kysely
      .selectFrom(`${meta.table} as r0`)
      .innerJoin(`${SCRATCH} as k0`, `k0.${column}`, `r0.${meta.pk.column}`)
      .selectAll('r0')
      .where('k0.operation', '=', this.operation)
      .where('k0.label', '=', meta.label);
    if (after !== undefined) query = query.where(`k0.${column}`, '>', meta.pk.toDb(after, this.db.dialect));
    return query.orderBy(`k0.${column}`).limit(limit) as Select;
  }

  async materialiseRoot(): Promise<void> {
    if (this.materialised.has('@root')) return;
    const root = this.graph.root;
    const a = this.alias();
    const keys = this.kysely
      .selectFrom(`${root.table} as ${a}`)
      .select([sql.lit('@root').as('label'), `${a}.${root.pk.column} as pk`])
      .where((eb) => this.entry(eb, root, a));
    await this.writeScratch(keys as Select, isIntegerKey(root));
    this.materialised.add('@root');
  }

  private async writeScratch(keys: Select, integerKeys: boolean): Promise<void> {
    this.usedScratch = true;
    const source = this.kysely.selectFrom(keys.as(this.alias())).select([sql.lit(this.operation).as('operation'), 'label', 'pk']);
    const insert = this.kysely.insertInto(SCRATCH).columns(['operation', 'label', integerKeys ? 'int_key' : 'text_key']).expression(source);
    await this.db.execute(insert.compile());
  }

  async cleanUp(): Promise<void> {
    if (!this.usedScratch) return;
    await this.db.execute(this.kysely.deleteFrom(SCRATCH).where('operation', '=', this.operation).compile());
  }
}

/** The same condition on `field`'s column, if `where` compares nothing but the column `pk` with values. */
function retarget(where: WhereNode, pk: string, field: ForeignKeyField): WhereNode | undefined {
  const reads = readsOfCondition(where);
  if (reads.beyondRow || [...reads.columns].some((column) => column !== pk)) return undefined;
  // A comparison with an expression (`F('pk')`) would read the row it is about: left as it is.
  if (someOnRow(where, (node) => partsOf(node).expressions.length > 0)) return undefined;
  return mapTree(where, { condition: (node) => (partsOf(node).columns.length > 0 ? ({ ...node, field, column: field.column! } as WhereNode) : node) });
}
