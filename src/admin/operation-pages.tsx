/**
 * The pages of online operations: the list, one operation's progress with its controls, and the
 * confirmation of a cancel. Plain HTML forms and <progress> bars; they work without JavaScript.
 */
import { CsrfField } from '../web/index.ts';
import { Pager } from './trash-pages.tsx';
import { AdminLayout, type AdminFrame } from './pages.tsx';

type Crumbs = [string, string | undefined][];

const when = (date: Date) => date.toISOString().replace('T', ' ').slice(0, 19);
const n = (value: number) => Math.round(value).toLocaleString('en');

/** "45 s", "3 min 20 s", "2 h 5 min": a duration as someone watching a bar wants it. */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min${s % 60 > 0 ? ` ${s % 60} s` : ''}`;
  const m = Math.round(s / 60);
  return `${Math.floor(m / 60)} h${m % 60 > 0 ? ` ${m % 60} min` : ''}`;
}

/** What each state means, to someone looking at the page. */
export const STATE_WORDS: Record<string, string> = {
  queued: 'Waiting for a worker',
  running: 'Running',
  paused: 'Paused',
  cancelling: 'Being cancelled',
  cancelled: 'Cancelled',
  failed: 'Failed',
  done: 'Done',
};

function Bar({ done, planned, label }: { done: number; planned: number; label: string }) {
  const max = Math.max(planned, 1);
  const value = Math.min(done, max);
  const percent = planned === 0 ? (done > 0 ? 100 : 0) : Math.min(100, Math.floor((done / planned) * 100));
  return (
    <span class="bar">
      <progress max={max} value={value} aria-label={label}>{percent}%</progress> <span class="percent">{percent}%</span>
    </span>
  );
}


export interface OperationListRow {
  url: string;
  time: Date;
  /** "Move to the trash: posts". */
  what: string;
  state: string;
  planned: number;
  done: number;
  actor: string;
  source: string;
}

export function OperationListPage(props: { frame: AdminFrame; crumbs: Crumbs; rows: OperationListRow[]; count: number; page: number; pages: number; pageUrl: (p: number) => string }) {
  return (
    <AdminLayout frame={props.frame} title="Online operations" crumbs={props.crumbs}>
      <h1>Online operations</h1>
      <p class="muted">Deletes too large for one request, carried out in small batches by <code>trove worker</code> processes. Newest first.</p>
      <p class="count" role="status">{n(props.count)} operation{props.count === 1 ? '' : 's'}</p>
      <table class="list operations">
        <thead>
          <tr><th scope="col">Started</th><th scope="col">What</th><th scope="col">State</th><th scope="col">Progress</th><th scope="col">By</th><th scope="col">From</th></tr>
        </thead>
        <tbody>
          {props.rows.length === 0 && <tr><td colspan={6}>No online operations yet.</td></tr>}
          {props.rows.map((r) => (
            <tr>
              <th scope="row"><a href={r.url}>{when(r.time)}</a></th>
              <td>{r.what}</td>
              <td><span class={`state state-${r.state}`}>{STATE_WORDS[r.state] ?? r.state}</span></td>
              <td><Bar done={r.done} planned={r.planned} label={`${r.what}, started ${when(r.time)}: ${n(r.done)} of ${n(r.planned)} objects`} /></td>
              <td>{r.actor || '-'}</td>
              <td>{r.source}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <Pager page={props.page} pages={props.pages} url={props.pageUrl} />
    </AdminLayout>
  );
}

export interface OperationModelRow {
  label: string;
  /** "Posts". */
  name: string;
  planned: number;
  done: number;
  left: number;
}

export interface OperationView {
  id: string;
  /** "Move to the trash", "Delete for good", "Delete". */
  kindText: string;
  /** A soft delete: cancelling it puts everything back. */
  soft: boolean;
  /** "Posts". */
  rootName: string;
  state: string;
  actor: string;
  source: string;
  reason: string;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  models: OperationModelRow[];
  planned: number;
  done: number;
  keysTotal: number;
  keysDone: number;
  rate: number | undefined;
  secondsLeft: number | undefined;
  batches: number;
  batchSize: number;
  slowestBatchMs: number;
  error: string;
  /** The worker that holds it now, if one does. */
  worker: string | undefined;
  heartbeatAt: Date | null;
  /** Queued, running or cancelling with no worker holding it. */
  noWorker: boolean;
  /** A soft delete's operation in the trash. */
  trashUrl: string | undefined;
}

export interface OperationControls {
  pauseUrl: string | undefined;
  resumeUrl: string | undefined;
  cancelUrl: string | undefined;
}

/** Only a moving operation has a time left; a paused or failed one waits on someone, a finished one on no one. */
function timeLeft(op: OperationView): string {
  if (op.state === 'done' || op.state === 'cancelled') return 'None';
  if (op.state === 'paused' || op.state === 'failed') return '-';
  return op.secondsLeft === undefined ? 'Not known yet' : `About ${duration(op.secondsLeft)}`;
}

/** The sentence under the heading: how far it got, and what it is doing. */
function headline(op: OperationView): string {
  const objects = `${n(op.done)} of ${n(op.planned)} objects`;
  switch (op.state) {
    case 'done': return `Done: ${n(op.done)} objects${op.finishedAt !== null && op.startedAt !== null ? ` in ${duration((op.finishedAt.getTime() - op.startedAt.getTime()) / 1000)}` : ''}.`;
    case 'cancelled': return op.soft ? 'Cancelled: everything it had moved to the trash is back.' : `Cancelled after ${objects}: those are gone for good, the rest was kept.`;
    case 'failed': return `Failed after ${objects}. Fix what the error below says, then resume it.`;
    case 'paused': return `Paused after ${objects}. Resume it to go on from there.`;
    case 'queued': return op.done > 0 ? `Waiting for a worker, after ${objects}.` : `Waiting for a worker: ${n(op.planned)} objects to go.`;
    case 'cancelling': return 'Being cancelled: its worker finishes the cancel after its current batch.';
    default: return `${objects} so far.`;
  }
}

export function OperationPage(props: { frame: AdminFrame; crumbs: Crumbs; op: OperationView; controls: OperationControls; refresh: number | undefined; stopRefreshUrl: string | undefined; forbidden: string[] }) {
  const { op, controls } = props;
  const title = `${op.kindText}: ${op.rootName.toLowerCase()}`;
  const following = props.refresh !== undefined;
  return (
    <AdminLayout frame={props.frame} title={title} crumbs={props.crumbs} refresh={props.refresh}>
      <div class="toolbar operation-toolbar">
        <h1>{title}</h1>
        {(controls.pauseUrl !== undefined || controls.resumeUrl !== undefined || controls.cancelUrl !== undefined) && (
          <div class="operation-controls">
            {controls.pauseUrl !== undefined && <form method="post" action={controls.pauseUrl}><CsrfField /><button type="submit">Pause</button></form>}
            {controls.resumeUrl !== undefined && <form method="post" action={controls.resumeUrl}><CsrfField /><button type="submit">Resume</button></form>}
            {controls.cancelUrl !== undefined && <a class="button deletelink" href={controls.cancelUrl}>Cancel…</a>}
          </div>
        )}
      </div>
      {props.forbidden.length > 0 && <p class="muted">Your account may not pause, resume or cancel it: it may not {props.forbidden.join(', ')}.</p>}
      {/* What admin.js replaces while the operation moves; the controls above stay put, and so does focus on them. */}
      <div class="operation-page" id="operation" data-state={op.state} {...(following ? { 'data-follow': String(props.refresh) } : {})}>
        <p class="headline">
          <span class={`state state-${op.state}`}>{STATE_WORDS[op.state] ?? op.state}</span> {headline(op)}
        </p>
        {op.noWorker && (
          <p class="warning" role="note">No worker holds this operation, so nothing moves: start one with <code>trove worker</code> (or <code>npx trove worker</code> in the project's folder).</p>
        )}
        {op.error !== '' && <p class="errornote"><strong>Last error:</strong> {op.error}</p>}
        <section class="overall" aria-labelledby="overall-heading">
          <h2 id="overall-heading" class="visually-hidden">Overall</h2>
          <div class="overall-bar">
            <Bar done={op.done} planned={op.planned} label={`Overall: ${n(op.done)} of ${n(op.planned)} objects`} />
          </div>
          <dl class="figures">
            <div><dt>Done</dt><dd>{n(op.done)} <span class="muted">of {n(op.planned)}</span></dd></div>
            <div><dt>Rate</dt><dd>{op.rate === undefined ? '-' : `${n(op.rate)} objects/s`}</dd></div>
            <div><dt>Time left</dt><dd>{timeLeft(op)}</dd></div>
            <div><dt>Root keys</dt><dd>{n(op.keysDone)} <span class="muted">of {n(op.keysTotal)}</span></dd></div>
            <div><dt>Batches</dt><dd>{n(op.batches)} <span class="muted">{op.batches === 0 ? '' : `now ${n(op.batchSize)} ${op.batchSize === 1 ? 'key' : 'keys'} each`}</span></dd></div>
            <div><dt>Slowest batch</dt><dd>{op.batches === 0 ? '-' : `${n(op.slowestBatchMs)} ms`}</dd></div>
          </dl>
        </section>
        <section aria-labelledby="models-heading">
          <h2 id="models-heading">Per model</h2>
          <table class="list operation-models">
            <thead><tr><th scope="col">Model</th><th scope="col" class="number">Planned</th><th scope="col" class="number">Done</th><th scope="col" class="number">Left</th><th scope="col">Progress</th></tr></thead>
            <tbody>
              {op.models.map((m) => (
                <tr data-model={m.label}>
                  <th scope="row">{m.name}</th>
                  <td class="number">{n(m.planned)}</td>
                  <td class="number">{n(m.done)}</td>
                  <td class="number">{n(m.left)}</td>
                  <td><Bar done={m.done} planned={m.planned} label={`${m.name}: ${n(m.done)} of ${n(m.planned)} done`} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
        <dl class="operation">
          <dt>By</dt><dd>{op.actor || '-'}</dd>
          <dt>From</dt><dd>{op.source}</dd>
          <dt>Reason</dt><dd>{op.reason || '-'}</dd>
          <dt>Submitted</dt><dd>{when(op.createdAt)} UTC</dd>
          <dt>Started</dt><dd>{op.startedAt === null ? '-' : `${when(op.startedAt)} UTC`}</dd>
          <dt>Finished</dt><dd>{op.finishedAt === null ? '-' : `${when(op.finishedAt)} UTC`}</dd>
          <dt>Worker</dt><dd>{op.worker ?? 'None'}{op.heartbeatAt !== null && <span class="muted"> (last heard from {when(op.heartbeatAt)} UTC)</span>}</dd>
          {op.trashUrl !== undefined && <><dt>Trash</dt><dd><a href={op.trashUrl}>The deletion in the trash</a></dd></>}
          <dt>Operation</dt><dd><code>{op.id}</code></dd>
        </dl>
      </div>
      {following && props.stopRefreshUrl !== undefined && (
        <noscript><p class="muted">This page reloads every {props.refresh} seconds while the operation runs. <a href={props.stopRefreshUrl}>Stop reloading</a></p></noscript>
      )}
    </AdminLayout>
  );
}

export function CancelOperationPage(props: { frame: AdminFrame; crumbs: Crumbs; op: OperationView; backUrl: string; notice: string | undefined }) {
  const { op } = props;
  const soft = op.soft;
  return (
    <AdminLayout frame={props.frame} title="Cancel the operation?" crumbs={props.crumbs}>
      <h1>Cancel the operation?</h1>
      {props.notice !== undefined && <p class="errornote" role="alert">{props.notice}</p>}
      <p>{op.kindText}: {op.rootName.toLowerCase()}. {STATE_WORDS[op.state] ?? op.state}, {n(op.done)} of {n(op.planned)} objects so far.</p>
      {soft ? (
        <p>Cancelling stops it for good and <strong>puts back everything it moved to the trash</strong> ({n(op.done)} objects so far, the hidden {op.rootName.toLowerCase()} included), as if it had never run. Nothing is deleted.</p>
      ) : (
        <p class="delete-for-good">Cancelling stops it after its current batch. <strong>What it deleted is gone for good and stays gone</strong>: {n(op.done)} objects so far. The other {n(Math.max(0, op.planned - op.done))} planned objects are kept.</p>
      )}
      <form method="post">
        <CsrfField />
        <div class="submit-row">
          <button type="submit" class="danger">Yes, cancel it</button>
          <a class="button secondary" href={props.backUrl}>No, let it go on</a>
        </div>
      </form>
    </AdminLayout>
  );
}
