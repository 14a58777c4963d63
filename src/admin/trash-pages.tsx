/** The trash's pages: the operations, one operation's rows, a purge's confirmation, one model's trash. */
import { CsrfField } from '../web/index.ts';
import { AdminLayout, type AdminFrame } from './pages.tsx';

type Crumbs = [string, string | undefined][];

export interface OperationRow {
  id: string;
  url: string;
  time: Date;
  actor: string;
  source: string;
  reason: string;
  /** "Post Hello world". */
  root: string;
  /** "3 posts, 30 comments". */
  counts: string;
  state: string;
}

interface Choice {
  value: string;
  label: string;
  selected: boolean;
}

const when = (date: Date) => date.toISOString().replace('T', ' ').slice(0, 19);

/** Previous and next through a paginated list (the trash's, the operations'). */
export function Pager({ page, pages, url }: { page: number; pages: number; url: (p: number) => string }) {
  if (pages <= 1) return null;
  return (
    <nav class="paginator" aria-label="Pages">
      {page > 1 && <a href={url(page - 1)} rel="prev">Previous</a>}
      <span>Page {page} of {pages}</span>
      {page < pages && <a href={url(page + 1)} rel="next">Next</a>}
    </nav>
  );
}

export function TrashListPage(props: {
  frame: AdminFrame;
  crumbs: Crumbs;
  rows: OperationRow[];
  count: number;
  page: number;
  pages: number;
  link: (changes: Record<string, string | undefined>) => string;
  filters: { model: Choice[]; actor: Choice[]; state: Choice[] };
}) {
  const { rows, link, filters } = props;
  const group = (title: string, key: string, choices: Choice[]) => (
    <section aria-label={`By ${title}`}>
      <h3>By {title}</h3>
      <ul>
        <li>{choices.every((c) => !c.selected) ? <a href={link({ [key]: undefined, p: undefined })} aria-current="true" class="selected">All</a> : <a href={link({ [key]: undefined, p: undefined })}>All</a>}</li>
        {choices.map((c) => <li>{c.selected ? <a href={link({ [key]: c.value, p: undefined })} aria-current="true" class="selected">{c.label}</a> : <a href={link({ [key]: c.value, p: undefined })}>{c.label}</a>}</li>)}
      </ul>
    </section>
  );
  return (
    <AdminLayout frame={props.frame} title="Trash" crumbs={props.crumbs}>
      <h1>Trash</h1>
      <div class="changelist">
        <div class="results">
          <p class="count" role="status">{props.count.toLocaleString('en')} operation{props.count === 1 ? '' : 's'}</p>
          <table class="list trash">
            <thead>
              <tr><th scope="col">Deleted</th><th scope="col">What</th><th scope="col">Took</th><th scope="col">By</th><th scope="col">From</th><th scope="col">Reason</th><th scope="col">State</th></tr>
            </thead>
            <tbody>
              {rows.length === 0 && <tr><td colspan={7}>The trash is empty.</td></tr>}
              {rows.map((r) => (
                <tr>
                  <th scope="row"><a href={r.url}>{when(r.time)}</a></th>
                  <td>{r.root}</td>
                  <td>{r.counts}</td>
                  <td>{r.actor || '-'}</td>
                  <td>{r.source}</td>
                  <td>{r.reason || '-'}</td>
                  <td>{r.state}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pager page={props.page} pages={props.pages} url={(p) => link({ p: String(p) })} />
        </div>
        <aside class="filters" aria-labelledby="filter-heading">
          <h2 id="filter-heading">Filter</h2>
          {group('model', 'model', filters.model)}
          {filters.actor.length > 0 && group('who', 'actor', filters.actor)}
          {group('state', 'state', filters.state)}
        </aside>
      </div>
    </AdminLayout>
  );
}

export interface TrashModelRows {
  label: string;
  name: string;
  total: number;
  rows: { text: string; url: string | undefined }[];
  page: number;
  pages: number;
  prev: string | undefined;
  next: string | undefined;
}

export function TrashDetailPage(props: {
  frame: AdminFrame;
  crumbs: Crumbs;
  record: { time: Date; actor: string; source: string; reason: string; state: string; counts: string };
  models: TrashModelRows[];
  /** What the operation took of models this user may not view: counts only. */
  hidden: string[];
  /** The online operation that owns this deletion's trash (a soft delete making it, or a purge): its page, kind and state. */
  making?: { url: string; state: string; purge: boolean } | undefined;
  restoreUrl: string | undefined;
  purgeUrl: string | undefined;
}) {
  const { record } = props;
  return (
    <AdminLayout frame={props.frame} title="Deletion" crumbs={props.crumbs}>
      <h1>Deleted {when(record.time)}</h1>
      <dl class="operation">
        <dt>By</dt><dd>{record.actor || '-'}</dd>
        <dt>From</dt><dd>{record.source}</dd>
        <dt>Reason</dt><dd>{record.reason || '-'}</dd>
        <dt>Took</dt><dd>{record.counts}</dd>
        <dt>State</dt><dd>{STATE_TEXT[record.state] ?? record.state}</dd>
      </dl>
      {props.making !== undefined && !props.making.purge && (
        <p class="warning" role="note">
          An online delete is still moving these objects to the trash ({props.making.state}), so it cannot be restored or purged yet.{' '}
          <a href={props.making.url}>Follow the operation</a>: cancelling it puts everything back.
        </p>
      )}
      {props.making !== undefined && props.making.purge && (
        <p class="warning" role="note">
          An online purge is deleting these objects for good ({props.making.state}), so they cannot be restored or purged meanwhile.{' '}
          <a href={props.making.url}>Follow the operation</a>: cancelling it stops it; what it deleted is gone, the rest can then be restored.
        </p>
      )}
      {(props.restoreUrl !== undefined || props.purgeUrl !== undefined) && (
        <div class="submit-row">
          {props.restoreUrl !== undefined && (
            <form method="post" action={props.restoreUrl}>
              <CsrfField />
              <button type="submit">Restore all of it</button>
            </form>
          )}
          {props.purgeUrl !== undefined && <a class="button secondary" href={props.purgeUrl}>Delete permanently…</a>}
        </div>
      )}
      {props.hidden.length > 0 && <p class="muted">It also took {props.hidden.join(', ')}, which your account may not view.</p>}
      {props.models.map((m) => (
        <section aria-labelledby={`rows-${m.label}`}>
          <h2 id={`rows-${m.label}`}>{m.name}: {m.total.toLocaleString('en')}</h2>
          <ul class="trash-rows">{m.rows.map((r) => <li>{r.url === undefined ? r.text : <a href={r.url}>{r.text}</a>}</li>)}</ul>
          {m.pages > 1 && (
            <nav class="paginator" aria-label={`Pages of ${m.name.toLowerCase()}`}>
              {m.prev !== undefined && <a href={m.prev} rel="prev">Previous</a>}
              <span>Page {m.page} of {m.pages}</span>
              {m.next !== undefined && <a href={m.next} rel="next">Next</a>}
            </nav>
          )}
        </section>
      ))}
    </AdminLayout>
  );
}

/** What each state of an operation means, in words (see deletion/operations.ts). */
const STATE_TEXT: Record<string, string> = {
  active: 'In the trash',
  partial: 'Partly deleted for good by a later delete; the rest is in the trash',
  restored: 'Restored',
  purged: 'Deleted for good',
};

export function PurgePage(props: {
  frame: AdminFrame;
  crumbs: Crumbs;
  /** What this deletion's purge alone removes for good. */
  counts: string;
  /** Other deletions still in the trash whose rows the purge would reach. */
  others: { text: string; url: string }[];
  /** Live rows with a trash that the purge would reach: "2 comments", or ''. */
  live: string;
  /** What goes when those are taken too. */
  withOthers: string;
  /** What this user may not do of it. */
  forbidden: string[];
  notice?: string | undefined;
  cancelUrl: string;
  /** Why the page offers to purge in the background (a big trash), or undefined when it does not. */
  background?: string | undefined;
}) {
  const beyond = props.others.length > 0 || props.live !== '';
  return (
    <AdminLayout frame={props.frame} title="Delete permanently?" crumbs={props.crumbs}>
      <h1>Delete permanently?</h1>
      {props.notice !== undefined && <p class="errornote" role="alert">{props.notice}</p>}
      <p>These objects leave the trash and are deleted for good: {props.counts}. This cannot be undone.</p>
      {beyond && (
        <section class="purge-beyond" aria-labelledby="beyond-heading">
          <h2 id="beyond-heading">It reaches beyond this deletion</h2>
          <p>What depends on these objects goes with them, and that includes:</p>
          <ul>
            {props.others.map((o) => <li><a href={o.url}>{o.text}</a>, still in the trash with another deletion (which would be purged whole)</li>)}
            {props.live !== '' && <li>{props.live} not in the trash</li>}
          </ul>
          <p>Taking those too deletes for good: {props.withOthers}.</p>
        </section>
      )}
      {props.forbidden.length > 0 ? (
        <p class="errornote">Your account may not {props.forbidden.join(', ')}.</p>
      ) : (
        <form method="post">
          <CsrfField />
          {beyond && (
            <div class="form-row">
              <label><input type="checkbox" name="overlapping" value="purge" /> Also delete for good what it reaches beyond this deletion</label>
            </div>
          )}
          {props.background !== undefined && <p id="background-why">{props.background}</p>}
          <div class="submit-row">
            <button type="submit" class="danger">Yes, delete them for good</button>
            {props.background !== undefined && <button type="submit" name="online" value="1" class="secondary" aria-describedby="background-why">Purge in the background</button>}
            <a class="button secondary" href={props.cancelUrl}>No, take me back</a>
          </div>
        </form>
      )}
    </AdminLayout>
  );
}

/** The rows one operation put in the trash, on one page of a model's trash. */
export interface TrashGroup {
  deletionId: string;
  url: string;
  time: Date;
  actor: string;
  /** What the whole operation took: "1 post, 2 comments". */
  counts: string;
  rows: string[];
}

export function ModelTrashPage(props: {
  frame: AdminFrame;
  crumbs: Crumbs;
  title: string;
  count: number;
  page: number;
  pages: number;
  groups: TrashGroup[];
  pageUrl: (page: number) => string;
}) {
  return (
    <AdminLayout frame={props.frame} title={props.title} crumbs={props.crumbs}>
      <h1>{props.title}</h1>
      <p class="count" role="status">{props.count.toLocaleString('en')} in the trash</p>
      {props.groups.length === 0 && <p>Nothing in the trash.</p>}
      {props.groups.map((group) => (
        <section class="operation" aria-labelledby={`op-${group.deletionId}`}>
          <h2 id={`op-${group.deletionId}`}>
            <a href={group.url}>Deleted {when(group.time)}</a>{group.actor !== '' && ` by ${group.actor}`}
          </h2>
          {group.counts !== '' && <p class="muted">The operation took {group.counts}.</p>}
          <ul class="trash-rows">{group.rows.map((text) => <li>{text}</li>)}</ul>
        </section>
      ))}
      <Pager page={props.page} pages={props.pages} url={props.pageUrl} />
    </AdminLayout>
  );
}
