/**
 * The admin's pages of online operations (deletes that `trove worker` processes carry out in
 * batches): `/admin/operations/` lists them, newest first; `/admin/operations/<id>/` shows one,
 * per model, with its rate and time left, and Pause, Resume and Cancel (POST forms; Cancel after
 * a confirmation that says what cancelling this kind does). Each control is written to the log.
 *
 * Permission before existence, as the object pages: a user who may not see an operation gets
 * the same 403 whether its id names one or not; only a superuser, who may see them all, learns
 * that an id names nothing (a 404). Who may do what is in operation-permissions.ts, checked when
 * a page is drawn and again, on the locked record, by every POST.
 */
import { atomic } from '../db/index.ts';
import { describeNeed } from '../auth/index.ts';
import { cancelOperation, OnlineOperation, OrphanRestoreError, pauseOperation, progressOf, RestoreConflictError, resumeOperation, RowsChangedError, type OperationState } from '../deletion/index.ts';
import { capitalise, getModel, QueryUsageError, type ModelMeta } from '../orm/index.ts';
import { Http404, messages, redirect, render, type ViewRequest } from '../web/index.ts';
import type { SiteContext } from './context.ts';
import { CANCEL, logAction, PAUSE, RESUME } from './log.ts';
import { CancelOperationPage, OperationListPage, OperationPage, type OperationView } from './operation-pages.tsx';
import { isSuperuser, mayControl, mayViewOperation, missingForControl, type OperationControl } from './operation-permissions.ts';
import type { ModelAdmin } from './options.ts';
import { ForbiddenPage } from './pages.tsx';

const PER_PAGE = 50;
/** How often a page of a running operation reloads itself (without JavaScript; admin.js polls as often). */
const REFRESH_SECONDS = 2;
/** States in which the figures move: the page follows them. */
const MOVING: readonly string[] = ['queued', 'running', 'cancelling'];
/** States each control applies to (see deletion/online/control.ts). */
const APPLIES: Record<OperationControl, readonly string[]> = {
  pause: ['queued', 'running'],
  resume: ['paused', 'failed'],
  cancel: ['queued', 'running', 'paused', 'failed'],
};
const ACT: Record<OperationControl, (id: string, db: any) => Promise<OperationState>> = { pause: pauseOperation, resume: resumeOperation, cancel: cancelOperation };
const FLAG: Record<OperationControl, number> = { pause: PAUSE, resume: RESUME, cancel: CANCEL };

type Operation = InstanceType<typeof OnlineOperation>;

class NotPermitted extends Error {}

function pageNumber(params: URLSearchParams): number {
  const text = params.get('p') ?? '1';
  return /^[1-9][0-9]{0,6}$/.test(text) ? Number(text) : 1;
}

function modelOf(label: string): ModelMeta | undefined {
  try {
    return getModel(label);
  } catch {
    return undefined;
  }
}

function plural(label: string, count = 2): string {
  const meta = modelOf(label);
  return meta === undefined ? label : count === 1 ? meta.verboseName : meta.verboseNamePlural;
}

/** "Move to the trash", "Delete for good" (a soft-delete model's rows), "Delete", or a purge's words. */
function kindText(op: Operation): string {
  if (op.kind === 'softDelete') return 'Move to the trash';
  if (op.kind === 'purge') return 'Delete for good from the trash';
  return modelOf(op.rootLabel)?.softDelete ? 'Delete for good' : 'Delete';
}

/** "Move to the trash: 1,500 comments": what the log and the list call an operation. */
export function operationText(op: Operation): string {
  const roots = op.plan[op.rootLabel] ?? Number(op.keysTotal);
  return `${kindText(op)}: ${roots.toLocaleString('en')} ${plural(op.rootLabel, roots)}`;
}

function userOf(request: ViewRequest<any>): string {
  return request.user.isAuthenticated ? String(request.user.username) : '';
}

export class OperationViews {
  /** `siteOf` is read per request: the site's URLs exist only once it is mounted. */
  constructor(
    private readonly siteOf: () => SiteContext,
    private readonly admins: () => readonly ModelAdmin[],
  ) {}

  private get site(): SiteContext {
    return this.siteOf();
  }

  private forbidden(request: ViewRequest<any>): Promise<Response> {
    return render(request, ForbiddenPage({ frame: this.site.frame }), 403);
  }

  /** The operation of the URL if this user may see it; else the answer to give. */
  private async find(request: ViewRequest<{ id: string }>): Promise<Operation | Response> {
    const op = await OnlineOperation.objects.filter({ id: request.params.id }).first();
    if (op !== null && (await mayViewOperation(this.site, request, op))) return op;
    if (op === null && isSuperuser(request)) throw new Http404('No such online operation.');
    return this.forbidden(request);
  }

  private detailUrl(op: Operation): string {
    return this.site.url('operation', { id: op.id });
  }

  async list(request: ViewRequest<any>): Promise<Response> {
    let qs = OnlineOperation.objects.all();
    if (!isSuperuser(request)) {
      const visible: string[] = [];
      for (const admin of this.admins()) if (await admin.hasViewPermission(request)) visible.push(admin.meta.label);
      qs = qs.filter({ rootLabel__in: visible });
    }
    const page = pageNumber(request.url.searchParams);
    const count = await qs.count();
    const ops = await qs.orderBy('-createdAt', '-id').slice((page - 1) * PER_PAGE, page * PER_PAGE);
    return render(request, OperationListPage({
      frame: this.site.frame,
      crumbs: [['Home', this.site.url('index')], ['Operations', undefined]],
      rows: ops.map((op) => {
        const progress = progressOf(op);
        return { url: this.detailUrl(op), time: op.createdAt, what: operationText(op), state: op.state, planned: progress.planned, done: progress.done, actor: op.actor ?? '', source: op.source };
      }),
      count,
      page,
      pages: Math.max(1, Math.ceil(count / PER_PAGE)),
      pageUrl: (p) => `${request.url.pathname}?p=${p}`,
    }));
  }

  /** The operation as its pages show it. */
  private async view(request: ViewRequest<any>, op: Operation): Promise<OperationView> {
    const progress = progressOf(op);
    const now = Date.now();
    const held = op.leaseOwner !== null && op.leaseUntil !== null && op.leaseUntil.getTime() > now;
    const root = modelOf(op.rootLabel);
    const rootAdmin = this.site.adminFor(op.rootLabel);
    const trashVisible = op.deletionId !== null && root?.softDelete === true && rootAdmin !== undefined && (await rootAdmin.hasViewPermission(request));
    return {
      id: op.id, kindText: kindText(op), soft: op.kind === 'softDelete', rootName: capitalise(plural(op.rootLabel)), state: op.state,
      actor: op.actor ?? '', source: op.source, reason: op.reason, createdAt: op.createdAt, startedAt: op.startedAt, finishedAt: op.finishedAt,
      // The root model first, then the rest by name, as the confirmation page lists them.
      models: progress.models
        .map((m) => ({ ...m, name: capitalise(plural(m.label)) }))
        .sort((a, b) => (a.label === op.rootLabel ? -1 : b.label === op.rootLabel ? 1 : a.name.localeCompare(b.name))),
      planned: progress.planned, done: progress.done, keysTotal: progress.keysTotal, keysDone: progress.keysDone,
      rate: progress.rate, secondsLeft: progress.secondsLeft, batches: progress.batches, batchSize: progress.batchSize, slowestBatchMs: progress.slowestBatchMs,
      error: op.error, worker: held ? op.leaseOwner! : undefined, heartbeatAt: op.heartbeatAt,
      noWorker: MOVING.includes(op.state) && !held,
      trashUrl: trashVisible ? this.site.url('trash_detail', { deletionId: op.deletionId }) : undefined,
    };
  }

  async detail(request: ViewRequest<{ id: string }>): Promise<Response> {
    const op = await this.find(request);
    if (op instanceof Response) return op;
    const controls: Record<OperationControl, string | undefined> = { pause: undefined, resume: undefined, cancel: undefined };
    let forbidden: string[] = [];
    for (const control of ['pause', 'resume', 'cancel'] as const) {
      if (!APPLIES[control].includes(op.state)) continue;
      if (await mayControl(this.site, request, op, control)) controls[control] = this.site.url(`operation_${control}`, { id: op.id });
      else if (forbidden.length === 0) {
        const missing = await missingForControl(this.site, request, op, 'cancel');
        forbidden = missing === 'unknown models' ? ['act on models this site no longer has'] : missing.map(describeNeed);
      }
    }
    const follow = MOVING.includes(op.state) && request.url.searchParams.get('refresh') !== 'off';
    return render(request, OperationPage({
      frame: this.site.frame,
      crumbs: [['Home', this.site.url('index')], ['Operations', this.site.url('operations')], [operationText(op), undefined]],
      op: await this.view(request, op),
      controls: { pauseUrl: controls.pause, resumeUrl: controls.resume, cancelUrl: controls.cancel },
      refresh: follow ? REFRESH_SECONDS : undefined,
      stopRefreshUrl: `${request.url.pathname}?refresh=off`,
      forbidden,
    }));
  }

  /**
   * POST `…/pause/`, `…/resume/`, `…/cancel/`; GET of `…/cancel/` is its confirmation. The
   * permission is checked again inside the transaction, on the record locked as the control
   * finds it; a control the state does not allow (cancelling what is done) changes nothing and
   * says why.
   */
  async control(request: ViewRequest<{ id: string }>, control: OperationControl): Promise<Response> {
    const isRead = request.method === 'GET' || request.method === 'HEAD';
    if (request.method !== 'POST' && !(control === 'cancel' && isRead)) {
      return new Response(`${capitalise(control)} with a POST.`, { status: 405, headers: { allow: control === 'cancel' ? 'GET, POST' : 'POST' } });
    }
    const found = await this.find(request);
    if (found instanceof Response) return found;
    if (!(await mayControl(this.site, request, found, control))) return this.forbidden(request);
    const back = this.detailUrl(found);
    if (isRead) {
      if (!APPLIES.cancel.includes(found.state)) {
        messages.error(request, `This operation is ${found.state}: there is nothing to cancel.`);
        return redirect(back);
      }
      return render(request, CancelOperationPage({
        frame: this.site.frame,
        crumbs: [['Home', this.site.url('index')], ['Operations', this.site.url('operations')], [operationText(found), back], ['Cancel', undefined]],
        op: await this.view(request, found),
        backUrl: back,
        notice: undefined,
      }));
    }
    const db = OnlineOperation.objects.all().db;
    let state: OperationState;
    let op: Operation;
    try {
      [state, op] = await atomic(async (): Promise<[OperationState, Operation]> => {
        const locked = await OnlineOperation.objects.using(db).selectForUpdate().get({ id: found.id });
        if (!(await mayControl(this.site, request, locked, control))) throw new NotPermitted();
        const next = await ACT[control](locked.id, db);
        const after = await OnlineOperation.objects.using(db).get({ id: locked.id });
        await logAction(userOf(request), { label: locked.rootLabel }, '', operationText(locked), FLAG[control], {
          message: `${capitalise(control === 'cancel' ? 'cancelled' : `${control}d`)} the online operation (${next}).`,
          counts: after.done, operationId: locked.id, ...(locked.deletionId !== null && { deletionId: locked.deletionId }),
        });
        return [next, after];
      }, { using: db });
    } catch (error) {
      if (error instanceof NotPermitted) return this.forbidden(request);
      if (error instanceof OnlineOperation.DoesNotExist) throw new Http404('No such online operation.');
      // A state the control does not apply to, or a cancel whose restore is refused (a parent still in the trash): nothing changed.
      if (!(error instanceof QueryUsageError || error instanceof OrphanRestoreError || error instanceof RestoreConflictError || error instanceof RowsChangedError)) throw error;
      messages.error(request, `Nothing changed: ${error.message}`);
      return redirect(back);
    }
    messages.success(request, this.report(op, state));
    return redirect(back);
  }

  private report(op: Operation, state: OperationState): string {
    const done = progressOf(op).done.toLocaleString('en');
    switch (state) {
      case 'paused': return 'The operation is paused: it stops after its current batch. Resume it to go on.';
      case 'queued': case 'running': return 'The operation is queued again: a worker goes on from its last batch.';
      case 'cancelling': return 'The operation is being cancelled: its worker finishes the cancel after its current batch.';
      case 'cancelled': return op.kind === 'softDelete' ? 'The operation is cancelled: everything it had moved to the trash is back.' : `The operation is cancelled: the ${done} objects it deleted are gone; the rest is kept${op.kind === 'purge' ? ', in the trash' : ''}.`;
      default: return `The operation is ${state}.`;
    }
  }
}
