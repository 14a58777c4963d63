/**
 * The delete confirmation page (one object or a selection) and Django's "Cannot delete" page:
 * per-model counts and a short sample with links, never one line per object.
 */
import { capitalise } from '../orm/index.ts';
import { CsrfField } from '../web/index.ts';
import { AdminLayout, type AdminFrame } from './pages.tsx';

export interface LinkedObject {
  text: string;
  /** Its change page, when its model is registered. */
  url: string | undefined;
}

export interface DeleteSummary {
  /** True when the rows go to the trash. */
  soft: boolean;
  total: number;
  /** What goes, per model, the root model first: the count and the first few objects. */
  shares: { label: string; name: string; count: number; sample: LinkedObject[]; forGood: boolean; fromTrash: number }[];
  /** What stays but changes (SET_NULL, SET_DEFAULT, SET). */
  changes: { name: string; count: number }[];
  /** PROTECT and RESTRICT blockers, per model. */
  blockers: { name: string; count: number; objects: LinkedObject[] }[];
  /** Objects without a trash that a move to the trash would leave pointing into it, per model. */
  untrashable: { name: string; count: number; objects: LinkedObject[] }[];
  /** What this user may not do of the delete: "delete comments", "delete for good posts". */
  forbidden: string[];
}

export interface DeleteConfirmationProps {
  frame: AdminFrame;
  crumbs: [string, string | undefined][];
  /** "the post “Hello”", "the 3 selected posts". */
  what: string;
  /** The model's name for headings: "post", "posts". */
  noun: string;
  summary: DeleteSummary;
  cancelUrl: string;
  /** Fields the form posts back: the action, the selection, its count and digest. */
  hidden: [string, string][];
  /** A notice above the page, e.g. that the selection changed. */
  notice?: string | undefined;
  /** Deleting for good on a soft-delete model. */
  hard?: boolean;
  /** Why "Delete in the background" is offered (a large or open selection); undefined: it is not. */
  online?: string | undefined;
}

function Linked({ object }: { object: LinkedObject }) {
  return object.url === undefined ? <>{object.text}</> : <a href={object.url}>{object.text}</a>;
}

/** Rows of models with a trash that this delete does not put there: said plainly, with those it takes out of the trash. */
function ForGoodNotice({ shares }: { shares: DeleteSummary['shares'] }) {
  const forGood = shares.filter((s) => s.forGood);
  if (forGood.length === 0) return null;
  const fromTrash = forGood.filter((s) => s.fromTrash > 0).map((s) => `${s.fromTrash.toLocaleString('en')} ${s.name} already in the trash`);
  return (
    <p class="delete-for-good" role="note">
      <strong>Deleted for good, not moved to the trash:</strong> {forGood.map((s) => `${s.count.toLocaleString('en')} ${s.name}`).join(', ')}
      {fromTrash.length > 0 && ` (among them ${fromTrash.join(', ')})`}. They cannot be restored.
    </p>
  );
}

function BlockerList({ blockers }: { blockers: DeleteSummary['blockers'] }) {
  return (
    <ul class="blockers">
      {blockers.map((b) => (
        <li>
          {b.objects.length > 0
            ? <>{capitalise(b.name)}: {b.objects.map((o, i) => <>{i > 0 && ', '}<Linked object={o} /></>)}</>
            : `${b.count.toLocaleString('en')} ${b.name} (not shown: your account may not view them)`}
        </li>
      ))}
    </ul>
  );
}

export function DeleteConfirmationPage(props: DeleteConfirmationProps) {
  const { frame, crumbs, what, noun, summary, notice } = props;
  const toTrash = summary.soft && props.hard !== true;
  if (summary.blockers.length > 0 || summary.untrashable.length > 0 || summary.forbidden.length > 0) {
    return (
      <AdminLayout frame={frame} title={`Cannot delete ${noun}`} crumbs={crumbs}>
        <h1>Cannot delete {noun}</h1>
        {notice !== undefined && <p class="errornote" role="alert">{notice}</p>}
        {summary.forbidden.length > 0 && (
          <>
            <p>Deleting {what} would result in deleting related objects, but your account doesn't have permission to:</p>
            <ul class="forbidden">{summary.forbidden.map((name) => <li>{name}</li>)}</ul>
          </>
        )}
        {summary.blockers.length > 0 && (
          <>
            <p>Deleting {what} would require deleting the following protected related objects:</p>
            <BlockerList blockers={summary.blockers} />
          </>
        )}
        {summary.untrashable.length > 0 && (
          <>
            <p>Moving {what} to the trash would leave the following objects pointing into the trash, and they have no trash of their own to go with it; delete them first:</p>
            <BlockerList blockers={summary.untrashable} />
          </>
        )}
        <p><a class="button secondary" href={props.cancelUrl}>Go back</a></p>
      </AdminLayout>
    );
  }
  const title = toTrash ? 'Move to the trash?' : 'Are you sure?';
  return (
    <AdminLayout frame={frame} title={title} crumbs={crumbs}>
      <h1>{title}</h1>
      {notice !== undefined && <p class="errornote" role="alert">{notice}</p>}
      <p>
        Are you sure you want to {toTrash ? 'move' : 'delete'} {what}{toTrash ? ' to the trash' : ''}?{' '}
        {summary.total > 0 && whatGoes(summary.total, toTrash, props.hard === true)}
      </p>
      <section aria-labelledby="summary-heading">
        <h2 id="summary-heading">Summary</h2>
        <table class="list delete-summary">
          <thead><tr><th scope="col">Model</th><th scope="col">Objects</th><th scope="col">Among them</th></tr></thead>
          <tbody>
            {summary.shares.map((share) => (
              <tr data-model={share.label}>
                <th scope="row">{capitalise(share.name)}</th>
                <td class="number">{share.count.toLocaleString('en')}</td>
                <td>
                  {share.sample.map((o, i) => <>{i > 0 && ', '}<Linked object={o} /></>)}
                  {share.count > share.sample.length && ` and ${(share.count - share.sample.length).toLocaleString('en')} more`}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <ForGoodNotice shares={summary.shares} />
      {summary.changes.length > 0 && (
        <p class="delete-changes">Kept, with their link cleared or reset: {summary.changes.map((c) => `${c.count.toLocaleString('en')} ${c.name}`).join(', ')}.</p>
      )}
      <form method="post" class="delete-confirmation">
        <CsrfField />
        {props.hidden.map(([name, value]) => <input type="hidden" name={name} value={value} />)}
        {toTrash && (
          <div class="form-row">
            <label for="id_reason">Reason <span class="muted">(optional, kept with the trash)</span></label>
            <textarea id="id_reason" name="reason" rows={2} maxlength={2000}></textarea>
          </div>
        )}
        <div class="submit-row">
          <button type="submit" class={toTrash ? undefined : 'danger'}>{toTrash ? 'Yes, move to the trash' : 'Yes, I’m sure'}</button>
          {props.online !== undefined && <button type="submit" name="online" value="yes" class="secondary" aria-describedby="online-why">Delete in the background</button>}
          <a class="button secondary" href={props.cancelUrl}>No, take me back</a>
        </div>
        {props.online !== undefined && <p class="online-offer" id="online-why"><strong>In the background:</strong> {props.online}</p>}
      </form>
    </AdminLayout>
  );
}

/** The sentence before the summary, in the grammar of one object or of several. */
function whatGoes(total: number, toTrash: boolean, hard: boolean): string {
  const one = total === 1;
  const subject = one ? 'The following object goes' : `All of the following ${total.toLocaleString('en')} objects go`;
  const how = toTrash ? `, and ${one ? 'comes back' : 'come back together'} with Undo or from the trash` : hard ? ' for good: this cannot be undone' : '';
  return `${subject}${how}:`;
}
