/** `trove showmigrations [app…]`: each app's migrations, [X] where the database has them. */
import { keyOf } from '../../migrations/index.ts';
import { type Command } from '../command.ts';
import { openProject } from '../config.ts';
import { openMigrations } from '../migrations.ts';
import { print, printError } from '../output.ts';

export const showmigrations: Command = {
  name: 'showmigrations',
  summary: "List the project's migrations: [X] applied, [ ] not yet, [~] stopped part way; exit 1 when an app's migrations branched.",
  usage: 'trove showmigrations [app…]',
  positionals: { min: 0, max: 20 },
  async run({ values, positionals }) {
    const { project, db } = await openProject(values.config as string | undefined);
    try {
      const migrations = await openMigrations(project);
      const applied = await migrations.executor(db).recorder.applied();
      const apps = positionals.length > 0 ? positionals : [...migrations.apps.keys()].sort();
      const conflicts = new Map(migrations.conflicts().map((c) => [c.app, c.leaves]));
      for (const app of apps) {
        print(app);
        const own = migrations.graph.ofApp(app);
        if (own.length === 0) print(' (no migrations)');
        for (const migration of own) {
          const record = applied.get(keyOf(app, migration.name));
          const mark = record === undefined ? '[ ]' : record.operationsDone === undefined ? '[X]' : '[~]';
          const partly = record?.operationsDone === undefined ? '' : ` (${record.operationsDone} of ${migration.operations.length} operations ran)`;
          const branch = conflicts.get(app)?.includes(migration.name) === true ? '  <- conflict: another migration follows the same one' : '';
          print(` ${mark} ${migration.name}${partly}${branch}`);
        }
      }
      for (const [app, leaves] of conflicts) {
        if (apps.includes(app)) printError(`Conflicting migrations in app '${app}': ${leaves.join(' and ')} both follow the same one. Run 'trove makemigrations --merge' to join them.`);
      }
      return [...conflicts.keys()].some((app) => apps.includes(app)) ? 1 : 0;
    } finally {
      await db.close();
    }
  },
};
