/** `trove sqlmigrate app migration`: the SQL a migration runs, without running it. */
import { dialectNamed, dialectOf, parseDatabaseUrl } from '../../db/index.ts';
import { runsInOneTransaction } from '../../migrations/index.ts';
import { UsageError, type Command } from '../command.ts';
import { loadProject } from '../config.ts';
import { openMigrations } from '../migrations.ts';
import { print } from '../output.ts';

export const sqlmigrate: Command = {
  name: 'sqlmigrate',
  summary: "Print the SQL a migration runs on the project's database (or another), and what would hurt on PostgreSQL.",
  usage: 'trove sqlmigrate <app> <migration> [--backwards] [--database sqlite|postgres|mysql]',
  details: `
  --backwards       the SQL that undoes it
  --database NAME   another database's SQL (no connection is made either way)`,
  options: { backwards: { type: 'boolean' }, database: { type: 'string' } },
  positionals: { min: 2, max: 2 },
  async run({ values, positionals }) {
    const [app, name] = positionals as [string, string];
    await import('../../auth/index.ts');
    await import('../../web/sessions.ts');
    await import('../../admin/log.ts');
    const project = await loadProject({ configPath: values.config as string | undefined });
    const chosen = values.database as string | undefined;
    const dialect = chosen === undefined ? parseDatabaseUrl(project.databaseUrl).dialect : dialectNamed(chosen);
    if (dialect === undefined) throw new UsageError(`--database is one of sqlite, postgres, mysql; got '${chosen}'.`);
    const migrations = await openMigrations(project);
    if (!migrations.apps.has(app)) throw new UsageError(`no app '${app}' in this project.`);
    const migration = migrations.graph.find(app, name);
    const direction = values.backwards === true ? 'backwards' : 'forwards';
    const { statements, warnings } = await migrations.sqlOf(migration, dialect, direction);
    const transactional = runsInOneTransaction(migration, dialectOf(dialect));
    print(`-- ${direction === 'forwards' ? 'Apply' : 'Undo'} ${app}.${migration.name} on ${dialect}${transactional ? ' (one transaction)' : ' (no transaction: each operation is recorded as it finishes)'}`);
    for (const op of direction === 'forwards' ? migration.operations : [...migration.operations].reverse()) print(`-- ${op.describe()}`);
    for (const warning of warnings) print(`-- WARNING (PostgreSQL): ${warning}`);
    if (transactional) print('begin;');
    for (const statement of statements) print(`${statement};`);
    if (transactional) print('commit;');
    return 0;
  },
};
