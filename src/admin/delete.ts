/**
 * Deleting from the admin: one object from its delete page, or the rows of a changelist with
 * the `delete_selected` action. Both show what the delete takes from `planDelete()` (counts per
 * model and a short sample, never one line per object), or what blocks it, and delete on a POST
 * in one transaction that also writes the log. A soft-delete model's rows go to the trash as one
 * operation, and the message carries an Undo button.
 *
 * A selection is carried to the final POST compactly: the ticked keys in one field, or nothing
 * but the changelist's own address for "Select all". With it go the count and a digest of the
 * keys the page showed; if the selection resolves to a different set by then, nothing is
 * deleted and the page comes back with the new count.
 */
import { createHash } from 'node:crypto';
import { atomic } from '../db/index.ts';
import { ProtectedError, RestrictedError, RowsChangedError } from '../deletion/index.ts';
import { authorizeDelete, DeletionNotPermitted, describeNeed, missingPermissions, needsOfDelete } from '../auth/index.ts';
import { capitalise, getModel, type DeleteOptions, type DeletePlanLike, type ModelMeta, type OnlineDeleteStarted, type QuerySet } from '../orm/index.ts';
import { mayUndo, messages, redirect, render, type ViewRequest } from '../web/index.ts';
import type { AdminAction } from './actions.ts';
import { checkPreservedFilters } from './changelist.ts';
import { changeUrlOf, type SiteContext } from './context.ts';
import { DeleteConfirmationPage, type DeleteSummary, type LinkedObject } from './delete-pages.tsx';
import { onlineOffer, startInBackground } from './delete-online.ts';
import { DELETION, logAction } from './log.ts';
import type { ModelAdmin } from './options.ts';
import { ForbiddenPage } from './pages.tsx';
import { adminMay } from './permissions.ts';

/** How many objects of each model a confirmation page names. */
const SAMPLE_SIZE = 10;

type Deletable = Record<string, any> & {
  planDelete(options?: { hard?: boolean }): Promise<DeletePlanLike>;
  delete(options?: DeleteOptions): Promise<{ total: number; byModel: Record<string, number>; deletionId?: string }>;
};

function nameOf(label: string, count: number): string {
  const meta = getModel(label);
  return count === 1 ? meta.verboseName : meta.verboseNamePlural;
}

/** Rows changed while a confirmed delete ran (another writer, a receiver): it took nothing. */
const ROWS_CHANGED = 'The objects changed while they were being deleted, so nothing was deleted. This is what deleting takes now.';

function linked(site: SiteContext, meta: ModelMeta, object: Record<string, unknown>): LinkedObject {
  return { text: String(object), url: changeUrlOf(site, meta, object[meta.pk.attname]) };
}

/**
 * The plan as a page shows it, with what this user may not do of it (Django's perms_needed,
 * here on every model the delete takes, and `purge` where rows go for good). Samples are shown
 * of models the user may view.
 */
export async function summarise(site: SiteContext, request: ViewRequest<any>, plan: DeletePlanLike, root: ModelMeta): Promise<DeleteSummary> {
  const may = adminMay(site, request);
  const labels = Object.keys(plan.byModel).sort((a, b) => (a === root.label ? -1 : b === root.label ? 1 : a.localeCompare(b)));
  const shares: DeleteSummary['shares'] = [];
  for (const label of labels) {
    const meta = getModel(label);
    const count = plan.byModel[label]!;
    const visible = plan.allowed && (await may('view', meta));
    const sample = visible ? ((await plan.sample(label, SAMPLE_SIZE)) as Record<string, unknown>[]).map((o) => linked(site, meta, o)) : [];
    const fromTrash = Object.values(plan.operations).reduce((sum, counts) => sum + (counts[label] ?? 0), 0);
    shares.push({ label, name: nameOf(label, count), count, sample, forGood: !plan.soft && meta.softDelete, fromTrash });
  }
  const forbidden = (await missingPermissions(needsOfDelete(plan), may)).map(describeNeed);
  const blocking = new Map<string, Record<string, unknown>[]>();
  for (const source of [plan.protected, plan.restricted]) {
    for (const [label, objects] of Object.entries(source)) blocking.set(label, [...(blocking.get(label) ?? []), ...(objects as Record<string, unknown>[])]);
  }
  return {
    soft: plan.soft,
    total: plan.total,
    shares,
    changes: Object.entries(plan.updates).map(([label, count]) => ({ name: nameOf(label, count), count })),
    blockers: await blockingShares(site, may, [...blocking]),
    untrashable: await blockingShares(site, may, Object.entries(plan.untrashable) as [string, Record<string, unknown>[]][]),
    forbidden,
  };
}

/** Blocking rows per model, linked; of models the user may not view, only how many. */
async function blockingShares(site: SiteContext, may: ReturnType<typeof adminMay>, found: [string, Record<string, unknown>[]][]): Promise<DeleteSummary['blockers']> {
  const shares: DeleteSummary['blockers'] = [];
  for (const [label, objects] of found) {
    const meta = getModel(label);
    shares.push({ name: nameOf(label, objects.length), count: objects.length, objects: (await may('view', meta)) ? objects.map((o) => linked(site, meta, o)) : [] });
  }
  return shares;
}

function actorOf(request: ViewRequest<any>): string {
  return request.user.isAuthenticated ? String(request.user.username) : '';
}

/** "3 posts and 30 comments", the root model first. */
function describeCounts(byModel: Record<string, number>, root?: string): string {
  const parts = Object.entries(byModel).sort(([a], [b]) => (a === root ? -1 : b === root ? 1 : a.localeCompare(b))).map(([label, n]) => `${n.toLocaleString('en')} ${nameOf(label, n)}`);
  return parts.length <= 1 ? parts.join('') : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`;
}

/** The success message, with Undo when the rows went to the trash and the user may restore them all. */
async function reportDeleted(site: SiteContext, request: ViewRequest<any>, root: ModelMeta, back: string, text: { soft: string; hard: string }, result: { byModel: Record<string, number>; deletionId?: string }): Promise<void> {
  const counts = ` (${describeCounts(result.byModel, root.label)})`;
  if (result.deletionId !== undefined && (await mayUndo(request, result.byModel, adminMay(site, request)))) {
    // Undo restores the operation and comes back to the list it was deleted from.
    const undoUrl = `${site.url('trash_restore', { deletionId: result.deletionId })}?${new URLSearchParams({ next: back })}`;
    messages.success(request, `${text.soft}${counts}.`, { undoUrl });
  }
  else messages.success(request, `${result.deletionId !== undefined ? text.soft : text.hard}${counts}.`);
}

// ---- one object ----------------------------------------------------------------------------

export async function deleteObjectView(admin: ModelAdmin, request: ViewRequest<any>, object: Deletable, site: SiteContext): Promise<Response> {
  if (!(await admin.hasDeletePermission(request, object))) return render(request, ForbiddenPage({ frame: site.frame }), 403);
  if (!['GET', 'HEAD', 'POST'].includes(request.method)) return new Response(null, { status: 405, headers: { allow: 'GET, POST' } });
  const meta = admin.meta;
  const pk = object[meta.pk.attname];
  const filters = request.url.searchParams.get('_changelist_filters') ?? undefined;
  checkPreservedFilters(admin, filters, request);
  const changelist = site.url('changelist', { app: meta.appLabel, model: meta.modelName });
  const back = filters ? `${changelist}?${filters}` : changelist;
  const page = async (status: number, notice?: string) =>
    render(request, DeleteConfirmationPage({
      frame: site.frame,
      crumbs: [['Home', site.url('index')], [capitalise(meta.appLabel), site.url('app_list', { app: meta.appLabel })], [capitalise(meta.verboseNamePlural), back], [String(object), site.url('change', { app: meta.appLabel, model: meta.modelName, pk: String(pk) })], ['Delete', undefined]],
      what: `the ${meta.verboseName} “${String(object)}”`,
      noun: meta.verboseName,
      summary: await summarise(site, request, await object.planDelete(), meta),
      cancelUrl: site.url('change', { app: meta.appLabel, model: meta.modelName, pk: String(pk) }),
      notice,
      hidden: [],
    }), status);
  if (request.method !== 'POST') return page(200);

  const reason = String((await request.form()).get('reason') ?? '').trim().slice(0, 2000);
  let result;
  try {
    result = await atomic(async () => {
      const authorize = authorizeDelete(adminMay(site, request));
      const done = await object.delete(meta.softDelete ? { actor: actorOf(request), reason, source: 'admin', authorize } : { authorize });
      await logAction(actorOf(request), meta, pk, String(object), DELETION, { message: `Deleted ${describeCounts(done.byModel, meta.label)}.`, counts: done.byModel, ...(done.deletionId && { deletionId: done.deletionId }) });
      return done;
    }, { using: admin.getQueryset(request).db });
  } catch (error) {
    // A blocker appeared since the page was shown: nothing was deleted; show it.
    if (error instanceof ProtectedError || error instanceof RestrictedError) return page(409);
    if (error instanceof DeletionNotPermitted) return page(403);
    if (error instanceof RowsChangedError) return page(409, ROWS_CHANGED);
    throw error;
  }
  const name = `The ${meta.verboseName} “${String(object)}”`;
  await reportDeleted(site, request, meta, back, { soft: `${name} was moved to the trash`, hard: `${name} was deleted successfully` }, result);
  return redirect(back);
}

// ---- a selection ---------------------------------------------------------------------------

/** Keys read at a time for a digest: a million-row selection never sits in memory whole. */
const DIGEST_CHUNK = 10_000;

/** The count and a digest of the keys of a selection, in key order, read in chunks after the last key seen. */
export async function fingerprint(meta: ModelMeta, queryset: QuerySet<any>, chunk = DIGEST_CHUNK): Promise<{ count: number; digest: string }> {
  const pk = meta.pk.name;
  const hash = createHash('sha256');
  let count = 0;
  let last: unknown;
  for (;;) {
    const from = last === undefined ? queryset : queryset.filter({ [`${pk}__gt`]: last } as never);
    const rows = (await from.orderBy(pk).values(pk).slice(0, chunk)) as Record<string, unknown>[];
    for (const row of rows) hash.update(`${String(row[pk])}\n`);
    count += rows.length;
    if (rows.length < chunk) return { count, digest: hash.digest('base64url') };
    last = rows[rows.length - 1]![pk];
  }
}

class SelectionChanged extends Error {
  constructor(readonly now: { count: number; digest: string }) {
    super('The selection changed.');
  }
}


/**
 * `delete_selected` ("Delete selected posts"), and on soft-delete models `delete_permanently`
 * for users with `purge`. `site` is read when the action runs, so one action serves every model.
 */
export function deleteSelectedAction(site: () => SiteContext, hard = false): AdminAction {
  return {
    name: hard ? 'delete_permanently' : 'delete_selected',
    description: hard ? 'Delete selected %(verbose_name_plural)s permanently' : 'Delete selected %(verbose_name_plural)s',
    permissions: hard ? ['delete', 'purge'] : ['delete'],
    ...(hard && { appliesTo: (admin: ModelAdmin) => admin.meta.softDelete }),
    async run(admin, request, queryset) {
      const context = site();
      const meta = admin.meta;
      const form = await request.form();
      const shown = request.url.search.slice(1);
      const back = request.url.pathname + request.url.search;
      const plural = meta.verboseNamePlural;
      const selectAcross = form.getAll('select_across').map(String).includes('1');
      const page = async (status: number, notice?: string, known?: { count: number; digest: string }) => {
        const selection = known ?? (await fingerprint(meta, queryset));
        const keys = selectAcross ? [] : ((await queryset.values(meta.pk.name).orderBy(meta.pk.name)) as Record<string, unknown>[]).map((r) => r[meta.pk.name]);
        const summary = await summarise(context, request, await queryset.planDelete({ hard }), meta);
        return render(request, DeleteConfirmationPage({
          frame: context.frame,
          crumbs: [['Home', context.url('index')], [capitalise(meta.appLabel), context.url('app_list', { app: meta.appLabel })], [capitalise(plural), back], [hard ? 'Delete permanently' : 'Delete multiple objects', undefined]],
          what: `the ${selection.count.toLocaleString('en')} selected ${selection.count === 1 ? meta.verboseName : plural}`,
          noun: plural,
          summary,
          cancelUrl: back,
          notice,
          online: onlineOffer(admin, selectAcross, summary.total),
          hidden: [
            ['action', hard ? 'delete_permanently' : 'delete_selected'],
            ['post', 'yes'],
            ['select_across', selectAcross ? '1' : '0'],
            ...(selectAcross ? [] : [['_selection', JSON.stringify(keys)] as [string, string]]),
            ['_count', String(selection.count)],
            ['_digest', selection.digest],
            ['_changelist_filters', shown],
          ],
          hard,
        }), status);
      };
      if (form.get('post') !== 'yes') return page(200);

      const refuse = async (now?: { count: number; digest: string }) => {
        const selection = now ?? (await fingerprint(meta, queryset));
        return page(409, `The selection changed since the confirmation page: it is now ${selection.count.toLocaleString('en')} ${selection.count === 1 ? meta.verboseName : plural}. Nothing was deleted.`, selection);
      };
      // The list's filters and search travel in the address; a form that lost them must not reach wider.
      if (String(form.get('_changelist_filters') ?? '') !== shown) return refuse();
      const reason = String(form.get('reason') ?? '').trim().slice(0, 2000);
      // "Delete in the background": the same checks, then an online operation instead of the delete.
      const online = form.get('online') === 'yes';
      let started: OnlineDeleteStarted | undefined;
      let result;
      let count = 0;
      try {
        result = await atomic(async () => {
          // Checked inside the transaction that deletes: what goes is what the page showed.
          const now = await fingerprint(meta, queryset);
          if (String(now.count) !== String(form.get('_count')) || now.digest !== String(form.get('_digest'))) throw new SelectionChanged(now);
          count = now.count;
          // Checked on the delete's own plan, before its first write: every model it takes.
          const authorize = authorizeDelete(adminMay(context, request));
          if (online) {
            started = await startInBackground(request, { meta, queryset, hard, actor: actorOf(request), reason, authorize, selection: `${count.toLocaleString('en')} ${count === 1 ? meta.verboseName : plural}` });
            return undefined;
          }
          const done: { total: number; byModel: Record<string, number>; deletionId?: string } = hard ? await queryset.hardDelete({ authorize }) : await queryset.delete({ actor: actorOf(request), reason, source: 'admin', authorize });
          const label = `${count.toLocaleString('en')} ${count === 1 ? meta.verboseName : plural}`;
          await logAction(actorOf(request), meta, '', label, DELETION, { message: `Deleted ${describeCounts(done.byModel, meta.label)}.`, counts: done.byModel, ...(done.deletionId && { deletionId: done.deletionId }) });
          return done;
        }, { using: queryset.db });
      } catch (error) {
        if (error instanceof SelectionChanged) return refuse(error.now);
        if (error instanceof ProtectedError || error instanceof RestrictedError) return page(409);
        if (error instanceof DeletionNotPermitted) return page(403);
        if (error instanceof RowsChangedError) return page(409, ROWS_CHANGED);
        throw error;
      }
      if (started !== undefined) return redirect(context.url('operation', { id: started.operationId }));
      const many = `${count.toLocaleString('en')} ${count === 1 ? meta.verboseName : plural}`;
      await reportDeleted(context, request, meta, back, { soft: `Successfully moved ${many} to the trash`, hard: `Successfully deleted ${many}` }, result!);
      return redirect(back);
    },
  };
}
