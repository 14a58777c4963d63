/**
 * Migrations: `trove/migrations` gives the operations migration files are made of; the rest is
 * what the `trove` commands (makemigrations, migrate, showmigrations, sqlmigrate) run on.
 */
export { createModel, deleteModel, renameModel, alterSoftDelete, alterModelTable, alterUniqueTogether, addIndex, removeIndex, addConstraint, removeConstraint, type IndexOptions } from './operations/models.ts';
export { addField, removeField, alterField, renameField, type FillOption } from './operations/fields.ts';
export { runSql, runCode, type CodeStep, type SqlForDatabases } from './operations/special.ts';
export type { Operation, RunContext, HistoricalModels, Direction, SchemaHints } from './operations/operation.ts';
export type { Dependency, Migration } from './graph.ts';
export { MigrationGraph, keyOf } from './graph.ts';
export { MigrationError, AmbiguousChangeError } from './errors.ts';
export { ProjectState, describeField, describeModel, type FieldState, type ModelState } from './state.ts';
export { MigrationProject, type AppFolder, type MakeMigrationsOptions } from './project.ts';
export { MigrationExecutor, type PlanStep, type MigrateTarget, type MigrateOptions } from './executor.ts';
export { MigrationRecorder, type AppliedMigration } from './recorder.ts';
export { detectChanges, type DetectedChanges } from './autodetector.ts';
export { nonInteractive, terminalQuestioner, type Questioner } from './questioner.ts';
export { migrationSource, writeMigration, type NewMigration } from './writer.ts';
export { defaultMigrationsFolder, migrationFiles } from './loader.ts';
export { SchemaEditor } from './schema/editor.ts';
export { postgresWarnings } from './warnings.ts';
export { operationSteps, runsInOneTransaction } from './executor.ts';
export { OperationRunner, type OperationStep, type StatementSink } from './schema/runner.ts';
