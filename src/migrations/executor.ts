/**
 * `migrate`: works out which migrations to apply or undo, and runs each one. On PostgreSQL and
 * SQLite a migration is one transaction (its record included): it happens whole or not at all.
 * MySQL commits every DDL statement, so there each finished operation is recorded and a failed
 * migration can be resumed where it stopped.
 */
import { CompiledQuery, sql } from 'kysely';
import { atomic, type Database, type SqlDialect } from '../db/index.ts';
import { MigrationError } from './errors.ts';
import { keyOf, type Migration, type MigrationGraph } from './graph.ts';
import { renderedModels, type Direction } from './operations/operation.ts';
import { MigrationRecorder, type AppliedMigration } from './recorder.ts';
import { SchemaEditor } from './schema/editor.ts';
import { OperationRunner, type OperationStep } from './schema/runner.ts';
import { ProjectState } from './state.ts';

export interface PlanStep {
  readonly migration: Migration;
  readonly direction: Direction;
}

/** `{ app: 'blog' }` (its latest), `{ app: 'blog', name: '0002' }`, or `{ app: 'blog', name: 'zero' }`. */
export interface MigrateTarget {
  readonly app: string;
  readonly name?: string;
}

export interface MigrateOptions {
  /** Record the plan as done without running it. */
  fake?: boolean;
  /** Record an initial migration as applied when every table it creates exists already. */
  fakeInitial?: boolean;
  /** Told of each step: "Applying blog.0002_post_summary...". */
  log?: (line: string) => void;
}

export class MigrationExecutor {
  readonly recorder: MigrationRecorder;
  readonly editor: SchemaEditor;

  constructor(
    readonly db: Database,
    readonly graph: MigrationGraph,
    /** The models of apps without migrations. */
    readonly background: ProjectState,
  ) {
    this.recorder = new MigrationRecorder(db);
    this.editor = new SchemaEditor(db.dialect, background);
  }

  /** What `migrate` would do for `targets` (every app's latest migration by default). */
  async plan(targets?: readonly MigrateTarget[]): Promise<PlanStep[]> {
    const applied = await this.recorder.applied();
    const isDone = (m: Migration) => applied.has(keyOf(m.app, m.name)) && applied.get(keyOf(m.app, m.name))!.operationsDone === undefined;
    const isTouched = (m: Migration) => applied.has(keyOf(m.app, m.name));
    const steps: PlanStep[] = [];
    const planned = new Set<string>();
    const add = (migration: Migration, direction: Direction) => {
      const key = keyOf(migration.app, migration.name);
      if (planned.has(key)) return;
      planned.add(key);
      steps.push({ migration, direction });
    };
    const list: readonly MigrateTarget[] = targets ?? this.graph.apps().map((app) => ({ app }));
    for (const target of list) {
      if (target.name === 'zero') {
        const own = this.graph.ofApp(target.app);
        if (own.length === 0) throw new MigrationError(`App '${target.app}' has no migrations.`);
        const undo = new Set(own.flatMap((m) => this.graph.descendants(m)).filter(isTouched));
        for (const m of [...this.graph.order()].reverse()) if (undo.has(m)) add(m, 'backwards');
        continue;
      }
      const migration = target.name === undefined ? this.graph.leaf(target.app) : this.graph.find(target.app, target.name);
      if (migration === undefined) throw new MigrationError(`App '${target.app}' has no migrations.`);
      if (isDone(migration)) {
        // Going back: undo what came after it in its app, and what depends on that.
        const later = this.graph.ofApp(target.app).filter((m) => m.dependencies.some(([app, name]) => app === migration.app && name === migration.name));
        const undo = new Set(later.flatMap((m) => this.graph.descendants(m)).filter(isTouched));
        for (const m of [...this.graph.order()].reverse()) if (undo.has(m)) add(m, 'backwards');
      } else {
        for (const m of this.graph.ancestors(migration)) if (!isDone(m)) add(m, 'forwards');
      }
    }
    return steps;
  }

  async migrate(targets?: readonly MigrateTarget[], options: MigrateOptions = {}): Promise<PlanStep[]> {
    const log = options.log ?? (() => {});
    await this.recorder.ensureTable();
    const steps = await this.plan(targets);
    // Refuse before anything runs, rather than half way back.
    for (const { migration, direction } of steps) {
      const stuck = direction === 'backwards' ? migration.operations.findIndex((o) => !o.reversible) : -1;
      if (stuck >= 0 && !options.fake) {
        throw new MigrationError(`${keyOf(migration.app, migration.name)} cannot be undone: operation ${stuck + 1} (${migration.operations[stuck]!.describe()}) has no backward part. Nothing was changed.`);
      }
    }
    for (const step of steps) {
      const { migration, direction } = step;
      const name = keyOf(migration.app, migration.name);
      const started = performance.now();
      const applied = await this.recorder.applied();
      if (options.fake || (options.fakeInitial && direction === 'forwards' && (await this.createsExistingTables(migration)))) {
        if (direction === 'forwards') await this.recorder.record(migration.app, migration.name);
        else await this.recorder.forget(migration.app, migration.name);
        log(`  ${direction === 'forwards' ? 'Applying' : 'Unapplying'} ${name}... FAKED`);
        continue;
      }
      log(`  ${direction === 'forwards' ? 'Applying' : 'Unapplying'} ${name}...`);
      await this.run(migration, direction, applied);
      log(`  ${direction === 'forwards' ? 'Applied' : 'Unapplied'} ${name} (${((performance.now() - started) / 1000).toFixed(2)} s)`);
    }
    return steps;
  }

  private async createsExistingTables(migration: Migration): Promise<boolean> {
    if (migration.dependencies.some(([app]) => app === migration.app)) return false;
    const creates = migration.operations.filter((o) => o.type === 'createModel');
    if (creates.length === 0 || creates.length !== migration.operations.length) return false;
    const state = creates.reduce((s, o) => o.apply(s), ProjectState.empty());
    for (const table of this.editor.render(state).tables.values()) if (!(await this.recorder.tableExists(table.name))) return false;
    return true;
  }

  private async run(migration: Migration, direction: Direction, applied: ReadonlyMap<string, AppliedMigration>): Promise<void> {
    const without = new Map(applied);
    without.delete(keyOf(migration.app, migration.name));
    const done = applied.get(keyOf(migration.app, migration.name))?.operationsDone;
    const ops = operationSteps(migration, this.graph.state(without), direction, done);
    const total = migration.operations.length;
    if (runsInOneTransaction(migration, this.db.sqlDialect)) {
      // Rebuilding a table (SQLite) drops the table that rows point at: the checks are off meanwhile, and done by hand before commit.
      const unchecked = this.db.sqlDialect.rebuildsTableToAlter;
      await this.withoutForeignKeyChecks(unchecked, () => atomic(async () => {
        await this.runBatch(ops);
        if (unchecked) await this.checkForeignKeys(migration);
        if (direction === 'forwards') await this.recorder.record(migration.app, migration.name);
        else await this.recorder.forget(migration.app, migration.name);
      }, { using: this.db }));
      this.db.schemaChanged();
      return;
    }
    // A migration of no operations (a merge) is recorded all the same, or it would run again on every migrate.
    if (ops.length === 0) {
      if (direction === 'forwards') await this.recorder.record(migration.app, migration.name);
      else await this.recorder.forget(migration.app, migration.name);
      return;
    }
    // One operation at a time, each recorded when it is done, so that a failure says what ran.
    for (const [position, op] of ops.entries()) {
      try {
        if (op.operation.concurrently) await this.runBatch([op]);
        else await atomic(() => this.runBatch([op]), { using: this.db });
      } catch (error) {
        this.db.schemaChanged();
        const finished = ops.slice(0, position).map((o) => `${o.index + 1}. ${o.operation.describe()}`);
        const ran = `${finished.length === 0 ? 'No operation before it ran.' : `These operations ran and are recorded:\n    ${finished.join('\n    ')}`}\n  Operation ${op.index + 1} may have run in part: its statements skip what is already done when it runs again.`;
        throw new MigrationError(
          `${direction === 'forwards' ? 'Applying' : 'Unapplying'} ${keyOf(migration.app, migration.name)} stopped at operation ${op.index + 1} of ${total} (${op.operation.describe()}): ${(error as Error).message}\n  ${ran}\n  Fix the cause and run migrate again: it goes on from operation ${op.index + 1}.`,
          { cause: error },
        );
      }
      const last = position === ops.length - 1;
      if (direction === 'forwards') {
        if (last) await this.recorder.record(migration.app, migration.name);
        else await this.recorder.record(migration.app, migration.name, op.index + 1);
      } else if (last) {
        await this.recorder.forget(migration.app, migration.name);
      } else {
        await this.recorder.record(migration.app, migration.name, op.index);
      }
    }
    this.db.schemaChanged();
  }

  private runBatch(steps: readonly OperationStep[]): Promise<void> {
    return new OperationRunner(this.editor, {
      execute: (statements) => this.execute(statements),
      run: async (operation, state, direction) => {
        this.db.schemaChanged();
        await operation.run!({ db: this.db, dialect: this.db.dialect, models: renderedModels(this.editor.render(state).registry) }, direction);
      },
      check: (operation, state, direction) => operation.check!({ db: this.db, dialect: this.db.dialect, models: renderedModels(this.editor.render(state).registry) }, state, direction),
    }).run(steps);
  }

  private async execute(statements: readonly string[]): Promise<void> {
    for (const statement of statements) {
      try {
        await this.db.execute(CompiledQuery.raw(statement));
      } catch (error) {
        throw new MigrationError(`${(error as Error).message}\n  in: ${statement}`, { cause: error });
      }
    }
  }

  /** With the checks off, rebuilt tables must still hold valid references: asked where the database can list those that do not. */
  private async checkForeignKeys(migration: Migration): Promise<void> {
    const violations = this.db.sqlDialect.foreignKeyViolationsSql;
    if (violations === undefined) return;
    const { rows } = await sql.raw<{ table: string; rowid: number; parent: string }>(violations).execute(this.db.executor());
    if (rows.length === 0) return;
    const sample = rows.slice(0, 5).map((r) => `${r.table} row ${r.rowid} -> ${r.parent}`).join(', ');
    throw new MigrationError(`${keyOf(migration.app, migration.name)} would leave ${rows.length} row(s) pointing at rows that do not exist (${sample}); nothing was changed.`);
  }

  /** Runs `fn` with foreign keys unchecked when `unchecked`, switched outside the transaction (SQLite cannot switch them inside one). */
  private async withoutForeignKeyChecks<T>(unchecked: boolean, fn: () => Promise<T>): Promise<T> {
    const off = unchecked ? this.db.sqlDialect.foreignKeyChecks(false, false) : undefined;
    if (off === undefined) return fn();
    await sql.raw(off).execute(this.db.kysely);
    try {
      return await fn();
    } finally {
      const on = this.db.sqlDialect.foreignKeyChecks(true, false);
      if (on !== undefined) await sql.raw(on).execute(this.db.kysely);
    }
  }
}

/**
 * Whether `migration` runs as one transaction on `dialect`: not where DDL commits (MySQL), nor
 * where it builds an index without blocking writes (PostgreSQL does that only outside one).
 */
export function runsInOneTransaction(migration: Pick<Migration, 'operations'>, dialect: SqlDialect): boolean {
  return dialect.transactionalDdl && !migration.operations.some((o) => o.concurrently && dialect.concurrentIndexes);
}

/**
 * The operations of `migration` still to run, in the order they run, each with the states it goes
 * between; `base` is the state without the migration, `done` the operations a stopped run finished.
 */
export function operationSteps(migration: Migration, base: ProjectState, direction: Direction, done?: number): OperationStep[] {
  const states = [base];
  for (const operation of migration.operations) states.push(operation.apply(states.at(-1)!));
  const total = migration.operations.length;
  const indexes = direction === 'forwards' ? range(done ?? 0, total) : range(0, done ?? total).reverse();
  return indexes.map((i) => ({
    index: i,
    direction,
    operation: migration.operations[i]!,
    from: direction === 'forwards' ? states[i]! : states[i + 1]!,
    to: direction === 'forwards' ? states[i + 1]! : states[i]!,
  }));
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
}
