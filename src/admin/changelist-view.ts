/**
 * The changelist view: GET shows the list (search, filters, date hierarchy, sorting, pages);
 * POST runs an action on the ticked rows, or on every row the list's filters and search let
 * through ("Select all"), never beyond them.
 */
import { CompiledQuery } from 'kysely';
import type { Database } from '../db/index.ts';
import { capitalise, ValidationError, type ModelMeta } from '../orm/index.ts';
import { messages, redirect, render, type ViewRequest } from '../web/index.ts';
import { availableActions, readActionForm, type AdminAction } from './actions.ts';
import { buildChangeList, ERROR_VAR, filteredQueryset, IncorrectLookup, lookupParams, SEARCH_VAR, type ChangeList } from './changelist.ts';
import { searchProblem } from './search.ts';
import { buildDateHierarchy } from './dates.ts';
import { buildFilters } from './filters.ts';
import { checkVisibleLookups, visibleAlong, type ModelVisibility } from './lookups.ts';
import type { ModelAdmin } from './options.ts';
import { ChangeListPage } from './changelist-page.tsx';
import { ForbiddenPage, type AdminFrame } from './pages.tsx';

export interface ChangeListContext {
  frame: AdminFrame;
  appCrumb: [string, string];
  addUrl: string;
  trashUrl: string;
  changeUrl: (pk: unknown) => string;
  siteActions: readonly AdminAction[];
  /** Whether the user may view a model: filters and lookups never read one they may not. */
  mayView: ModelVisibility;
}

export async function changelistView(admin: ModelAdmin, request: ViewRequest<any>, context: ChangeListContext): Promise<Response> {
  if (!(await admin.hasViewPermission(request))) return render(request, ForbiddenPage({ frame: context.frame }), 403);
  const actions = await availableActions(context.siteActions, admin, request);
  if (request.method === 'POST') return runAction(admin, request, actions, context);
  if (request.method !== 'GET' && request.method !== 'HEAD') return new Response(null, { status: 405, headers: { allow: 'GET, POST' } });
  const params = request.url.searchParams;
  const base = request.url.pathname;
  const link = (changes: Record<string, string | undefined>) => {
    const next = new URLSearchParams(params);
    next.delete(ERROR_VAR);
    for (const [key, value] of Object.entries(changes)) {
      if (value === undefined) next.delete(key);
      else next.set(key, value);
    }
    const query = next.toString();
    return query === '' ? base : `${base}?${query}`;
  };
  await checkVisibleLookups(admin, lookupParams(params), context.mayView);
  let list: ChangeList;
  try {
    list = await buildChangeList(admin, { request, params, queryset: admin.getQueryset(request), estimate: () => estimateRows(admin.meta, admin.getQueryset(request).db) });
  } catch (error) {
    // As Django: bad parameters in the address lead to the plain list with `?e=1`.
    if (error instanceof IncorrectLookup) return params.has(ERROR_VAR) ? new Response('Bad changelist parameters.', { status: 400 }) : redirect(`${base}?${ERROR_VAR}=1`);
    throw error;
  }
  const meta = admin.meta;
  const links = admin.options.listDisplayLinks;
  const display = admin.options.listDisplay ?? ['__str__'];
  const searchEnabled = (admin.options.searchFields ?? []).length > 0;
  const linkColumns = new Set(links === undefined ? [0] : display.flatMap((entry, i) => (typeof entry === 'string' && links.includes(entry) ? [i] : [])));
  return render(request, ChangeListPage({
    frame: context.frame,
    title: capitalise(meta.verboseNamePlural),
    appCrumb: context.appCrumb,
    list,
    link,
    changeUrl: (object) => {
      const url = context.changeUrl(object[meta.pk.attname]);
      // The list's filters go to the change page and come back after saving.
      return request.url.search === '' ? url : `${url}?${new URLSearchParams({ _changelist_filters: request.url.search.slice(1) })}`;
    },
    keyOf: (object: any) => String(object[meta.pk.attname]),
    addUrl: (await admin.hasAddPermission(request)) ? context.addUrl : undefined,
    trashUrl: meta.softDelete ? context.trashUrl : undefined,
    search: { enabled: searchEnabled, value: params.get(SEARCH_VAR) ?? '', hidden: Object.entries(lookupParams(params)), problem: searchEnabled ? searchProblem(admin, params.get(SEARCH_VAR) ?? '') : undefined },
    filters: await buildFilters(admin, params, link, admin.getQueryset(request), context.mayView),
    // An empty list has no dates: none() asks nothing, where each probe would scan for nothing.
    hierarchy: (await visibleAlong(meta, admin.options.dateHierarchy ?? '', context.mayView))
      ? await buildDateHierarchy(admin, list.count === 0 ? list.queryset.none() : list.queryset, params, link, list.estimated ? undefined : list.count)
      : undefined,
    actions: actions.map((a) => ({ name: a.name, description: a.description.replaceAll('%(verbose_name_plural)s', meta.verboseNamePlural) })),
    linkColumns,
    invalid: params.has(ERROR_VAR),
    maxShowAll: admin.listMaxShowAll,
  }));
}

/**
 * Django's response_action: no rows ticked, or no action chosen, is a message and the list
 * again; otherwise the action runs on the chosen rows of the list as its address filters it.
 */
async function runAction(admin: ModelAdmin, request: ViewRequest<any>, actions: AdminAction[], context: ChangeListContext): Promise<Response> {
  const back = request.url.pathname + request.url.search;
  const form = await request.form();
  const { name, action, selected, selectAcross } = readActionForm(form, actions);
  // An action that exists but is not this user's to run is refused, not ignored.
  if (action === undefined && name !== '' && [...context.siteActions, ...(admin.options.actions ?? [])].some((a) => a.name === name)) {
    return render(request, ForbiddenPage({ frame: context.frame }), 403);
  }
  if (!selectAcross && selected.length === 0) {
    messages.warning(request, 'Items must be selected in order to perform actions on them. No items have been changed.');
    return redirect(back);
  }
  if (action === undefined) {
    messages.warning(request, 'No action selected.');
    return redirect(back);
  }
  await checkVisibleLookups(admin, lookupParams(request.url.searchParams), context.mayView);
  let queryset;
  try {
    queryset = filteredQueryset(admin, request.url.searchParams, admin.getQueryset(request), request);
    if (!selectAcross) queryset = queryset.filter({ pk__in: selected } as never);
  } catch (error) {
    // A filter that no longer parses, or a key of the wrong type: act on nothing rather than guess.
    if (error instanceof IncorrectLookup || error instanceof ValidationError) return new Response('Bad action selection.', { status: 400 });
    throw error;
  }
  const response = await action.run(admin, request, queryset);
  return response ?? redirect(back);
}

/** The planner's statistics for a table's rows, where they are worth asking (PostgreSQL): instant on any size, roughly right. */
async function estimateRows(meta: ModelMeta, db: Database): Promise<number | undefined> {
  const estimate = db.sqlDialect.estimateRowsSql(meta.table);
  if (estimate === undefined) return undefined;
  const { rows } = await db.execute<{ n: unknown }>(CompiledQuery.raw(estimate));
  const n = Number(rows[0]?.n ?? -1);
  return n >= 0 ? n : undefined;
}
