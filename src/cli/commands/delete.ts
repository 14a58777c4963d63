/**
 * `trove delete <app.Model> --where field=value …`: the plan as a table, a confirmation, the
 * delete with progress, and for a soft delete the command that undoes it.
 */
import { systemUser } from '../system-user.ts';
import { assertTookPlanned, ProtectedError, RestrictedError, RowsChangedError } from '../../deletion/index.ts';
import { Manager, type DeletePlanLike, type InstanceLike, type ModelMeta } from '../../orm/index.ts';
import { UsageError, type Command } from '../command.ts';
import { openProject } from '../config.ts';
import { modelByLabel } from '../fixtures.ts';
import { ask, plural, print, printError, progress, table } from '../output.ts';
import { parseWhere } from '../where.ts';

export function modelArgument(label: string): ModelMeta {
  try {
    const meta = modelByLabel(label);
    if (meta.autoCreated) throw new Error(`'${label}' is a link table: delete from one of its sides.`);
    return meta;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

export function printPlan(plan: DeletePlanLike): void {
  const action = plan.soft ? 'to the trash' : 'deleted';
  print(table(['Model', `Rows ${action}`], Object.entries(plan.byModel).map(([label, n]) => [label, n])));
  const changed = Object.entries(plan.updates);
  if (changed.length > 0) {
    print('');
    print(table(['Model', 'Rows kept, keys changed (SET_NULL, SET_DEFAULT, SET)'], changed.map(([label, n]) => [label, n])));
  }
  const blockers = [...Object.entries(plan.protected).map(([l, o]) => [l, 'PROTECT', o] as const), ...Object.entries(plan.restricted).map(([l, o]) => [l, 'RESTRICT', o] as const)];
  if (blockers.length > 0) {
    print('');
    print(table(['Blocked by', 'Rule', 'Objects'], blockers.map(([label, rule, objects]) => [label, rule, describeObjects(objects)])));
  }
}

/** Ctrl+C while a delete runs, turned into an error inside its transaction, which rolls it back. */
class Interrupted extends Error {
  override name = 'Interrupted';
}

/**
 * While a delete runs, Ctrl+C does not kill the process at once: it is noted, and the delete stops
 * at its next step by throwing inside the transaction, so what it did is rolled back and we can
 * say so for sure. A second Ctrl+C quits at once, as a user who means it expects.
 */
class CtrlC {
  pressed = false;
  private readonly onSignal = () => {
    if (this.pressed) {
      printError('\nStopped at once: a delete that had not committed is rolled back by the database.');
      process.exit(130);
    }
    this.pressed = true;
    printError('\nStopping: the delete is rolled back once the statement running now ends (Ctrl+C again to quit at once).');
  };

  constructor() {
    process.on('SIGINT', this.onSignal);
  }

  /** Lets a pending Ctrl+C be heard (a signal waits for the event loop, which SQLite's calls do not give back), then throws if there was one. */
  async check(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    if (this.pressed) throw new Interrupted();
  }

  release(): void {
    process.off('SIGINT', this.onSignal);
  }
}

function describeObjects(objects: readonly object[]): string {
  const shown = objects.slice(0, 5).map(String).join(', ');
  return objects.length > 5 ? `${shown} and ${objects.length - 5} more` : shown;
}

export const deleteCommand: Command = {
  name: 'delete',
  summary: "Delete the rows of a model that match, with Django's cascade rules (soft on a soft-delete model).",
  usage: 'trove delete <app.Model> --where field=value … [--all] [--dry-run] [--hard] [--online] [--yes] [--reason TEXT] [--actor NAME]',
  details: `
  --where F=V       a filter, as in filter(): status=draft, author__name__icontains=ann, id__in=1,2,3
  --all             every row (needed when there is no --where)
  --dry-run         show the plan and stop
  --hard            delete for real even on a soft-delete model
  --online          write the delete down and return: \`trove worker\` carries it out in small
                    batches (for millions of rows; see trove operations)
  --yes             do not ask for confirmation
  --reason TEXT     recorded with a soft delete
  --actor NAME      recorded with a soft delete (default: the system user)`,
  options: {
    where: { type: 'string', multiple: true },
    all: { type: 'boolean' },
    'dry-run': { type: 'boolean' },
    hard: { type: 'boolean' },
    online: { type: 'boolean' },
    yes: { type: 'boolean', short: 'y' },
    reason: { type: 'string' },
    actor: { type: 'string' },
  },
  positionals: { min: 1, max: 1 },
  async run({ values, positionals }) {
    const where = (values.where as string[] | undefined) ?? [];
    if (where.length === 0 && values.all !== true) throw new UsageError('give --where field=value (or --all to delete every row).');
    const { db } = await openProject(values.config as string | undefined);
    try {
      const meta = modelArgument(positionals[0]!);
      const hard = values.hard === true;
      const queryset = new Manager<InstanceLike>(meta.modelClass).filter(parseWhere(meta, where) as never);
      const plan = await queryset.planDelete({ hard });
      if (plan.total === 0) {
        print(`Nothing to delete: no ${meta.label} matches.`);
        return 0;
      }
      printPlan(plan);
      if (!plan.allowed) {
        print('\nNothing deleted: the rows above block the delete.');
        return 1;
      }
      if (values['dry-run'] === true) {
        print(`\nDry run: nothing deleted.`);
        return 0;
      }
      if (values.yes !== true) {
        if (!process.stdin.isTTY) throw new UsageError('not a terminal, so no confirmation can be asked: add --yes.');
        const answer = await ask(`\n${plan.soft ? 'Move' : 'Delete'} ${plural(plan.total, 'row')}${plan.soft ? ' to the trash' : ' for good'}? Type 'yes' to continue: `);
        if (answer !== 'yes') {
          print('Cancelled: nothing deleted.');
          return 1;
        }
      }
      if (values.online === true) {
        const options = {
          online: true as const, actor: (values.actor as string | undefined) ?? systemUser(), reason: (values.reason as string | undefined) ?? '', source: 'shell',
          authorize: (now: { byModel: Record<string, number> }) => assertTookPlanned(plan.byModel, now.byModel),
        };
        const started = hard ? await queryset.hardDelete(options) : await queryset.delete(options);
        print(`\nOperation ${started.operationId} queued: ${plural(started.plan.total, 'row')} in batches${started.deletionId === undefined ? '' : `, its ${meta.verboseNamePlural} hidden in the trash already`}.`);
        print(`Run it with \`trove worker\`; follow it with \`trove operations ${started.operationId} --watch\`.`);
        return 0;
      }
      const bar = progress(plan.soft ? 'Moving to the trash' : 'Deleting', plan.total);
      const ctrlC = new CtrlC();
      let result: { total: number; byModel: Record<string, number>; deletionId?: string };
      try {
        const options = {
          actor: (values.actor as string | undefined) ?? systemUser(), reason: (values.reason as string | undefined) ?? '', source: 'shell',
          onProgress: async ({ deleted }: { deleted: number }) => {
            bar.update(deleted);
            await ctrlC.check();
          },
          // What was confirmed is what goes: the plan made inside the delete must be the one printed.
          authorize: async (now: { byModel: Record<string, number> }) => {
            await ctrlC.check();
            assertTookPlanned(plan.byModel, now.byModel);
          },
        };
        result = hard ? await queryset.hardDelete(options) : await queryset.delete(options);
        bar.update(result.total);
      } catch (error) {
        if (!(error instanceof Interrupted)) throw error;
        bar.stop();
        printError('Interrupted: nothing was deleted (the transaction was rolled back).');
        return 130;
      } finally {
        bar.stop();
        ctrlC.release();
      }
      if (ctrlC.pressed) printError('Ctrl+C came once the last rows had gone: the delete was done, as follows.');
      print(`\n${plan.soft ? 'Moved' : 'Deleted'} ${plural(result.total, 'row')}${plan.soft ? ' to the trash' : ''}: ${Object.entries(result.byModel).map(([l, n]) => `${l} ${n}`).join(', ')}.`);
      if (result.deletionId !== undefined) {
        print(`Deletion ${result.deletionId}. To undo it: trove restore ${result.deletionId}`);
      }
      return 0;
    } catch (error) {
      if (error instanceof ProtectedError || error instanceof RestrictedError || error instanceof RowsChangedError) {
        print(`Nothing deleted: ${error.message}`);
        return 1;
      }
      throw error;
    } finally {
      await db.close();
    }
  },
};
