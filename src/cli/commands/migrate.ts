/** `trove migrate`: until migrations are autodetected, creates the tables that are missing. */
import { syncPermissions } from '../../auth/index.ts';
import { redactUrl } from '../../db/index.ts';
import type { Command } from '../command.ts';
import { openProject } from '../config.ts';
import { print } from '../output.ts';

export const migrate: Command = {
  name: 'migrate',
  summary: 'Create the tables of every model that lacks them (safe to run again), and their permissions.',
  usage: 'trove migrate [--config PATH]',
  async run({ values }) {
    const { project, db } = await openProject(values.config as string | undefined);
    try {
      const created = await db.createTables();
      const permissions = await syncPermissions();
      print(`Database: ${redactUrl(project.databaseUrl)}`);
      if (created.length === 0) print('No changes: every model has its table.');
      for (const table of created) print(`  Created table ${table}`);
      if (permissions > 0) print(`  Added ${permissions} permissions`);
      return 0;
    } finally {
      await db.close();
    }
  },
};
