/**
 * A project's migrations as the commands use them: the apps that have migrations, their files,
 * the models of the apps that have none, and what makemigrations would write.
 */
import { existsSync } from 'node:fs';
import type { Database, DialectName, TableSpec } from '../db/index.ts';
import type { ModelMeta } from '../orm/index.ts';
import { detectChanges, type DetectedChanges } from './autodetector.ts';
import { MigrationError } from './errors.ts';
import { MigrationExecutor, operationSteps } from './executor.ts';
import { keyOf, MigrationGraph, type Dependency, type Migration } from './graph.ts';
import { loadMigrations } from './loader.ts';
import type { Direction, Operation } from './operations/operation.ts';
import type { Questioner } from './questioner.ts';
import { SchemaEditor } from './schema/editor.ts';
import { OperationRunner } from './schema/runner.ts';
import { appOf, ProjectState } from './state.ts';
import { postgresWarnings } from './warnings.ts';
import { migrationName, type NewMigration } from './writer.ts';

/** An app of the project and the folder its migrations live in (whether or not it exists yet). */
export interface AppFolder {
  readonly label: string;
  readonly folder: string;
}

export interface MakeMigrationsOptions {
  /** Only these apps; by default every app that has migrations. */
  readonly apps?: readonly string[];
  readonly questioner: Questioner;
  /** The name after the number, instead of one made from the operations. */
  readonly name?: string;
  /** An empty migration to fill in by hand (runSql, runCode). */
  readonly empty?: boolean;
}

/** Answers nothing and refuses nothing: for checking whether models changed at all. */
const CHECKING: Questioner = { askRename: async () => false, askFill: async () => null };

export class MigrationProject {
  private constructor(
    readonly apps: ReadonlyMap<string, string>,
    readonly graph: MigrationGraph,
    /** Every model defined (Trove's own included). */
    readonly models: readonly ModelMeta[],
    /** Apps whose migrations folder exists, even empty (as `trove startapp` leaves it): Trove makes their tables by migrations alone. */
    private readonly startedApps: ReadonlySet<string> = new Set(),
  ) {}

  /** Migrations already in hand (as tests and tools build them), for apps without folders. */
  static of(migrations: Iterable<Migration>, models: readonly ModelMeta[] = []): MigrationProject {
    const graph = new MigrationGraph(migrations);
    return new MigrationProject(new Map(graph.apps().map((app) => [app, ''])), graph, models);
  }

  static async load(apps: readonly AppFolder[], models: readonly ModelMeta[]): Promise<MigrationProject> {
    const folders = new Map(apps.map((a) => [a.label, a.folder]));
    const started = new Set(apps.filter((a) => existsSync(a.folder)).map((a) => a.label));
    return new MigrationProject(folders, new MigrationGraph(await loadMigrations(folders)), models, started);
  }

  /**
   * Apps with at least one migration file, or a migrations folder (Django's migrations package):
   * their tables come from migrations only, and makemigrations writes their first one unasked.
   */
  get migratedApps(): Set<string> {
    return new Set([...this.graph.apps(), ...this.startedApps]);
  }

  /** Apps whose migrations branched: two or more latest migrations, each followed by none of the others. */
  conflicts(): Array<{ app: string; leaves: string[] }> {
    return this.graph.apps().flatMap((app) => {
      const leaves = this.graph.leaves(app);
      return leaves.length < 2 ? [] : [{ app, leaves: leaves.map((m) => m.name) }];
    });
  }

  /** The models of apps without migrations (and not in `also`): their tables are made when missing, as before. */
  background(also: Iterable<string> = []): ProjectState {
    const migrated = new Set([...this.migratedApps, ...also]);
    return ProjectState.of(this.models.filter((m) => !migrated.has(m.appLabel)));
  }

  /**
   * The statements a migration runs on `dialect` (`sqlmigrate`), with what would hurt on
   * PostgreSQL. Nothing is connected to: the SQL comes from the states alone.
   */
  async sqlOf(migration: Pick<Migration, 'app' | 'name' | 'operations'>, dialect: DialectName, direction: Direction = 'forwards', base?: ProjectState): Promise<{ statements: string[]; warnings: string[] }> {
    const start = base ?? this.stateBefore(migration as Migration);
    const editor = new SchemaEditor(dialect, this.background([migration.app]));
    const steps = operationSteps(migration as Migration, start, direction);
    const statements: string[] = [];
    const warnings: string[] = [];
    for (const step of steps) {
      // The warnings speak of PostgreSQL's own locks and rewrites: shown with its SQL alone.
      if (dialect !== 'postgres' || step.operation.run !== undefined || step.operation.ownSql !== undefined) continue;
      warnings.push(...postgresWarnings(editor.changes(step.operation, step.from, step.to, direction), { concurrently: step.operation.concurrently === true }));
    }
    await new OperationRunner(editor, {
      execute: async (sql) => void statements.push(...sql),
      run: async (operation) => void statements.push(`-- ${operation.describe()}: TypeScript, run by migrate`),
    }).run(steps);
    return { statements, warnings };
  }

  /** The models as the migrations `migration` depends on leave them. */
  stateBefore(migration: Migration): ProjectState {
    const before = this.graph.ancestors(migration).filter((m) => m !== migration);
    return this.graph.state(new Map(before.map((m) => [keyOf(m.app, m.name), {}])));
  }

  /** Tables of the apps without migrations (the link tables of their many-to-many fields included). */
  unmigratedTables(): TableSpec[] {
    const migrated = this.migratedApps;
    const owner = (meta: ModelMeta): string => {
      if (!meta.autoCreated) return meta.appLabel;
      const source = this.models.find((m) => m.manyToManyFields.some((f) => f.throughMeta === meta));
      return source?.appLabel ?? meta.appLabel;
    };
    return this.models.filter((m) => !migrated.has(owner(m))).map((m) => m.tableSpec());
  }

  executor(db: Database): MigrationExecutor {
    return new MigrationExecutor(db, this.graph, this.background());
  }

  /** The models as the migration files leave them. */
  finalState(): ProjectState {
    return this.graph.state();
  }

  /** The models of `apps` as defined now. */
  currentState(apps: ReadonlySet<string>): ProjectState {
    return ProjectState.of(this.models.filter((m) => apps.has(m.appLabel)));
  }

  /** Changes in the models of apps with migrations that no migration holds, per app ("Add field summary to blog.Post"). */
  async pendingChanges(apps: ReadonlySet<string> = this.migratedApps): Promise<Map<string, string[]>> {
    const changes = await detectChanges(this.finalState().only(apps), this.currentState(apps), { models: this.byLabel(), questioner: CHECKING });
    return new Map([...changes.operations].map(([app, ops]) => [app, ops.map((o) => o.describe())]));
  }

  /** The migrations makemigrations would write (nothing is written here). */
  async makeMigrations(options: MakeMigrationsOptions): Promise<NewMigration[]> {
    // The loader only reads files named `0002_word_word.ts`: any other name would be written and never seen.
    if (options.name !== undefined && !/^\w+$/.test(options.name)) {
      throw new MigrationError(`A migration's name is letters, digits and underscores (it goes into the file name 0002_${options.name}.ts); got '${options.name}'.`);
    }
    this.checkApps(options.apps);
    const apps = new Set(options.apps ?? this.migratedApps);
    // Two branches of one app (made on two git branches, say): no change can be placed after both.
    for (const app of apps) this.graph.leaf(app);
    if (options.empty) {
      if (options.apps === undefined || options.apps.length === 0) throw new MigrationError('--empty needs the app to make the migration in: trove makemigrations blog --empty.');
      return [...apps].map((app) => {
        const leaf = this.graph.leaf(app);
        return { app, name: migrationName(this.nextNumber(app), [], false, options.name), dependencies: leaf === undefined ? [] : [[app, leaf.name]], operations: [], folder: this.apps.get(app)! };
      });
    }
    const detected = await detectChanges(this.finalState().only(apps), this.currentState(apps), { models: this.byLabel(), questioner: options.questioner });
    return this.inMigrations(detected, options.name);
  }

  /**
   * The detected operations cut into migrations, each after the migrations it needs. An app
   * whose operations need another app's goes after it; apps whose new models point at each
   * other take turns (Django's way): each writes the operations whose targets exist so far, so
   * one app's model is created first and its key to the other's model is added in a second
   * migration.
   */
  private inMigrations(detected: DetectedChanges, chosenName: string | undefined): NewMigration[] {
    const queue = new Map([...detected.operations].map(([app, ops]) => [app, [...ops]]));
    const needsOf = (operation: Operation): string[] => [...(detected.needs.get(operation) ?? [])];
    // Models this run creates (or renames into being): who needs them waits for their migration.
    const introduced = new Set([...detected.operations.values()].flat().filter((o) => o.type === 'createModel' || o.type === 'renameModel').map((o) => o.label!));
    const landedIn = new Map<string, NewMigration>();
    const latest = new Map<string, NewMigration>();
    const made: NewMigration[] = [];
    const found = new Map(detected.sequence.map((operation, i) => [operation, i]));
    // A model another operation needs is not there yet while its creation waits to be written;
    // a model this run does not create, while the operations on it found before the one that
    // needs it do (a key removed before the model it pointed at is deleted). Operations found
    // after it never hold it back: each was found in a state where it had happened, so waiting
    // for them could only make two apps wait for each other (a deletion cycle across apps, or
    // a model gaining a many-to-many through a new model of another app).
    const notYet = (label: string, by: Operation): boolean => {
      if (introduced.has(label)) return !landedIn.has(label);
      return queue.get(appOf(label))?.some((o) => o.label === label && found.get(o)! < found.get(by)!) ?? false;
    };
    while (queue.size > 0) {
      let app = [...queue.keys()].find((a) => queue.get(a)!.every((o) => needsOf(o).every((label) => !queue.has(appOf(label)))));
      let count = app === undefined ? 0 : queue.get(app)!.length;
      for (const a of app === undefined ? queue.keys() : []) {
        const waiting = queue.get(a)!.findIndex((o) => needsOf(o).some((label) => notYet(label, o)));
        if (waiting !== 0) [app, count] = [a, waiting === -1 ? queue.get(a)!.length : waiting];
        if (app !== undefined) break;
      }
      if (app === undefined) throw new MigrationError(`The new migrations of ${[...queue.keys()].join(' and ')} need each other's new models before anything else.`);
      const operations = queue.get(app)!.splice(0, count);
      if (queue.get(app)!.length === 0) queue.delete(app);
      const previous = latest.get(app) ?? this.graph.leaf(app);
      const dependencies = new Map<string, Dependency>(previous === undefined ? [] : [[app, [app, previous.name]]]);
      for (const label of operations.flatMap(needsOf)) {
        const other = appOf(label);
        const theirs = landedIn.get(label) ?? latest.get(other) ?? this.graph.leaf(other);
        // The latest of an app's migrations needed (names start with their number).
        const known = dependencies.get(other);
        if (theirs !== undefined && (known === undefined || known[1] < theirs.name)) dependencies.set(other, [other, theirs.name]);
      }
      const number = latest.has(app) ? Number.parseInt(latest.get(app)!.name.slice(0, 4), 10) + 1 : this.nextNumber(app);
      const initial = previous === undefined && operations.every((o) => o.type === 'createModel');
      const migration: NewMigration = { app, name: migrationName(number, operations, initial, chosenName), dependencies: [...dependencies.values()], operations, folder: this.apps.get(app)! };
      for (const operation of operations) if (introduced.has(operation.label!)) landedIn.set(operation.label!, migration);
      latest.set(app, migration);
      made.push(migration);
    }
    return made;
  }

  /**
   * For each app whose migrations branch (two leaves), a migration of no operations that follows
   * every leaf and so joins them, as Django's `makemigrations --merge` writes it.
   */
  mergeMigrations(apps?: readonly string[]): NewMigration[] {
    this.checkApps(apps);
    const merges: NewMigration[] = [];
    for (const app of apps ?? this.migratedApps) {
      const leaves = this.graph.leaves(app);
      if (leaves.length < 2) continue;
      const joined = `merge_${leaves.map((m) => m.name).join('_')}`;
      const name = migrationName(this.nextNumber(app), [], false, joined.length <= 60 ? joined : `merge_${leaves.map((m) => m.name.slice(0, 4)).join('_')}`);
      merges.push({ app, name, dependencies: leaves.map((m) => [app, m.name] as const), operations: [], folder: this.apps.get(app)! });
    }
    return merges;
  }

  private checkApps(apps: readonly string[] | undefined): void {
    for (const app of apps ?? []) {
      if (!this.apps.has(app)) throw new MigrationError(`No app '${app}' in this project (its apps: ${[...this.apps.keys()].join(', ') || 'none'}).`);
    }
  }

  /** The number the app's next migration takes: one more than its highest. */
  private nextNumber(app: string): number {
    const existing = this.graph.ofApp(app);
    return existing.length === 0 ? 1 : Math.max(...existing.map((m) => Number.parseInt(m.name.slice(0, 4), 10))) + 1;
  }

  private byLabel(): Map<string, ModelMeta> {
    return new Map(this.models.map((m) => [m.label, m]));
  }
}
