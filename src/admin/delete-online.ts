/**
 * "Delete in the background" on the `delete_selected` confirmation: the same selection, checks
 * and permission as deleting at once, but written down as an online operation that `trove
 * worker` processes carry out in small batches (docs/deleting-at-scale.md). The user lands on
 * the operation's page, which follows it.
 */
import type { DeletePlanShape } from '../auth/index.ts';
import { getModel, type ModelMeta, type OnlineDeleteStarted, type QuerySet } from '../orm/index.ts';
import { messages, type ViewRequest } from '../web/index.ts';
import { DELETION, logAction } from './log.ts';
import type { ModelAdmin } from './options.ts';

/** Why the confirmation offers to delete in the background, or undefined when it does not. */
export function onlineOffer(admin: ModelAdmin, selectAcross: boolean, total: number): string | undefined {
  const how = 'Workers (trove worker) then take it in small batches, each a short transaction, so others’ writes never wait long; its page shows how far it got and lets you pause or cancel it.';
  if (selectAcross) return `You selected all the matching ${admin.meta.verboseNamePlural}, however many there are. Deleting in the background is safer for a selection this open: ${how}`;
  if (total >= admin.onlineDeleteThreshold) return `This takes ${total.toLocaleString('en')} objects, at least ${admin.onlineDeleteThreshold.toLocaleString('en')}: one transaction would hold its locks for the whole delete. ${how}`;
  return undefined;
}

export interface BackgroundDelete {
  meta: ModelMeta;
  queryset: QuerySet<any>;
  /** `delete_permanently`: for good, even on a soft-delete model. */
  hard: boolean;
  actor: string;
  reason: string;
  authorize: (plan: DeletePlanShape) => Promise<void>;
  /** "1,500 comments": the selection, as the page named it. */
  selection: string;
}

/** "1 post and 30 comments", the root model first. */
function planText(byModel: Record<string, number>, root: string): string {
  const parts = Object.entries(byModel)
    .sort(([a], [b]) => (a === root ? -1 : b === root ? 1 : a.localeCompare(b)))
    .map(([label, n]) => `${n.toLocaleString('en')} ${n === 1 ? getModel(label).verboseName : getModel(label).verboseNamePlural}`);
  return parts.length <= 1 ? parts.join('') : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`;
}

/** Submits the operation and logs it; call inside the transaction that checked the selection. */
export async function startInBackground(request: ViewRequest<any>, job: BackgroundDelete): Promise<OnlineDeleteStarted> {
  const options = { online: true as const, actor: job.actor, reason: job.reason, source: 'admin', authorize: job.authorize };
  const started = job.hard ? await job.queryset.hardDelete(options) : await job.queryset.delete(options);
  const what = (objects: string) => (started.kind === 'softDelete' ? `moving ${objects} to the trash` : job.meta.softDelete ? `deleting ${objects} for good` : `deleting ${objects}`);
  const planned = planText(started.plan.byModel, job.meta.label);
  await logAction(job.actor, job.meta, '', job.selection, DELETION, {
    message: `Started ${what(planned || 'nothing')} in the background.`,
    counts: started.plan.byModel, operationId: started.operationId, ...(started.deletionId !== undefined && { deletionId: started.deletionId }),
  });
  messages.success(request, `Started ${what(job.selection)} in the background${planned === '' ? '' : ` (${planned} planned)`}. This page follows it.`);
  return started;
}
