/**
 * The checks of a project's migrations, as `trove check` and the commands that start work run
 * them (runserver at every start): no database is needed, only the migration files and the models.
 */
import { checkError, checkWarning, type CheckMessage } from '../checks/index.ts';
import type { Project } from './config.ts';
import { openMigrations } from './migrations.ts';

/**
 * migrations.E001: an app whose migrations branched (made apart, on two branches of the code).
 * migrations.W001: models changed since their app's last migration (Django's `migrate` says so
 * after it runs; here every command that checks says so before, runserver included). It costs
 * one replay of the migrations' operations into a state and one comparison with the models,
 * no SQL and no writes.
 */
export async function migrationChecks(project: Project): Promise<CheckMessage[]> {
  const migrations = await openMigrations(project);
  const conflicts = migrations.conflicts();
  const messages = conflicts.map(({ app, leaves }) => checkError('migrations.E001', `Conflicting migrations in app '${app}': ${leaves.join(' and ')} both follow the same one.`, {
    object: app,
    hint: "Run 'trove makemigrations --merge' to join them, or make one depend on the other.",
  }));
  // Branched migrations have no one final state to compare with: E001 comes first.
  if (conflicts.length > 0) return messages;
  const pending = await migrations.pendingChanges();
  if (pending.size === 0) return messages;
  const apps = [...pending.keys()].sort();
  const changes = apps.flatMap((app) => pending.get(app)!.map((change) => `  - ${change}`));
  messages.push(checkWarning('migrations.W001', `Your models in app(s): ${apps.map((a) => `'${a}'`).join(', ')} have changes that are not yet reflected in a migration, and so won't be applied.\n${changes.join('\n')}`, {
    object: apps.join(', '),
    hint: "Run 'trove makemigrations' to make new migrations, and then 'trove migrate' to apply them.",
  }));
  return messages;
}
