/**
 * `trove purge [--older-than 30d] [--dry-run] [--online] [--yes]`: empties the trash for good,
 * with progress. It shows what it will remove and asks first, as `trove delete` does; without a
 * terminal it needs `--yes`. With `--online` each operation becomes an online purge that
 * `trove worker` carries out in batches.
 */
import { cutoffFrom, Deletion, purge, purgeDeletion, type PurgeResult } from '../../deletion/index.ts';
import { FieldError, QueryUsageError, ValidationError } from '../../orm/index.ts';
import { UsageError, type Command } from '../command.ts';
import { openProject } from '../config.ts';
import { ask, plural, print, printError, progress, table } from '../output.ts';
import { systemUser } from '../system-user.ts';

export const purgeCommand: Command = {
  name: 'purge',
  summary: 'Remove for good the soft deletes older than a cutoff (all of them without one), each in one transaction.',
  usage: 'trove purge [--older-than 30d] [--dry-run] [--online] [--yes]',
  details: `
  --older-than D    only operations older than D: 30d, 12h, 15m, 45s
  --dry-run         list what would be purged and stop
  --online          write each operation's purge down and return: \`trove worker\` carries them out
                    in small batches (see docs/deleting-at-scale.md)
  --yes             do not ask for confirmation (needed without a terminal)
  --batch-size N    rows per statement (default 1000)`,
  options: { 'older-than': { type: 'string' }, 'dry-run': { type: 'boolean' }, 'batch-size': { type: 'string' }, online: { type: 'boolean' }, yes: { type: 'boolean', short: 'y' } },
  async run({ values }) {
    let cutoff: Date;
    try {
      cutoff = cutoffFrom((values['older-than'] as string | undefined) ?? 0);
    } catch (error) {
      if (error instanceof ValidationError) throw new UsageError(`--older-than: ${error.message}`);
      throw error;
    }
    const batchSize = Number(values['batch-size'] ?? 1000);
    if (!Number.isInteger(batchSize) || batchSize <= 0) throw new UsageError('--batch-size takes a positive whole number.');
    const { db } = await openProject(values.config as string | undefined);
    try {
      const due = await Deletion.objects.filter({ state__in: ['active', 'partial'], createdAt__lt: cutoff }).orderBy('createdAt');
      const rowsOf = (d: (typeof due)[number]) => Object.values(d.counts).reduce((a, b) => a + b, 0);
      const rows = due.reduce((sum, d) => sum + rowsOf(d), 0);
      if (due.length === 0) {
        print('Nothing to purge.');
        return 0;
      }
      print(table(['Deletion', 'When (UTC)', 'Root', 'Rows'], due.map((d) => [d.id, d.createdAt.toISOString().slice(0, 19).replace('T', ' '), d.rootLabel, rowsOf(d)])));
      if (values['dry-run'] === true) {
        print(`\nDry run: ${plural(due.length, 'operation')}, ${plural(rows, 'row')} would be purged; nothing removed.`);
        return 0;
      }
      if (values.yes !== true) {
        if (!process.stdin.isTTY) throw new UsageError('not a terminal, so no confirmation can be asked: add --yes.');
        const answer = await ask(`\nRemove ${plural(due.length, 'operation')} (${plural(rows, 'row')}) for good? They cannot be restored. Type 'yes' to continue: `);
        if (answer !== 'yes') {
          print('Cancelled: nothing purged.');
          return 1;
        }
      }
      if (values.online === true) return await startOnlinePurges(due.map((d) => d.id));
      const bar = progress('Purging', rows);
      // purge() reports each operation's own progress; the bar shows all of them together.
      const doneBy = new Map<string, number>();
      let result: PurgeResult;
      try {
        result = await purge({
          olderThan: cutoff,
          batchSize,
          onProgress: ({ deletionId, done }) => {
            doneBy.set(deletionId, done);
            bar.update([...doneBy.values()].reduce((a, b) => a + b, 0));
          },
        });
        bar.update(rows);
      } finally {
        bar.stop();
      }
      print(`\nPurged ${plural(result.deletions.length, 'operation')}: ${plural(result.total, 'row')} removed for good.`);
      for (const { deletionId, reason } of result.skipped ?? []) printError(`Left in the trash: deletion ${deletionId}, as ${reason}.`);
      return 0;
    } finally {
      await db.close();
    }
  },
};

/**
 * One online purge per operation, oldest first. One that reaches beyond its own trash (another
 * operation's, a live row) is left, with why: an online purge takes one operation alone.
 */
async function startOnlinePurges(ids: readonly string[]): Promise<number> {
  let started = 0;
  for (const id of ids) {
    try {
      const op = await purgeDeletion(id, { online: true, actor: systemUser() ?? undefined, source: 'shell' });
      started++;
      print(`Operation ${op.operationId} queued: deletion ${id}, ${plural(op.plan.total, 'row')} in batches.`);
    } catch (error) {
      // Refused (it reaches beyond its trash, an operation owns it) or its models are gone: the others still go.
      if (!(error instanceof QueryUsageError) && !(error instanceof FieldError)) throw error;
      printError(`Left in the trash: deletion ${id}. ${error.message}`);
    }
  }
  if (started > 0) print('Run them with `trove worker`; follow one with `trove operations <id> --watch`.');
  return started === ids.length ? 0 : 1;
}
