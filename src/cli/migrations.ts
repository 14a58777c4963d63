/** The project's migrations, as the migration commands open them. */
import { isAbsolute, resolve } from 'node:path';
import { defaultMigrationsFolder, MigrationProject, type AppFolder } from '../migrations/index.ts';
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
