/**
 * Django's `admin.autodiscover()`: each app's `admin` module is imported when a project loads,
 * so that its registrations happen (and `trove check` sees them) even when nothing else imports
 * it. An app is the folder of a module in the config's `apps`; its admin module is `admin.ts`,
 * `admin.tsx`, `admin.js` or `admin.mjs` beside it. A module already imported (by urls.ts, say)
 * is the same module: nothing registers twice.
 */
import { existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError } from './config.ts';
import { loadErrorMessage } from './load-errors.ts';

/** The names an app's admin module may have, in the order they are looked for. */
export const ADMIN_MODULES = ['admin.ts', 'admin.tsx', 'admin.js', 'admin.mjs'] as const;

/** The admin module of each app folder that has one (one per folder, whatever its apps). */
export function adminModulesOf(appModulePaths: readonly string[]): string[] {
  const folders = [...new Set(appModulePaths.map((path) => dirname(path)))];
  return folders.flatMap((folder) => {
    const found = ADMIN_MODULES.map((name) => join(folder, name)).find((path) => existsSync(path));
    return found === undefined ? [] : [found];
  });
}

/** Imports every app's admin module; a ConfigError naming the file and line of one that fails. */
export async function autodiscoverAdmin(project: { readonly root: string; readonly appModules: ReadonlyArray<{ readonly path: string }> }): Promise<string[]> {
  const modules = adminModulesOf(project.appModules.map((app) => app.path));
  for (const path of modules) {
    try {
      await import(pathToFileURL(path).href);
    } catch (error) {
      throw new ConfigError(`the admin module ${relative(project.root, path)} failed to load: ${loadErrorMessage(error, project.root)}`);
    }
  }
  return modules;
}
