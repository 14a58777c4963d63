/** What `trove startproject` and `trove startapp` write. */
export { appFiles, initialMigration, instanceName, listUrlName, modelNameFor, modelNameProblem, type AppNames } from './app.ts';
export { projectFiles, projectPackage, tsconfig, SCRIPTS, type PackageVersions } from './project.ts';
export { packageVersions, troveSpec } from './versions.ts';
export { existingFiles, writeFiles } from './write.ts';
