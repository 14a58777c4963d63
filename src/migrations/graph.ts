/** Migrations and the order their dependencies give them. */
import { MigrationError } from './errors.ts';
import type { Operation } from './operations/operation.ts';
import { ProjectState } from './state.ts';

/** `['blog', '0001_initial']`: a migration that must run first. */
export type Dependency = readonly [app: string, name: string];

export interface Migration {
  readonly app: string;
  /** The file name without its extension: `0002_post_summary`. */
  readonly name: string;
  readonly dependencies: readonly Dependency[];
  readonly operations: readonly Operation[];
  /** The file it came from. */
  readonly path?: string;
}

export function keyOf(app: string, name: string): string {
  return `${app}.${name}`;
}

export class MigrationGraph {
  readonly nodes = new Map<string, Migration>();
  private readonly children = new Map<string, Set<string>>();
  private ordered: Migration[] | undefined;

  constructor(migrations: Iterable<Migration>) {
    for (const migration of migrations) this.nodes.set(keyOf(migration.app, migration.name), migration);
    for (const [key, migration] of this.nodes) {
      for (const [app, name] of migration.dependencies) {
        const parent = keyOf(app, name);
        if (!this.nodes.has(parent)) {
          throw new MigrationError(`Migration ${key} depends on ${parent}, which does not exist${migration.path ? ` (${migration.path})` : ''}.`);
        }
        let set = this.children.get(parent);
        if (set === undefined) this.children.set(parent, (set = new Set()));
        set.add(key);
      }
    }
  }

  get(app: string, name: string): Migration {
    const migration = this.nodes.get(keyOf(app, name));
    if (migration === undefined) throw new MigrationError(`There is no migration ${name} in app '${app}'.`);
    return migration;
  }

  /** The app's migration whose name is `name` or starts with it (`0002` finds `0002_post_summary`). */
  find(app: string, prefix: string): Migration {
    const exact = this.nodes.get(keyOf(app, prefix));
    if (exact !== undefined) return exact;
    const found = this.ofApp(app).filter((m) => m.name.startsWith(prefix));
    if (found.length === 1) return found[0]!;
    if (found.length === 0) throw new MigrationError(`App '${app}' has no migration '${prefix}'.`);
    throw new MigrationError(`'${prefix}' names more than one migration of '${app}': ${found.map((m) => m.name).join(', ')}.`);
  }

  ofApp(app: string): Migration[] {
    return [...this.nodes.values()].filter((m) => m.app === app).sort((a, b) => a.name.localeCompare(b.name));
  }

  apps(): string[] {
    return [...new Set([...this.nodes.values()].map((m) => m.app))].sort();
  }

  /** Every migration, each after those it depends on (apps and names break ties, for a stable order). */
  order(): Migration[] {
    if (this.ordered !== undefined) return this.ordered;
    const done = new Set<string>();
    const visiting = new Set<string>();
    const result: Migration[] = [];
    const visit = (key: string, path: string[]) => {
      if (done.has(key)) return;
      if (visiting.has(key)) throw new MigrationError(`Migrations depend on each other in a circle: ${[...path, key].join(' -> ')}.`);
      visiting.add(key);
      const migration = this.nodes.get(key)!;
      for (const [app, name] of [...migration.dependencies].sort((a, b) => keyOf(...a).localeCompare(keyOf(...b)))) visit(keyOf(app, name), [...path, key]);
      visiting.delete(key);
      done.add(key);
      result.push(migration);
    };
    for (const key of [...this.nodes.keys()].sort()) visit(key, []);
    return (this.ordered = result);
  }

  /** The app's latest migration: the one no other migration of the app depends on. */
  leaf(app: string): Migration | undefined {
    const leaves = this.leaves(app);
    if (leaves.length > 1) {
      throw new MigrationError(`Conflicting migrations in app '${app}': ${leaves.map((m) => m.name).join(' and ')} both follow the same one. Run 'trove makemigrations --merge' to join them, or make one depend on the other.`);
    }
    return leaves[0];
  }

  /** The app's migrations that no other migration of the app depends on: one, unless two branches were made apart. */
  leaves(app: string): Migration[] {
    return this.ofApp(app).filter((m) => ![...(this.children.get(keyOf(m.app, m.name)) ?? [])].some((child) => this.nodes.get(child)!.app === app));
  }

  /** `migration` and everything it needs, in order. */
  ancestors(migration: Migration): Migration[] {
    const wanted = new Set<string>();
    const walk = (m: Migration) => {
      const key = keyOf(m.app, m.name);
      if (wanted.has(key)) return;
      wanted.add(key);
      for (const [app, name] of m.dependencies) walk(this.get(app, name));
    };
    walk(migration);
    return this.order().filter((m) => wanted.has(keyOf(m.app, m.name)));
  }

  /** `migration` and everything that needs it, in order. */
  descendants(migration: Migration): Migration[] {
    const wanted = new Set<string>();
    const walk = (key: string) => {
      if (wanted.has(key)) return;
      wanted.add(key);
      for (const child of this.children.get(key) ?? []) walk(child);
    };
    walk(keyOf(migration.app, migration.name));
    return this.order().filter((m) => wanted.has(keyOf(m.app, m.name)));
  }

  /**
   * The models as the migrations in `applied` leave them (every migration by default); a migration
   * that stopped part way counts the operations it finished.
   */
  state(applied?: ReadonlyMap<string, { readonly operationsDone?: number | undefined }>): ProjectState {
    let state = ProjectState.empty();
    for (const migration of this.order()) {
      const record = applied === undefined ? {} : applied.get(keyOf(migration.app, migration.name));
      if (record === undefined) continue;
      const count = record.operationsDone ?? migration.operations.length;
      for (const operation of migration.operations.slice(0, count)) state = operation.apply(state);
    }
    return state;
  }
}
