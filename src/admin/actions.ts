/**
 * Changelist actions, as Django's: tick rows (`_selected_action`) or "Select all" across pages
 * (`select_across=1`), choose an `action`, press Go (`index`). An action is a function of the
 * model admin, the request and the queryset of the chosen rows; what it returns (a confirmation
 * page, say) is the response, and otherwise the user goes back to the list.
 */
import type { QuerySet } from '../orm/index.ts';
import type { ViewRequest } from '../web/index.ts';
import type { ModelAdmin } from './options.ts';

/** `restore` and `purge` exist on soft-delete models only. */
export type AdminPermission = 'view' | 'add' | 'change' | 'delete' | 'restore' | 'purge';

export interface AdminAction<T = any> {
  /** The value of the `action` field: `'publish'`. */
  name: string;
  /** The label in the action menu: "Publish selected posts"; `%(verbose_name_plural)s` names the model, as in Django. */
  description: string;
  /** What the user must be allowed on the model to see and run it (default: nothing beyond view). */
  permissions?: readonly AdminPermission[];
  /** Whether the action is offered on this model at all (default: on every model). */
  appliesTo?(admin: ModelAdmin): boolean;
  run(admin: ModelAdmin<T>, request: ViewRequest<any>, queryset: QuerySet<T>): Promise<Response | void> | Response | void;
}

export const ACTION_VAR = 'action';
export const SELECTED_VAR = '_selected_action';
export const SELECT_ACROSS_VAR = 'select_across';
export const INDEX_VAR = 'index';

const CHECKS: Record<AdminPermission, (admin: ModelAdmin, request: ViewRequest<any>) => Promise<boolean>> = {
  view: (admin, request) => admin.hasViewPermission(request),
  add: (admin, request) => admin.hasAddPermission(request),
  change: (admin, request) => admin.hasChangePermission(request),
  delete: (admin, request) => admin.hasDeletePermission(request),
  restore: (admin, request) => admin.hasRestorePermission(request),
  purge: (admin, request) => admin.hasPurgePermission(request),
};

/** The actions this user may run on this model: the site's, then the model's, the latter winning on a name. */
export async function availableActions(siteActions: readonly AdminAction[], admin: ModelAdmin, request: ViewRequest<any>): Promise<AdminAction[]> {
  const byName = new Map<string, AdminAction>();
  for (const action of [...siteActions, ...(admin.options.actions ?? [])]) byName.set(action.name, action);
  const allowed: AdminAction[] = [];
  for (const action of byName.values()) {
    let ok = action.appliesTo?.(admin) ?? true;
    for (const permission of action.permissions ?? []) ok &&= await CHECKS[permission](admin, request);
    if (ok) allowed.push(action);
  }
  return allowed;
}

/** What the action form asked for. */
export interface ActionChoice {
  /** The name in the chosen menu, whether or not this user may run it. */
  name: string;
  action: AdminAction | undefined;
  selected: string[];
  selectAcross: boolean;
}

/**
 * Reads the action form. With several action bars on a page (Django puts one above and one
 * below the list), `index` says which one's `action` menu the pressed Go belongs to.
 */
export function readActionForm(form: FormData, actions: readonly AdminAction[]): ActionChoice {
  const menus = form.getAll(ACTION_VAR).map(String);
  const index = Number(form.get(INDEX_VAR) ?? 0);
  const name = menus[Number.isInteger(index) && index >= 0 && index < menus.length ? index : 0] ?? '';
  return {
    name,
    action: actions.find((a) => a.name === name),
    selected: [...form.getAll(SELECTED_VAR).map(String), ...selectionField(form)],
    selectAcross: form.getAll(SELECT_ACROSS_VAR).map(String).includes('1'),
  };
}

/** The keys a confirmation page carries in one field (`_selection`, a JSON list), not one field per row. */
function selectionField(form: FormData): string[] {
  const text = form.get('_selection');
  if (typeof text !== 'string' || text === '') return [];
  try {
    const keys: unknown = JSON.parse(text);
    return Array.isArray(keys) ? keys.map(String) : [];
  } catch {
    return [];
  }
}
