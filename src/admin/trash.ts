/**
 * The admin's trash: `/admin/trash/` lists deletion operations, newest first;
 * `/admin/trash/<deletionId>/` shows the rows of one, per model, with Restore (the `restore`
 * permission on every model it took) and Purge (`purge`, after its own confirmation);
 * `/admin/<app>/<model>/trash/` lists one model's trashed rows by operation. Restores and purges
 * are one transaction each and are written to the log.
 */
import { atomic, type Database } from '../db/index.ts';
import { authorizePurge, authorizeRestore, DeletionNotPermitted, describeNeed, missingPermissions, needsOfPurge, needsOfRestore } from '../auth/index.ts';
import { Deletion, DELETION_STATES, hasRowsInTrash, OnlineOperation, OrphanRestoreError, planPurgeDeletion, ProtectedError, PurgeOverlapError, purgeDeletion, restoreDeletion, RestoreConflictError, RestrictedError, RowsChangedError } from '../deletion/index.ts';
import { capitalise, getModel, QueryUsageError, ValidationError, type ModelMeta, type QuerySet } from '../orm/index.ts';
import { Http404, messages, redirect, redirectToUrl, render, urlHasAllowedHostAndScheme, type ViewRequest } from '../web/index.ts';
import { adminRows } from './admin-rows.ts';
import { changeUrlOf, type SiteContext } from './context.ts';
import { logAction, PURGE, RESTORATION } from './log.ts';
import type { ModelAdmin } from './options.ts';
import { ForbiddenPage } from './pages.tsx';
import { adminMay } from './permissions.ts';
import { ModelTrashPage, PurgePage, TrashDetailPage, TrashListPage, type OperationRow, type TrashGroup } from './trash-pages.tsx';

const PER_PAGE = 50;
const ROWS_PER_MODEL = 20;

type DeletionRecord = InstanceType<typeof Deletion>;

function pageNumber(params: URLSearchParams, key = 'p'): number {
  const text = params.get(key) ?? '1';
  return /^[1-9][0-9]{0,6}$/.test(text) ? Number(text) : 1;
}

/** The soft-delete models this user may see in the admin, by label. */
async function visibleModels(request: ViewRequest<any>, admins: readonly ModelAdmin[]): Promise<Set<string>> {
  const labels = new Set<string>();
  for (const admin of admins) if (admin.meta.softDelete && (await admin.hasViewPermission(request))) labels.add(admin.meta.label);
  return labels;
}

/** Whether to offer Restore (or Purge) of an operation: the same rule its action checks, on what it took. */
async function mayOnAll(site: SiteContext, request: ViewRequest<any>, record: DeletionRecord, what: 'restore' | 'purge'): Promise<boolean> {
  const needs = what === 'restore' ? needsOfRestore({ byModel: record.counts }) : needsOfPurge({ byModel: record.counts });
  return (await missingPermissions(needs, adminMay(site, request))).length === 0;
}

/**
 * The online operation that owns this deletion's trash, if one does (a soft delete still making
 * it, or a purge deleting it): until it is done or cancelled, the deletion cannot be restored or
 * purged (the engine refuses); its page says so and links it.
 */
async function makingOperation(deletionId: string): Promise<InstanceType<typeof OnlineOperation> | null> {
  return OnlineOperation.objects.filter({ deletionId, state__in: ['queued', 'running', 'paused', 'failed', 'cancelling'] }).first();
}

/** "3 posts, 30 comments", the root model first. */
function countsText(counts: Record<string, number>, root?: string): string {
  return Object.entries(counts).sort(([a], [b]) => (a === root ? -1 : b === root ? 1 : a.localeCompare(b))).map(([label, n]) => `${n.toLocaleString('en')} ${n === 1 ? getModel(label).verboseName : getModel(label).verboseNamePlural}`).join(', ');
}

/**
 * The root objects of some operations, one query per model. With `rows`, only those it gives
 * (a registered model's rows that its getQueryset shows, in the trash or not) are named.
 */
async function rootsOf(records: DeletionRecord[], db: Database, rows?: (meta: ModelMeta) => QuerySet<any> | undefined): Promise<Map<string, string>> {
  const texts = new Map<string, string>();
  const byLabel = new Map<string, string[]>();
  for (const r of records) if (r.rootPk !== null) byLabel.set(r.rootLabel, [...(byLabel.get(r.rootLabel) ?? []), r.rootPk]);
  for (const [label, keys] of byLabel) {
    const meta = getModel(label);
    const manager = rows?.(meta) ?? (meta.modelClass as unknown as { allObjects?: { using(db: Database): any } }).allObjects ?? (meta.modelClass.objects as any);
    try {
      const rows = (await manager.using(db).filter({ pk__in: keys.map((k) => meta.pk.clean(k)) })) as Record<string, unknown>[];
      for (const row of rows) texts.set(`${label}:${String(row[meta.pk.attname])}`, String(row));
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
    }
  }
  return texts;
}

/** What the log says a restore or purge was about: the operation's root object by name when it had one, else what it took. */
async function reprOf(record: DeletionRecord, db: Database): Promise<string> {
  const text = record.rootPk === null || record.rootPk === '' ? undefined : (await rootsOf([record], db)).get(`${record.rootLabel}:${record.rootPk}`);
  return text ?? countsText(record.counts, record.rootLabel);
}

export class TrashViews {
  /** `siteOf` is read per request: the site's URLs exist only once it is mounted. */
  constructor(
    private readonly siteOf: () => SiteContext,
    private readonly admins: () => readonly ModelAdmin[],
  ) {}

  private get site(): SiteContext {
    return this.siteOf();
  }

  /** A registered model's rows as its getQueryset shows them, in and out of the trash; undefined for a model the site does not register. */
  private rowsOf(meta: ModelMeta, request: ViewRequest<any>, scope: 'deleted' | 'all'): QuerySet<any> | undefined {
    const admin = this.admins().find((a) => a.meta === meta);
    return admin === undefined || !meta.softDelete ? undefined : adminRows(admin, request, scope);
  }

  private async record(request: ViewRequest<{ deletionId: string }>): Promise<DeletionRecord> {
    const record = await Deletion.objects.filter({ id: request.params.deletionId }).first();
    if (record === null || !(await visibleModels(request, this.admins())).has(record.rootLabel)) throw new Http404('No such deletion in the trash.');
    return record;
  }

  async list(request: ViewRequest<any>): Promise<Response> {
    const params = request.url.searchParams;
    const visible = await visibleModels(request, this.admins());
    let qs = Deletion.objects.filter({ rootLabel__in: [...visible] });
    const model = params.get('model');
    const actor = params.get('actor');
    const state = params.get('state');
    if (model) qs = qs.filter({ rootLabel: model });
    if (actor) qs = qs.filter({ actor });
    if (state && (DELETION_STATES as readonly string[]).includes(state)) qs = qs.filter({ state });
    const page = pageNumber(params);
    const count = await qs.count();
    const records = await qs.orderBy('-createdAt', '-id').slice((page - 1) * PER_PAGE, page * PER_PAGE);
    // A root object is named only if getQueryset would show it: otherwise "1 post", as for a bulk delete.
    const roots = await rootsOf(records, qs.db, (meta) => this.rowsOf(meta, request, 'all'));
    const rows: OperationRow[] = records.map((r) => ({
      id: r.id,
      url: this.site.url('trash_detail', { deletionId: r.id }),
      time: r.createdAt,
      actor: r.actor ?? '',
      source: r.source,
      reason: r.reason,
      root: r.rootPk === null || r.rootPk === '' || !roots.has(`${r.rootLabel}:${r.rootPk}`)
        ? countsText({ [r.rootLabel]: r.counts[r.rootLabel] ?? 0 })
        : `${capitalise(getModel(r.rootLabel).verboseName)} “${roots.get(`${r.rootLabel}:${r.rootPk}`)}”`,
      counts: countsText(r.counts, r.rootLabel),
      state: r.state,
    }));
    const link = (changes: Record<string, string | undefined>) => {
      const next = new URLSearchParams(params);
      for (const [k, v] of Object.entries(changes)) (v === undefined ? next.delete(k) : next.set(k, v));
      const query = next.toString();
      return `${request.url.pathname}${query ? `?${query}` : ''}`;
    };
    const actors = (await Deletion.objects.filter({ rootLabel__in: [...visible], actor__isnull: false }).values('actor').orderBy('actor')) as { actor: string }[];
    return render(request, TrashListPage({
      frame: this.site.frame,
      crumbs: [['Home', this.site.url('index')], ['Trash', undefined]],
      rows,
      count,
      page,
      pages: Math.max(1, Math.ceil(count / PER_PAGE)),
      link,
      filters: {
        model: [...visible].sort().map((label) => ({ value: label, label: capitalise(getModel(label).verboseNamePlural), selected: model === label })),
        actor: [...new Set(actors.map((a) => a.actor))].map((a) => ({ value: a, label: a, selected: actor === a })),
        state: DELETION_STATES.map((s) => ({ value: s, label: capitalise(s), selected: state === s })),
      },
    }));
  }

  async detail(request: ViewRequest<{ deletionId: string }>): Promise<Response> {
    const record = await this.record(request);
    const params = request.url.searchParams;
    const may = adminMay(this.site, request);
    const models = [];
    const hidden: string[] = [];
    for (const [label, total] of Object.entries(record.counts)) {
      const meta = getModel(label);
      // Rows are shown of models this user may view; of the others, how many.
      if (!(await may('view', meta))) {
        hidden.push(`${total.toLocaleString('en')} ${total === 1 ? meta.verboseName : meta.verboseNamePlural}`);
        continue;
      }
      const key = `p.${label}`;
      const page = pageNumber(params, key);
      // Of a registered model, the rows its getQueryset shows (in the trash or restored); the others are counted.
      const all = (meta.modelClass as unknown as { allObjects: QuerySet<any> }).allObjects.filter({ deletionId: record.id } as never);
      const visible = this.rowsOf(meta, request, 'all')?.filter({ deletionId: record.id } as never) ?? all;
      const shown = visible === all ? total : await visible.count();
      if (visible !== all) {
        const unseen = (await all.count()) - shown;
        if (unseen > 0) hidden.push(`${unseen.toLocaleString('en')} ${unseen === 1 ? meta.verboseName : meta.verboseNamePlural}`);
      }
      const rows = (await visible.orderBy(meta.pk.name).slice((page - 1) * ROWS_PER_MODEL, page * ROWS_PER_MODEL)) as Record<string, unknown>[];
      const pages = Math.max(1, Math.ceil(shown / ROWS_PER_MODEL));
      const at = (p: number) => {
        const next = new URLSearchParams(params);
        next.set(key, String(p));
        return `${request.url.pathname}?${next}`;
      };
      models.push({
        label,
        name: capitalise(total === 1 ? meta.verboseName : meta.verboseNamePlural),
        total,
        rows: rows.map((row) => ({ text: String(row), url: row.deletedAt !== null ? undefined : changeUrlOf(this.site, meta, row[meta.pk.attname]) })),
        page,
        pages,
        prev: page > 1 ? at(page - 1) : undefined,
        next: page < pages ? at(page + 1) : undefined,
      });
    }
    const making = await makingOperation(record.id);
    const active = hasRowsInTrash(record.state) && making === null;
    return render(request, TrashDetailPage({
      frame: this.site.frame,
      crumbs: [['Home', this.site.url('index')], ['Trash', this.site.url('trash')], [`Deleted ${record.createdAt.toISOString().replace('T', ' ').slice(0, 19)}`, undefined]],
      record: { time: record.createdAt, actor: record.actor ?? '', source: record.source, reason: record.reason, state: record.state, counts: countsText(record.counts, record.rootLabel) },
      models,
      hidden,
      making: making === null ? undefined : { url: this.site.url('operation', { id: making.id }), state: making.state, purge: making.kind === 'purge' },
      restoreUrl: active && (await mayOnAll(this.site, request, record, 'restore')) ? this.site.url('trash_restore', { deletionId: record.id }) : undefined,
      purgeUrl: active && (await mayOnAll(this.site, request, record, 'purge')) ? this.site.url('trash_purge', { deletionId: record.id }) : undefined,
    }));
  }

  /** POST: the operation's rows come back, all or none; then `next` (if it stays on the site) or the operation's page. */
  async restore(request: ViewRequest<{ deletionId: string }>): Promise<Response> {
    if (request.method !== 'POST') return new Response('Restoring needs a POST.', { status: 405, headers: { allow: 'POST' } });
    const record = await this.record(request);
    if (!(await mayOnAll(this.site, request, record, 'restore'))) return render(request, ForbiddenPage({ frame: this.site.frame }), 403);
    const next = request.url.searchParams.get('next');
    const back = next && urlHasAllowedHostAndScheme(next, { allowedHosts: [request.url.host] }) ? next : this.site.url('trash_detail', { deletionId: record.id });
    if (!hasRowsInTrash(record.state)) {
      messages.error(request, `This deletion was ${record.state}; there is nothing to restore.`);
      return redirectToUrl(back);
    }
    try {
      const result = await atomic(async () => {
        const db = Deletion.objects.all().db;
        const repr = await reprOf(record, db);
        // Checked on what comes back, before anything does: restore on every model of it.
        const restored = await restoreDeletion(record.id, { db, authorize: authorizeRestore(adminMay(this.site, request)) });
        await logAction(userOf(request), getModel(record.rootLabel), record.rootPk ?? '', repr, RESTORATION, { message: `Restored ${countsText(restored.byModel)}.`, counts: restored.byModel, deletionId: record.id });
        return restored;
      }, { using: Deletion.objects.all().db });
      messages.success(request, `Restored ${countsText(result.byModel)}.`);
    } catch (error) {
      if (error instanceof DeletionNotPermitted) return render(request, ForbiddenPage({ frame: this.site.frame }), 403);
      if (!(error instanceof OrphanRestoreError || error instanceof RestoreConflictError || error instanceof QueryUsageError || error instanceof RowsChangedError)) throw error;
      messages.error(request, `Nothing was restored: ${error.message}`);
    }
    return redirectToUrl(back);
  }

  /** GET: what a purge removes for good; POST: removes it. */
  async purge(request: ViewRequest<{ deletionId: string }>): Promise<Response> {
    const record = await this.record(request);
    if (!(await mayOnAll(this.site, request, record, 'purge'))) return render(request, ForbiddenPage({ frame: this.site.frame }), 403);
    const detail = this.site.url('trash_detail', { deletionId: record.id });
    if (!hasRowsInTrash(record.state)) {
      messages.error(request, `This deletion was ${record.state}; there is nothing in the trash to purge.`);
      return redirect(detail);
    }
    const owner = await makingOperation(record.id);
    if (owner !== null) {
      messages.error(request, owner.kind === 'purge'
        ? 'This deletion is already being purged by an online operation: follow it, or cancel it.'
        : 'This deletion is still being made by an online operation: cancel the operation, or wait until it is done to purge it.');
      return redirect(detail);
    }
    const form = request.method === 'POST' ? await request.form() : undefined;
    const overlapping = form?.get('overlapping') === 'purge' ? 'purge' : 'refuse';
    const db = Deletion.objects.all().db;
    const page = async (status: number, notice?: string) => {
      const plan = await planPurgeDeletion(record.id, { db, overlapping: 'purge' });
      const alone = await planPurgeDeletion(record.id, { db });
      return render(request, PurgePage({
        frame: this.site.frame,
        crumbs: [['Home', this.site.url('index')], ['Trash', this.site.url('trash')], ['Operation', detail], ['Purge', undefined]],
        counts: countsText(alone.byModel),
        others: Object.entries(alone.operations).map(([id, counts]) => ({ text: countsText(counts), url: this.site.url('trash_detail', { deletionId: id }) })),
        live: countsText(plan.live),
        withOthers: countsText(plan.byModel),
        forbidden: (await missingPermissions(needsOfPurge(plan), adminMay(this.site, request))).map(describeNeed),
        notice,
        cancelUrl: detail,
        background: alone.selfContained ? backgroundOffer(alone.total, this.site.adminFor(record.rootLabel)?.onlineDeleteThreshold ?? ONLINE_THRESHOLD) : undefined,
      }), status);
    };
    if (form === undefined) return page(200);
    if (form.get('online') === '1') return this.purgeInBackground(request, record, page);
    let result;
    try {
      result = await atomic(async () => {
        // Checked on the purge's own plan, before anything goes: delete, and purge where rows have a trash.
        // Named before the purge takes the root object with it.
        const repr = await reprOf(record, db);
        const purged = await purgeDeletion(record.id, { db, overlapping, authorize: authorizePurge(adminMay(this.site, request)) });
        await logAction(userOf(request), getModel(record.rootLabel), record.rootPk ?? '', repr, PURGE, { message: `Purged ${countsText(purged.byModel)}.`, counts: purged.byModel, deletionId: record.id });
        return purged;
      }, { using: db });
    } catch (error) {
      if (error instanceof DeletionNotPermitted) return page(403, `Nothing was deleted: your account may not ${error.missing.map(describeNeed).join(', ')}.`);
      if (error instanceof PurgeOverlapError) return page(409, 'Nothing was deleted: the purge reaches beyond this deletion (see below). Tick the box to take those too, or go back.');
      // QueryUsageError: an online operation started making this deletion since the check above.
      if (error instanceof ProtectedError || error instanceof RestrictedError || error instanceof RowsChangedError || error instanceof QueryUsageError) return page(409, `Nothing was deleted: ${error.message}`);
      throw error;
    }
    const others = result.deletions.length - 1;
    messages.success(request, `Deleted for good: ${countsText(result.byModel) || 'nothing was left in the trash'}${others > 0 ? `, with ${others} other ${others === 1 ? 'deletion' : 'deletions'} it reached` : ''}.`);
    return redirect(this.site.url('trash'));
  }

  /**
   * "Purge in the background": the same checks as purging at once (the permission on the purge's
   * plan, nothing beyond this deletion), written down as an online purge that workers carry out
   * in batches; the user lands on its page.
   */
  private async purgeInBackground(request: ViewRequest<{ deletionId: string }>, record: DeletionRecord, page: (status: number, notice?: string) => Promise<Response>): Promise<Response> {
    const db = Deletion.objects.all().db;
    let started;
    try {
      started = await atomic(async () => {
        const repr = await reprOf(record, db);
        const op = await purgeDeletion(record.id, { db, online: true, actor: userOf(request), source: 'admin', authorize: authorizePurge(adminMay(this.site, request)) });
        await logAction(userOf(request), getModel(record.rootLabel), record.rootPk ?? '', repr, PURGE, {
          message: `Started purging ${countsText(op.plan.byModel)} in the background.`, counts: op.plan.byModel, deletionId: record.id, operationId: op.operationId,
        });
        return op;
      }, { using: db });
    } catch (error) {
      if (error instanceof DeletionNotPermitted) return page(403, `Nothing was started: your account may not ${error.missing.map(describeNeed).join(', ')}.`);
      if (error instanceof PurgeOverlapError) return page(409, 'Nothing was started: the purge reaches beyond this deletion (see below), and a purge in the background takes one deletion alone. Purge at once to take those too.');
      if (error instanceof ProtectedError || error instanceof RestrictedError || error instanceof QueryUsageError) return page(409, `Nothing was started: ${error.message}`);
      throw error;
    }
    messages.success(request, `Started deleting for good in the background: ${countsText(started.plan.byModel)}. This page follows it.`);
    return redirect(this.site.url('operation', { id: started.operationId }));
  }

  /** Rows in the trash (newest first) under the operation that took them, one query for the operations. */
  private async byOperation(rows: Record<string, unknown>[]): Promise<TrashGroup[]> {
    const ids = [...new Set(rows.map((row) => String(row.deletionId)))];
    const records = new Map((await Deletion.objects.filter({ id__in: ids })).map((r) => [r.id, r]));
    const groups: TrashGroup[] = [];
    for (const row of rows) {
      const id = String(row.deletionId);
      let group = groups.at(-1);
      if (group?.deletionId !== id) {
        const record = records.get(id);
        groups.push(group = { deletionId: id, url: this.site.url('trash_detail', { deletionId: id }), time: record?.createdAt ?? (row.deletedAt as Date), actor: record?.actor ?? '', counts: record === undefined ? '' : countsText(record.counts, record.rootLabel), rows: [] });
      }
      group.rows.push(String(row));
    }
    return groups;
  }

  /** One model's trashed rows, newest first, under the operation that took them. */
  async modelTrash(admin: ModelAdmin, request: ViewRequest<any>): Promise<Response> {
    const meta: ModelMeta = admin.meta;
    if (!meta.softDelete) throw new Http404(`${meta.verboseNamePlural} have no trash.`);
    if (!(await admin.hasViewPermission(request))) return render(request, ForbiddenPage({ frame: this.site.frame }), 403);
    const page = pageNumber(request.url.searchParams);
    // The rows getQueryset would show were they not in the trash.
    const manager = adminRows(admin, request, 'deleted');
    const count: number = await manager.count();
    const rows = (await manager.orderBy('-deletedAt', `-${meta.pk.name}`).slice((page - 1) * 100, page * 100)) as Record<string, unknown>[];
    const changelist = this.site.url('changelist', { app: meta.appLabel, model: meta.modelName });
    return render(request, ModelTrashPage({
      frame: this.site.frame,
      crumbs: [['Home', this.site.url('index')], [capitalise(meta.appLabel), this.site.url('app_list', { app: meta.appLabel })], [capitalise(meta.verboseNamePlural), changelist], ['Trash', undefined]],
      title: `${capitalise(meta.verboseNamePlural)} in the trash`,
      count,
      page,
      pages: Math.max(1, Math.ceil(count / 100)),
      groups: await this.byOperation(rows),
      pageUrl: (p) => `${request.url.pathname}?p=${p}`,
    }));
  }
}

/** The root model's admin's threshold when it is not registered: the ModelAdmin default. */
const ONLINE_THRESHOLD = 100_000;

/** Why the purge page offers to purge in the background, or undefined below the threshold. */
function backgroundOffer(total: number, threshold: number): string | undefined {
  if (total < threshold) return undefined;
  return `This removes ${total.toLocaleString('en')} rows, at least ${threshold.toLocaleString('en')}: one transaction would hold its locks for the whole purge. In the background, workers (trove worker) take it in small batches, each a short transaction; its page shows how far it got and lets you pause or cancel it.`;
}

function userOf(request: ViewRequest<any>): string {
  return request.user.isAuthenticated ? String(request.user.username) : '';
}
