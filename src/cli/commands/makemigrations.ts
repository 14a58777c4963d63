/**
 * `trove makemigrations [app…]`: compares the models with what their migration files build and
 * writes the migration that takes one to the other. No database is needed.
 */
import { relative } from 'node:path';
import { migrationSource, nonInteractive, terminalQuestioner, writeMigration } from '../../migrations/index.ts';
import { type Command } from '../command.ts';
import { checkBeforeStart } from '../checks.ts';
import { loadProjectWithTroveApps } from '../config.ts';
import { openMigrations } from '../migrations.ts';
import { print, printError } from '../output.ts';

export const makemigrations: Command = {
  name: 'makemigrations',
  summary: 'Write migrations for the changes made to the models since their last migration.',
  usage: 'trove makemigrations [app…] [--name NAME] [--empty] [--merge] [--dry-run] [--check] [--no-input] [--skip-checks]',
  details: `
  app               only these apps; name an app without migrations to start its first
  --name NAME       the migration's name after its number (0002_NAME)
  --empty           an empty migration to fill in by hand (runSql, runCode)
  --merge           join an app's migrations that branched (two made apart) with a migration that follows both
  --dry-run         print the operations (--verbose: the whole file) and write nothing
  --check           exit 1 when the models have changes that no migration holds (for CI); writes nothing
  --no-input        never ask: an ambiguous change (a possible rename) is an error
  --skip-checks     do not check the models (trove check --tag models) first`,
  options: { name: { type: 'string' }, empty: { type: 'boolean' }, merge: { type: 'boolean' }, 'dry-run': { type: 'boolean' }, check: { type: 'boolean' }, 'no-input': { type: 'boolean' }, verbose: { type: 'boolean' }, 'skip-checks': { type: 'boolean' } },
  positionals: { min: 0, max: 20 },
  async run({ values, positionals }) {
    const project = await loadProjectWithTroveApps(values.config as string | undefined);
    // Models first: a relation to a model that does not exist is named, not a failed detection. Branches are reported below.
    if (values['skip-checks'] !== true) await checkBeforeStart(project, { tags: ['models'] });
    const migrations = await openMigrations(project);
    if (positionals.length === 0 && migrations.migratedApps.size === 0) {
      print(`No app has migrations yet. Start an app's migrations by naming it: trove makemigrations ${[...migrations.apps.keys()][0] ?? '<app>'}`);
      return values.check === true ? 0 : 0;
    }
    if (values.merge === true) {
      const merges = migrations.mergeMigrations(positionals.length > 0 ? positionals : undefined);
      if (merges.length === 0) {
        print('No conflicts detected to merge.');
        return 0;
      }
      for (const merge of merges) {
        print(`Merging ${merge.app}: ${merge.dependencies.map(([, name]) => name).join(' and ')}`);
        print(`  ${relative(process.cwd(), merge.folder) || '.'}/${merge.name}.ts`);
        if (values['dry-run'] !== true) writeMigration(merge);
      }
      return 0;
    }
    const interactive = values['no-input'] !== true && values.check !== true && process.stdin.isTTY === true;
    const made = await migrations.makeMigrations({
      apps: positionals.length > 0 ? positionals : undefined,
      questioner: interactive ? terminalQuestioner() : nonInteractive,
      name: values.name as string | undefined,
      empty: values.empty === true,
    });
    if (made.length === 0) {
      print(positionals.length === 1 ? `No changes detected in app '${positionals[0]}'` : 'No changes detected');
      return 0;
    }
    if (values.check === true) {
      printError('The models have changes that no migration holds:');
      for (const migration of made) for (const op of migration.operations) printError(`  - ${op.describe()}`);
      printError("Run 'trove makemigrations' and commit the files it writes.");
      return 1;
    }
    for (const migration of made) {
      const path = `${relative(process.cwd(), migration.folder) || '.'}/${migration.name}.ts`;
      print(`Migrations for '${migration.app}':`);
      print(`  ${path}`);
      for (const op of migration.operations) print(`    - ${op.describe()}`);
      const base = migrations.finalState();
      // PostgreSQL's warnings whatever the project's database: where a migration would lock a big table in production.
      const { warnings } = await migrations.sqlOf(migration, 'postgres', 'forwards', base);
      for (const warning of warnings) printError(`    ! PostgreSQL: ${warning}`);
      if (values['dry-run'] === true) {
        if (values.verbose === true) print(migrationSource(migration));
        continue;
      }
      writeMigration(migration);
    }
    return 0;
  },
};
