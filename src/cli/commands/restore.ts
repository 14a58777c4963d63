/** `trove restore <deletionId>`: undoes one soft delete, exactly. */
import { Deletion, hasRowsInTrash, OrphanRestoreError, restoreDeletion, RestoreConflictError } from '../../deletion/index.ts';
import { UsageError, type Command } from '../command.ts';
import { openProject } from '../config.ts';
import { plural, print } from '../output.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const restore: Command = {
  name: 'restore',
  summary: 'Take what one soft delete put in the trash out of it again (see trove trash for the ids).',
  usage: 'trove restore <deletionId>',
  positionals: { min: 1, max: 1 },
  async run({ values, positionals }) {
    const id = positionals[0]!;
    if (!UUID.test(id)) throw new UsageError(`'${id}' is not a deletion id (a UUID, as trove trash lists them).`);
    const { db } = await openProject(values.config as string | undefined);
    try {
      const record = await Deletion.objects.filter({ id }).first();
      if (record === null) {
        print(`No deletion ${id}.`);
        return 1;
      }
      if (!hasRowsInTrash(record.state)) {
        print(`Deletion ${id} was ${record.state}: nothing of it is in the trash to restore.`);
        return 1;
      }
      try {
        const { total, byModel } = await restoreDeletion(id);
        print(`Restored ${plural(total, 'row')}: ${Object.entries(byModel).map(([l, n]) => `${l} ${n}`).join(', ')}.`);
        if (record.state === 'partial') print('Part of this deletion had been deleted for good by a later delete; that part cannot come back.');
        return 0;
      } catch (error) {
        if (error instanceof OrphanRestoreError || error instanceof RestoreConflictError) {
          print(`Nothing restored: ${error.message}`);
          return 1;
        }
        throw error;
      }
    } finally {
      await db.close();
    }
  },
};
