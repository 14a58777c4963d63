/**
 * `trove migrate [app] [migration]`: applies the migrations that are due (or undoes those after
 * `migration`; `zero` undoes them all), after making the tables of apps without migrations.
 */
import { redactUrl, type Database } from '../../db/index.ts';
import { engineFor } from '../../deletion/online/engine.ts';
import { MigrationError, type MigrateTarget } from '../../migrations/index.ts';
import { UsageError, type Command } from '../command.ts';
import { checkBeforeStart } from '../checks.ts';
import { openProject } from '../config.ts';
import { migrateProject, openMigrations } from '../migrations.ts';
import { print, printError } from '../output.ts';

export const migrate: Command = {
  name: 'migrate',
  summary: "Apply the project's migrations (or undo them back to one), and make the tables of apps without migrations.",
  usage: 'trove migrate [app] [migration|zero] [--plan] [--check] [--fake] [--fake-initial] [--skip-checks]',
  details: `
  app               only this app's migrations (and those they need)
  migration         go to this migration of the app: '0002' or '0002_post_summary'; 'zero' undoes them all
  --plan            show what would run, and run nothing
  --check           run nothing, and exit with 1 when migrations are due (for CI and deploy scripts)
  --fake            record the migrations as run without running them
  --skip-checks     do not run the system checks (trove check) first
  --fake-initial    record an initial migration as run when its tables exist already (a database made before the app had migrations)`,
  options: { plan: { type: 'boolean' }, check: { type: 'boolean' }, fake: { type: 'boolean' }, 'fake-initial': { type: 'boolean' }, 'skip-checks': { type: 'boolean' } },
  positionals: { min: 0, max: 2 },
  async run({ values, positionals }) {
    const [app, name] = positionals;
    const { project, db } = await openProject(values.config as string | undefined);
    try {
      // Changes no migration holds are said once, after migrating, in migrate's own words.
      if (values['skip-checks'] !== true) await checkBeforeStart(project, { omit: ['migrations.W001'] });
      const migrations = await openMigrations(project);
      if (app !== undefined && !migrations.apps.has(app)) throw new UsageError(`no app '${app}' in this project (its apps: ${[...migrations.apps.keys()].join(', ')}).`);
      if (app !== undefined && !migrations.migratedApps.has(app)) throw new UsageError(`app '${app}' has no migrations: run 'trove makemigrations ${app}' first.`);
      const targets: MigrateTarget[] | undefined = app === undefined ? undefined : [{ app, ...(name === undefined ? {} : { name }) }];
      const executor = migrations.executor(db);
      print(`Database: ${redactUrl(project.databaseUrl)}`);
      if (values.check === true) {
        const due = (await executor.plan(targets)).filter((step) => step.direction === 'forwards');
        if (due.length === 0) {
          print('  No migrations to apply.');
          return 0;
        }
        printError(`${due.length} migration${due.length === 1 ? ' is' : 's are'} not applied: ${due.map((s) => `${s.migration.app}.${s.migration.name}`).join(', ')}.`);
        return 1;
      }
      if (values.plan === true) {
        const plan = await executor.plan(targets);
        if (plan.length === 0) print('  No planned migration operations.');
        for (const step of plan) {
          print(`${step.direction === 'forwards' ? 'Apply' : 'Undo'} ${step.migration.app}.${step.migration.name}`);
          const ops = step.direction === 'forwards' ? step.migration.operations : [...step.migration.operations].reverse();
          for (const op of ops) print(`    ${step.direction === 'forwards' ? '' : 'Undo: '}${op.describe()}`);
        }
        return 0;
      }
      let result;
      try {
        result = await migrateProject(project, db, { targets, fake: values.fake === true, fakeInitial: values['fake-initial'] === true, log: print });
      } catch (error) {
        if (error instanceof MigrationError && /already exists/i.test(error.message)) {
          throw new MigrationError(`${error.message}\n  The tables were made before this app had migrations? 'trove migrate --fake-initial' records the initial migration as run.`, { cause: error });
        }
        throw error;
      }
      const { created, steps, permissions, pending } = result;
      if (steps.length === 0 && created.length === 0) print('  No migrations to apply.');
      const jobSchema = await installJobQueueFor(db);
      if (jobSchema !== undefined) print(`  Installed the job queue of online operations (pg-boss, schema ${jobSchema})`);
      if (permissions > 0) print(`  Added ${permissions} permissions`);
      if (pending.size > 0) {
        printError(`Your models in ${[...pending.keys()].map((a) => `'${a}'`).join(', ')} have changes that no migration holds yet, so they were not applied:`);
        for (const [appLabel, changes] of pending) for (const change of changes) printError(`  - ${change}${pending.size > 1 ? ` (${appLabel})` : ''}`);
        printError("Run 'trove makemigrations' to make a migration for them, then 'trove migrate'.");
      }
      return 0;
    } finally {
      await db.close();
    }
  },
};

/**
 * On PostgreSQL, pg-boss's schema and the operations' queue are made here, with the rights that
 * migrations run with, so that no request has to make them on its first online delete. pg-boss
 * is loaded only then. Answers the schema when it was made now.
 */
async function installJobQueueFor(db: Database): Promise<string | undefined> {
  if (engineFor(db).name !== 'pg-boss') return undefined;
  const { installJobQueue, BOSS_SCHEMA } = await import('../../deletion/online/pg-boss.ts');
  return (await installJobQueue(db)) ? BOSS_SCHEMA : undefined;
}
