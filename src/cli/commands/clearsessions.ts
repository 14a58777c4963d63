/** `trove clearsessions`: deletes expired sessions, which nothing else removes (Django's command of the same name). */
import { SessionRecord } from '../../web/sessions.ts';
import type { Command } from '../command.ts';
import { openProject } from '../config.ts';
import { plural, print } from '../output.ts';

export const clearsessions: Command = {
  name: 'clearsessions',
  summary: 'Delete expired sessions from the database (run it from cron).',
  usage: 'trove clearsessions',
  async run({ values }) {
    const { db } = await openProject(values.config as string | undefined);
    try {
      const { total } = await SessionRecord.objects.filter({ expiresAt__lte: new Date() }).delete();
      print(`Deleted ${plural(total, 'expired session')}.`);
      return 0;
    } finally {
      await db.close();
    }
  },
};
