/**
 * `trove operations`: online operations and how far they got; `trove operations <id>` one of
 * them per model (`--watch` follows it with a progress bar); `pause`, `resume` and `cancel`.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { CANCEL_FAILED, cancelOperation, listOperations, OnlineOperation, operationProgress, pauseOperation, resumeOperation, type OperationProgress } from '../../deletion/index.ts';
import { UsageError, type Command } from '../command.ts';
import { openProject } from '../config.ts';
import { print, progress, table } from '../output.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const CONTROLS = { pause: pauseOperation, resume: resumeOperation, cancel: cancelOperation } as const;

export function formatDuration(seconds: number | undefined): string {
  if (seconds === undefined) return '?';
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(seconds / 3600)} h ${Math.round((seconds % 3600) / 60)} min`;
}

function summaryLine(p: OperationProgress): string {
  const rate = p.rate === undefined ? '' : `, ${Math.round(p.rate)} rows/s`;
  const left = p.state === 'running' || p.state === 'queued' ? `, ${formatDuration(p.secondsLeft)} left` : '';
  const keys = p.kind === 'purge' ? '' : `, ${p.keysDone}/${p.keysTotal} ${p.rootLabel} keys`;
  return `${p.state}: ${p.done}/${p.planned} rows${keys}, ${p.batches} batches${rate}${left}`;
}

export function describeOperation(p: OperationProgress): string {
  const lines = [
    `Operation ${p.id} (${p.kind === 'purge' ? `purge of deletion ${p.deletionId}` : `${p.kind === 'softDelete' ? 'to the trash' : 'delete'} of ${p.rootLabel}`}${p.actor === null ? '' : `, by ${p.actor}`}, from ${p.source})`,
    summaryLine(p),
    '',
    table(['Model', 'Planned', 'Done', 'Left'], p.models.map((m) => [m.label, m.planned, m.done, m.left])),
  ];
  if (p.slowestBatchMs > 0) lines.push('', `Batch size now ${p.batchSize}; slowest batch ${p.slowestBatchMs} ms.`);
  if (p.error !== '') lines.push(`Last error: ${p.error}`);
  if (p.state === 'failed') {
    // A cancel that failed is finished by cancelling again; resuming would carry on with the delete.
    lines.push(p.error.startsWith(CANCEL_FAILED)
      ? `Fix what keeps the rows from coming back, then cancel again: trove operations cancel ${p.id}`
      : `Fix what blocks it, then: trove operations resume ${p.id} (or cancel it: trove operations cancel ${p.id})`);
  }
  if (p.kind === 'softDelete' && p.deletionId !== null && p.state === 'done') lines.push(`In the trash as deletion ${p.deletionId}. To undo it: trove restore ${p.deletionId}`);
  if (p.state === 'queued' || p.state === 'running') lines.push(p.leaseOwner === null ? 'No worker holds it yet: start one with `trove worker`.' : `Run by ${p.leaseOwner}.`);
  return lines.join('\n');
}

export const operations: Command = {
  name: 'operations',
  summary: 'Online deletes and how far they got; pause, resume or cancel one.',
  usage: 'trove operations [<id> [--watch]] | trove operations pause|resume|cancel <id>',
  details: `
  (no arguments)     the operations still going (failed ones too), then the latest finished
  <id>               one operation, per model: planned, done, left
  <id> --watch       follow it with a progress bar until it ends
  pause <id>         stop after the current batch
  resume <id>        go on (a paused or failed operation)
  cancel <id>        stop for good: a soft delete puts back what it moved; a hard delete keeps what is gone`,
  options: { watch: { type: 'boolean', short: 'w' } },
  positionals: { min: 0, max: 2 },
  async run({ values, positionals }) {
    const [first, second] = positionals;
    const control = first !== undefined && first in CONTROLS ? (first as keyof typeof CONTROLS) : undefined;
    const id = control === undefined ? first : second;
    if (control !== undefined && id === undefined) throw new UsageError(`trove operations ${control} <id>: which operation?`);
    if (control === undefined && second !== undefined) throw new UsageError(`'${first}' is not pause, resume or cancel.`);
    if (id !== undefined && !UUID.test(id)) throw new UsageError(`'${id}' is not an operation id (a UUID, as trove operations lists them).`);
    const { db } = await openProject(values.config as string | undefined);
    try {
      if (id !== undefined && (await OnlineOperation.objects.filter({ id }).count()) === 0) {
        print(`No operation ${id}.`);
        return 1;
      }
      if (control !== undefined) {
        const state = await CONTROLS[control](id!);
        if (state !== 'failed') {
          print(`Operation ${id}: ${state}.`);
          return 0;
        }
        // The control ran, and the operation did not end as asked: say why, and fail.
        print(describeOperation(await operationProgress(id!)));
        return 1;
      }
      if (id === undefined) {
        const all = await listOperations();
        if (all.length === 0) {
          print('No online operations.');
          return 0;
        }
        print(table(['Id', 'Kind', 'Model', 'State', 'Done', 'Planned', 'Created'], all.map((p) => [p.id, p.kind, p.rootLabel, p.state, p.done, p.planned, p.createdAt.toISOString()])));
        if (values.watch === true) print('\nFollow one with: trove operations <id> --watch');
        return 0;
      }
      if (values.watch !== true) {
        print(describeOperation(await operationProgress(id)));
        return 0;
      }
      let p = await operationProgress(id);
      const bar = progress(`Operation ${id.slice(0, 8)}`, p.keysTotal);
      try {
        while (p.state === 'queued' || p.state === 'running' || p.state === 'cancelling') {
          bar.update(p.keysDone, p.keysTotal);
          await sleep(500);
          p = await operationProgress(id);
        }
        bar.update(p.keysDone, p.keysTotal);
      } finally {
        bar.stop();
      }
      print(describeOperation(p));
      return p.state === 'done' ? 0 : 1;
    } finally {
      await db.close();
    }
  },
};
