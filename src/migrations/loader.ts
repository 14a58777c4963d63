/** Finds each app's migrations folder and imports the files in it. */
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { MigrationError } from './errors.ts';
import type { Dependency, Migration } from './graph.ts';
import type { Operation } from './operations/operation.ts';

/** `0001_initial.ts`: four digits, a name; `.ts`, `.js`, `.mts` or `.mjs`. */
export const MIGRATION_FILE = /^(\d{4}_\w+)\.(ts|mts|js|mjs)$/;

export function migrationFiles(folder: string): Array<{ name: string; path: string }> {
  if (!existsSync(folder)) return [];
  const seen = new Map<string, string>();
  for (const file of readdirSync(folder).sort()) {
    const match = MIGRATION_FILE.exec(file);
    if (match === null || file.endsWith('.d.ts')) continue;
    const name = match[1]!;
    // A compiled copy beside its source is the same migration.
    if (!seen.has(name) || /\.m?ts$/.test(file)) seen.set(name, join(folder, file));
  }
  return [...seen].map(([name, path]) => ({ name, path }));
}

export async function loadMigration(app: string, name: string, path: string): Promise<Migration> {
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (error) {
    throw new MigrationError(`Migration ${app}.${name} failed to load (${path}): ${(error as Error).message}`);
  }
  const { dependencies = [], operations } = module as { dependencies?: unknown; operations?: unknown };
  if (!Array.isArray(operations)) throw new MigrationError(`${path} must export \`operations\`, a list of operations.`);
  if (!Array.isArray(dependencies) || !dependencies.every((d) => Array.isArray(d) && d.length === 2 && d.every((part) => typeof part === 'string'))) {
    throw new MigrationError(`${path}: \`dependencies\` must be a list of [app, migration] pairs.`);
  }
  for (const [i, operation] of operations.entries()) {
    if (typeof (operation as Operation)?.apply !== 'function') throw new MigrationError(`${path}: operation ${i + 1} is not an operation (build it with createModel(), addField() and so on).`);
  }
  return { app, name, dependencies: dependencies as Dependency[], operations: operations as Operation[], path };
}

/** Every migration of these apps (app label to folder). */
export async function loadMigrations(folders: ReadonlyMap<string, string>): Promise<Migration[]> {
  const loaded: Migration[] = [];
  for (const [app, folder] of folders) {
    for (const { name, path } of migrationFiles(folder)) loaded.push(await loadMigration(app, name, path));
  }
  return loaded;
}

/**
 * Where an app's migrations live: `migrations/` beside the module that defines its models, or
 * `migrations/<app>/` when that module defines models of several apps.
 */
export function defaultMigrationsFolder(modulePath: string, app: string, appsInModule: number): string {
  const folder = join(dirname(modulePath), 'migrations');
  return appsInModule > 1 ? join(folder, app) : folder;
}

