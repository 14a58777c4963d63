/**
 * The front page's "Recent actions": the user's latest log entries, each linked to where its
 * object is now. Django links an entry to the object's change page unless it is a deletion.
 * Here an entry may be about many objects or none (`delete_selected`, the restore or purge of a
 * whole trash operation: its object id is empty), and a deleted object may still be in the
 * trash or back from it, so each entry is looked up:
 *
 * - about no single object, or of a model no longer registered: plain text;
 * - deleted without a trash, or purged: plain text, as in Django (the object is gone for good,
 *   and a new row may since have taken its key);
 * - otherwise, the object's change page while it is live, its history page while it is in the
 *   trash (which says since when, and links the deletion that took it), plain text once gone.
 */
import { capitalise, ValidationError, type QuerySet } from '../orm/index.ts';
import type { ViewRequest } from '../web/index.ts';
import type { SiteContext } from './context.ts';
import { ADDITION, CANCEL, CHANGE, DELETION, LogEntry, PAUSE, PURGE, RESTORATION, RESUME } from './log.ts';
import { adminRows } from './admin-rows.ts';
import type { ModelAdmin } from './options.ts';
import type { RecentAction } from './pages.tsx';

/** How many entries the front page shows (Django's 10). */
const RECENT_LIMIT = 10;

const VERBS: Record<number, string> = { [ADDITION]: 'Added', [CHANGE]: 'Changed', [DELETION]: 'Deleted', [RESTORATION]: 'Restored', [PURGE]: 'Purged', [PAUSE]: 'Paused', [RESUME]: 'Resumed', [CANCEL]: 'Cancelled' };

type Entry = InstanceType<typeof LogEntry>;

/** Whether an entry's object can no longer exist: deleted with no trash to keep it, or purged from the trash. */
function goneForGood(entry: Entry): boolean {
  return entry.actionFlag === PURGE || (entry.actionFlag === DELETION && entry.changeMessage?.deletionId === undefined);
}

/** Where the objects named by some entries of one model are now: their keys (as the log writes them), live and in the trash. */
async function whereabouts(admin: ModelAdmin, request: ViewRequest<any>, objectIds: string[]): Promise<{ live: Set<string>; trashed: Set<string> }> {
  const meta = admin.meta;
  const pk = meta.pk.name;
  const keys: unknown[] = [];
  for (const id of new Set(objectIds)) {
    try {
      keys.push(meta.pk.clean(id));
    } catch (error) {
      // A key this model could never have (its key type changed since): that object is not here.
      if (!(error instanceof ValidationError)) throw error;
    }
  }
  if (keys.length === 0) return { live: new Set(), trashed: new Set() };
  const found = async (qs: QuerySet<any>) => new Set(((await qs.filter({ pk__in: keys } as never).values(pk)) as Record<string, unknown>[]).map((row) => String(row[pk])));
  const live = await found(admin.getQueryset(request));
  // In the trash, the rows getQueryset would show: its history page shows no other.
  const trashed = meta.softDelete ? await found(adminRows(admin, request, 'deleted')) : new Set<string>();
  return { live, trashed };
}

/** The user's latest entries, newest first, as the front page lists them. */
export async function recentActions(site: SiteContext, request: ViewRequest<any>): Promise<RecentAction[]> {
  const entries = await LogEntry.objects.filter({ user: String(request.user.username) }).slice(0, RECENT_LIMIT);
  const linkable = (entry: Entry) => entry.objectId !== '' && !goneForGood(entry) && site.adminFor(entry.modelLabel) !== undefined;
  // One or two queries per model among the entries, never one per entry.
  const places = new Map<string, { live: Set<string>; trashed: Set<string> }>();
  for (const label of new Set(entries.filter(linkable).map((e) => e.modelLabel))) {
    const ids = entries.filter((e) => linkable(e) && e.modelLabel === label).map((e) => e.objectId);
    places.set(label, await whereabouts(site.adminFor(label)!, request, ids));
  }
  return entries.map((entry) => {
    const admin = site.adminFor(entry.modelLabel);
    const place = places.get(entry.modelLabel);
    const names = admin && { app: admin.meta.appLabel, model: admin.meta.modelName, pk: entry.objectId };
    let url: string | undefined;
    if (names !== undefined && place !== undefined && linkable(entry)) {
      if (place.live.has(entry.objectId)) url = site.url('change', names);
      else if (place.trashed.has(entry.objectId)) url = site.url('history', names);
    }
    return {
      label: entry.objectRepr,
      kind: VERBS[entry.actionFlag] ?? 'Logged',
      model: admin === undefined ? entry.modelLabel : capitalise(admin.meta.verboseName),
      url,
    };
  });
}
