/** `trove trash [app.Model]`: the soft deletes that can still be restored. */
import { Deletion } from '../../deletion/index.ts';
import type { Command } from '../command.ts';
import { openProject } from '../config.ts';
import { print, table } from '../output.ts';
import { modelArgument } from './delete.ts';

export const trash: Command = {
  name: 'trash',
  summary: 'List the soft deletes in the trash, newest first: when, who, what and how many rows.',
  usage: 'trove trash [app.Model] [--all]',
  details: '  --all             also list operations already restored or purged',
  options: { all: { type: 'boolean' } },
  positionals: { min: 0, max: 1 },
  async run({ values, positionals }) {
    const { db } = await openProject(values.config as string | undefined);
    try {
      let operations = Deletion.objects.orderBy('-createdAt');
      if (values.all !== true) operations = operations.filter({ state: 'active' });
      if (positionals[0] !== undefined) operations = operations.filter({ rootLabel: modelArgument(positionals[0]).label });
      const rows = await operations;
      if (rows.length === 0) {
        print('The trash is empty.');
        return 0;
      }
      print(table(
        ['Deletion', 'When (UTC)', 'Actor', 'Source', 'Root', 'Rows', ...(values.all === true ? ['State'] : [])],
        rows.map((d) => [
          d.id,
          d.createdAt.toISOString().slice(0, 19).replace('T', ' '),
          d.actor ?? '',
          d.source,
          `${d.rootLabel}${d.rootPk === null ? '' : ` ${d.rootPk}`}`,
          Object.entries(d.counts).map(([l, n]) => `${l} ${n}`).join(', '),
          ...(values.all === true ? [d.state] : []),
        ]),
      ));
      return 0;
    } finally {
      await db.close();
    }
  },
};
