/**
 * Finding the object of an admin URL (`<app>/<model>/<pk>/…`) and its history page.
 *
 * As Django's change_view and delete_view, the permission is checked before the object's
 * absence is told: a user without the model's permission gets the same 403 whether the key
 * names a row or not, so the answer says nothing about which rows exist. Only a user who may
 * see the model learns that a key names nothing (a 404), and a row getQueryset hides is, to them,
 * no row. The history page works the same way (Django's tells a missing object first).
 */
import { ValidationError } from '../orm/index.ts';
import { Http404, render, type ViewRequest } from '../web/index.ts';
import { adminRows } from './admin-rows.ts';
import type { ChangeFormContext } from './changeform.ts';
import { HistoryPage } from './form-pages.tsx';
import { LogEntry, summaryOf } from './log.ts';
import type { ModelAdmin } from './options.ts';

/** Whether the user may use the page: with the object when there is one, of the model otherwise. */
export type ObjectPermission = (admin: ModelAdmin, request: ViewRequest<any>, object?: any) => boolean | Promise<boolean>;

export const mayView: ObjectPermission = (admin, request, object) => admin.hasViewPermission(request, object);
export const mayDelete: ObjectPermission = (admin, request, object) => admin.hasDeletePermission(request, object);

/**
 * The object `pk` names among the rows getQueryset shows (with `trash`, also among those it would
 * show were they not in the trash), checked with `may`: undefined when the user may not (answer
 * 403), Http404 when they may but there is no such object.
 */
export async function objectOf(admin: ModelAdmin, request: ViewRequest<any>, pk: string, may: ObjectPermission, options: { trash?: boolean } = {}): Promise<{ object: any } | undefined> {
  let object: unknown = null;
  try {
    object = await admin.getQueryset(request).filter({ pk } as never).first();
    // A history outlives the object's move to the trash; getQueryset's conditions still apply.
    if (object === null && options.trash && admin.meta.softDelete) object = await adminRows(admin, request, 'deleted').filter({ pk } as never).first();
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
  }
  if (!(await may(admin, request, object ?? undefined))) return undefined;
  if (object === null) throw new Http404('No such page in the admin.');
  return { object };
}

/** The change history of an object, live or in the trash; `trashUrl` links an operation's page. */
export async function historyPage(admin: ModelAdmin, request: ViewRequest<any>, object: any, context: ChangeFormContext, trashUrl: (deletionId: string) => string): Promise<Response> {
  const meta = admin.meta;
  const entries = await LogEntry.objects.filter({ modelLabel: meta.label, objectId: String(object[meta.pk.attname]) }).orderBy('actionTime', 'id');
  return render(request, HistoryPage({
    frame: context.frame,
    title: `Change history: ${String(object)}`,
    crumbs: [...context.crumbs, [String(object), context.changeUrl(object[meta.pk.attname])], ['History', undefined]],
    rows: entries.map((e) => ({
      time: e.actionTime, user: e.user, summary: summaryOf(e), changes: e.changeMessage?.changes ?? [],
      ...(e.changeMessage?.deletionId && { deletionUrl: trashUrl(e.changeMessage.deletionId) }),
    })),
    trashed: object.deletionId ? { since: object.deletedAt as Date, url: trashUrl(object.deletionId) } : undefined,
  }));
}
