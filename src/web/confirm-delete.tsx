/**
 * The confirmation page of a delete: what the cascade takes, a short sample of it, or what
 * blocks it. DeleteView renders it unless given a template of its own, which gets the same props.
 */
import type { DeletePlanLike, ModelMeta } from '../orm/index.ts';
import { capitalise, getModel } from '../orm/index.ts';
import { CsrfField, Layout } from './render.tsx';

/** One model's share of a delete: how many rows, and the first few of them. */
export interface ModelShare {
  label: string;
  /** "comment" or "comments", as the count needs. */
  name: string;
  count: number;
  /** Up to the view's sample size of the objects, when the plan allows the delete. */
  sample: object[];
}

/** One model's rows that block a delete; `objects` is empty when the user may not view them. */
export interface BlockingShare {
  label: string;
  name: string;
  count: number;
  objects: object[];
}

export interface DeleteConfirmationProps<T = object> {
  object: T;
  meta: ModelMeta;
  plan: DeletePlanLike;
  /** What goes, the object's own model first. */
  shares: ModelShare[];
  /**
   * What blocks the delete (PROTECT and RESTRICT), per model; empty when it may go ahead. The
   * objects of a model the user may not view are left out: `count` says how many there are.
   */
  blockers: BlockingShare[];
  /** What blocks a move to the trash: objects without a trash that would point into it, per model. */
  untrashable: BlockingShare[];
  /** Said above the page: why it is shown again (the rows changed while a delete ran). */
  notice?: string;
  /** What stays but changes (SET_NULL, SET_DEFAULT, SET), per model. */
  changes: { label: string; name: string; count: number }[];
  /** What the user may not do of it ("delete comments", "delete for good posts"); empty when all is allowed. */
  forbidden: string[];
  /** Where "No, take me back" leads. */
  cancelUrl: string;
}

export function modelName(label: string, count: number): string {
  const meta = getModel(label);
  return count === 1 ? meta.verboseName : meta.verboseNamePlural;
}

/**
 * The plan, arranged for a page: the shares, blockers and changes in reading order. Given the
 * one object deleted, its own share needs no query. Given `mayView`, objects of models it
 * refuses are not shown (their counts are): a page never shows what its user may not view.
 */
export async function describePlan(
  meta: ModelMeta, plan: DeletePlanLike, sampleSize: number, object?: object,
  mayView: (model: ModelMeta) => boolean | Promise<boolean> = () => true,
): Promise<Pick<DeleteConfirmationProps, 'shares' | 'blockers' | 'untrashable' | 'changes'>> {
  const labels = Object.keys(plan.byModel).sort((a, b) => (a === meta.label ? -1 : b === meta.label ? 1 : a.localeCompare(b)));
  const shares: ModelShare[] = [];
  for (const label of labels) {
    const count = plan.byModel[label]!;
    const own = label === meta.label && count === 1 && object !== undefined;
    const shown = plan.allowed && (own || (await mayView(getModel(label))));
    const sample = !shown ? [] : own ? [object] : await plan.sample(label, sampleSize);
    shares.push({ label, name: modelName(label, count), count, sample });
  }
  const blocking = { ...plan.protected };
  for (const [label, objects] of Object.entries(plan.restricted)) blocking[label] = [...(blocking[label] ?? []), ...objects];
  const perModel = async (found: Record<string, object[]>): Promise<BlockingShare[]> => {
    const out: BlockingShare[] = [];
    for (const [label, objects] of Object.entries(found)) {
      out.push({ label, name: modelName(label, objects.length), count: objects.length, objects: (await mayView(getModel(label))) ? objects : [] });
    }
    return out;
  };
  const changes = Object.entries(plan.updates).map(([label, count]) => ({ label, name: modelName(label, count), count }));
  return { shares, blockers: await perModel(blocking), untrashable: await perModel(plan.untrashable), changes };
}

/** The default confirmation page, in Django's words. */
export function ConfirmDelete({ object, meta, plan, shares, blockers, untrashable, changes, forbidden, cancelUrl, notice }: DeleteConfirmationProps) {
  const what = `the ${meta.verboseName} “${String(object)}”`;
  if (blockers.length > 0 || untrashable.length > 0 || forbidden.length > 0) {
    return (
      <Layout title={`Cannot delete ${meta.verboseName}`}>
        <h1>Cannot delete {meta.verboseName}</h1>
        {notice !== undefined && <p class="notice" role="alert">{notice}</p>}
        {forbidden.length > 0 && <p>Deleting {what} would take related objects, but your account may not:</p>}
        {forbidden.length > 0 && <ul class="forbidden">{forbidden.map((f) => <li>{f}</li>)}</ul>}
        {blockers.length > 0 && <p>Deleting {what} would require deleting the following protected related objects:</p>}
        {blockers.length > 0 && <BlockerList blockers={blockers} />}
        {untrashable.length > 0 && <p>Moving {what} to the trash would leave the following objects pointing into the trash, and they have no trash of their own to go with it; delete them first:</p>}
        {untrashable.length > 0 && <BlockerList blockers={untrashable} />}
        <p><a href={cancelUrl}>Go back</a></p>
      </Layout>
    );
  }
  const related = plan.total - 1;
  return (
    <Layout title={`Delete ${meta.verboseName}?`}>
      <h1>Are you sure?</h1>
      {notice !== undefined && <p class="notice" role="alert">{notice}</p>}
      <p>
        Are you sure you want to {plan.soft ? 'move' : 'delete'} {what}{plan.soft ? ' to the trash' : ''}?
        {related > 0 ? ` ${related === 1 ? 'The following object goes' : 'All of the following objects go'} with it${plan.soft ? '' : ` and ${related === 1 ? 'is' : 'are'} deleted`}:` : ''}
      </p>
      <h2>Summary</h2>
      <ul class="delete-summary">
        {shares.map((s) => (
          <li data-model={s.label}>
            {capitalise(s.name)}: {s.count}
          </li>
        ))}
      </ul>
      {!plan.soft && shares.some((s) => getModel(s.label).softDelete) && (
        <p class="delete-for-good">
          Deleted for good, not moved to the trash: {shares.filter((s) => getModel(s.label).softDelete).map((s) => `${s.count} ${s.name}`).join(', ')}. They cannot be restored.
        </p>
      )}
      {changes.length > 0 && (
        <p class="delete-changes">
          Kept but changed: {changes.map((c) => `${c.count} ${c.name}`).join(', ')}.
        </p>
      )}
      <h2>Objects</h2>
      <ul class="delete-sample">
        {shares.map((s) => (
          <li>
            {capitalise(s.name)}: {s.sample.length === 0 ? `${s.count} (not shown)` : s.sample.map(String).join(', ')}
            {s.sample.length > 0 && s.count > s.sample.length ? ` and ${s.count - s.sample.length} more` : ''}
          </li>
        ))}
      </ul>
      {plan.soft && <p>Everything goes to the trash and can be restored in one step.</p>}
      <form method="post">
        <CsrfField />
        <button type="submit">Yes, I’m sure</button> <a href={cancelUrl}>No, take me back</a>
      </form>
    </Layout>
  );
}


function BlockerList({ blockers }: { blockers: DeleteConfirmationProps['blockers'] }) {
  return (
    <ul class="blockers">
      {blockers.map((b) => (
        <li>
          {b.objects.length > 0 ? `${capitalise(b.name)}: ${b.objects.map(String).join(', ')}` : `${b.count} ${b.name} (not shown: your account may not view them)`}
        </li>
      ))}
    </ul>
  );
}
