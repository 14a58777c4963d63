/** The project's migrations, as the migration commands open them. */
import { isAbsolute, resolve } from 'node:path';
import { syncPermissions } from '../auth/index.ts';
import type { Database } from '../db/index.ts';
import { defaultMigrationsFolder, keyOf, MigrationProject, type AppFolder, type MigrateOptions, type MigrateTarget, type PlanStep } from '../migrations/index.ts';
import { allModels } from '../orm/index.ts';
import type { Project } from './config.ts';

/** Each app of the project with its migrations folder (`config.migrations`, or beside its models). */
export function appFolders(project: Project): AppFolder[] {
  const folders: AppFolder[] = [];
  for (const module of project.appModules) {
    for (const label of module.apps) {
      const configured = project.config.migrations?.[label];
      const folder = configured === undefined ? defaultMigrationsFolder(module.path, label, module.apps.length) : isAbsolute(configured) ? configured : resolve(project.root, configured);
      if (!folders.some((f) => f.label === label)) folders.push({ label, folder });
    }
  }
  return folders;
}

export function openMigrations(project: Project): Promise<MigrationProject> {
  return MigrationProject.load(appFolders(project), allModels());
}

export interface MigrateResult {
  /** Tables of apps without migrations, made because they were missing. */
  readonly created: string[];
  readonly steps: PlanStep[];
  readonly permissions: number;
  /** Model changes that no migration holds, per app. */
  readonly pending: Map<string, string[]>;
}

/**
 * What `trove migrate` does, for code that sets up its own database (a demo, a test): the tables
 * of apps without migrations, the migrations that are due, and the permissions of new models.
 */
export async function migrateProject(project: Project, db: Database, options: MigrateOptions & { targets?: MigrateTarget[] } = {}): Promise<MigrateResult> {
  const migrations = await openMigrations(project);
  // Tables of apps without migrations come first, as migrated models may point at them (users,
  // say); those that point at migrated tables come once the migrations have made them.
  const tables = migrations.unmigratedTables();
  let first = tables;
  for (let size = -1; size !== first.length;) {
    size = first.length;
    const names = new Set(first.map((t) => t.name));
    first = first.filter((t) => t.foreignKeys.every((fk) => names.has(fk.refTable)));
  }
  const created = await db.createTables(first);
  for (const table of created) options.log?.(`  Created table ${table}`);
  const steps = await migrations.executor(db).migrate(options.targets, options);
  const later = await db.createTables(tables.filter((t) => !first.includes(t)));
  for (const table of later) options.log?.(`  Created table ${table}`);
  created.push(...later);
  const permissions = await syncPermissions();
  return { created, steps, permissions, pending: await migrations.pendingChanges() };
}

/**
 * Django's warning when the server starts: how many migrations the database has not had yet (a
 * migration stopped part way counts), for which apps, and the command that applies them; undefined
 * when there are none.
 */
export async function unappliedMigrationsWarning(project: Project, db: Database): Promise<string | undefined> {
  const migrations = await openMigrations(project);
  const applied = await migrations.executor(db).recorder.applied();
  const due = migrations.graph.order().filter((m) => applied.get(keyOf(m.app, m.name))?.operationsDone !== undefined || !applied.has(keyOf(m.app, m.name)));
  if (due.length === 0) return undefined;
  const apps = [...new Set(due.map((m) => m.app))].sort();
  return `You have ${due.length} unapplied migration(s). Your project may not work properly until you apply the migrations for app(s): ${apps.join(', ')}.\nRun 'trove migrate' to apply them.`;
}
