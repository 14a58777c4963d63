/**
 * The changelist's query, from Django's parameters: `q` (search), `o` (ordering by column
 * number, `2.-1`), `p` (page, from 1), `all` (show all), and lookups such as
 * `status__exact=draft` or `author__id__exact=3`. A lookup the list may not filter by is a
 * DisallowedModelAdminLookup (a 400, see lookups.ts); a bad value for one it may, or a name that
 * is no field, is an IncorrectLookup, which the view answers as Django does (a redirect to `?e=1`).
 */
import { capitalise, FieldError, ForeignKeyField, ValidationError, type Field, type ModelMeta, type QuerySet } from '../orm/index.ts';
import { BooleanField, FloatField } from '../orm/index.ts';
import type { ViewRequest } from '../web/index.ts';
import { checkLookups, fieldAtPath } from './lookups.ts';
import type { ListColumn, ModelAdmin } from './options.ts';
import { applySearch } from './search.ts';

export const SEARCH_VAR = 'q';
export const ORDER_VAR = 'o';
export const PAGE_VAR = 'p';
export const ALL_VAR = 'all';
export const ERROR_VAR = 'e';
/** Parameters that are not lookups. */
const RESERVED = new Set([SEARCH_VAR, ORDER_VAR, PAGE_VAR, ALL_VAR, ERROR_VAR, '_changelist_filters']);

export class IncorrectLookup extends Error {
  override name = 'IncorrectLookup';
}

/** One column of the list: a field (maybe across relations) or a computed value. */
export interface Column {
  label: string;
  /** The `o` index is 1-based over the columns; only field columns sort. */
  orderBy: string | undefined;
  value: (object: any) => unknown;
  /** The field behind it, for formatting (choices, booleans). */
  field: Field | undefined;
}


/** Follows `author__name` through forward foreign keys to the last field. */
function fieldAt(meta: ModelMeta, path: string): { field: Field; relations: string[] } {
  const parts = path.split('__');
  const relations: string[] = [];
  let current = meta;
  for (let i = 0; i < parts.length; i++) {
    const field = current.field(parts[i]!);
    if (field === undefined) throw new FieldError(`${meta.label} admin: listDisplay names '${path}', but ${current.label} has no field '${parts[i]}'.`);
    if (i === parts.length - 1) return { field, relations };
    if (!(field instanceof ForeignKeyField)) throw new FieldError(`${meta.label} admin: '${parts[i]}' in '${path}' is not a foreign key.`);
    relations.push(field.name);
    current = field.target;
  }
  throw new FieldError(`${meta.label} admin: an empty listDisplay name.`);
}

export function columnsOf(admin: ModelAdmin): Column[] {
  const meta = admin.meta;
  const display = admin.options.listDisplay ?? ['__str__'];
  return display.map((entry): Column => {
    if (typeof entry !== 'string') {
      const computed = entry as ListColumn;
      return { label: computed.label, orderBy: undefined, value: computed.value, field: undefined };
    }
    if (entry === '__str__') return { label: capitalise(meta.verboseName), orderBy: undefined, value: (o) => String(o), field: undefined };
    const { field, relations } = fieldAt(meta, entry);
    const label = capitalise(relations.length > 0 ? entry.split('__').join(' ') : field.verboseName);
    if (field instanceof ForeignKeyField) {
      // The related object, joined by selectRelated: never a query per row.
      const path = [...relations, field.name];
      return { label, orderBy: `${path.join('__')}__${field.target.pk.name}`, field, value: (o) => path.reduce((x, name) => (x == null ? x : x[name]), o) };
    }
    return { label, orderBy: entry, field, value: (o) => [...relations, field.attname].reduce((x, name) => (x == null ? x : x[name]), o) };
  });
}

/** The relations to join for the columns (and for the default `__str__`, nothing). */
export function relatedOf(admin: ModelAdmin): string[] {
  const paths = new Set<string>();
  for (const entry of admin.options.listDisplay ?? []) {
    if (typeof entry !== 'string' || entry === '__str__') continue;
    const { field, relations } = fieldAt(admin.meta, entry);
    const path = field instanceof ForeignKeyField ? [...relations, field.name] : relations;
    if (path.length > 0) paths.add(path.join('__'));
  }
  return [...paths];
}

/** A lookup parameter's text as the value the lookup takes. */
function lookupValue(meta: ModelMeta, key: string, text: string): unknown {
  // No stored value holds a NUL, and PostgreSQL refuses one in a statement.
  if (text.includes('\u0000')) throw new IncorrectLookup(`${key} holds a null character.`);
  if (key.endsWith('__isnull')) {
    if (!['true', 'false', '1', '0'].includes(text.toLowerCase())) throw new IncorrectLookup(`${key} takes True or False.`);
    return text.toLowerCase() === 'true' || text === '1';
  }
  const { path, lookup } = splitLookup(key);
  const field = fieldAtPath(meta, path);
  if (field instanceof FloatField && FLOAT_LOOKUPS.has(lookup)) return lookup === 'in' ? text.split(',').map(floatFromText) : floatFromText(text);
  if (lookup === 'in') return text.split(',');
  // `published=1` and `author__isStaff__exact=0` on a boolean field; lookups beyond it take text.
  if (field instanceof BooleanField && lookup === 'exact') {
    if (['true', '1'].includes(text.toLowerCase())) return true;
    if (['false', '0'].includes(text.toLowerCase())) return false;
    throw new IncorrectLookup(`${key} takes True or False.`);
  }
  return text;
}

/** Lookups whose value is a float for a float field (a list of them for `in`). */
const FLOAT_LOOKUPS: ReadonlySet<string> = new Set(['exact', 'gt', 'gte', 'lt', 'lte', 'in']);
const LAST_LOOKUPS: ReadonlySet<string> = new Set([...FLOAT_LOOKUPS, 'isnull', 'range', 'iexact', 'contains', 'icontains', 'startswith', 'istartswith', 'endswith', 'iendswith']);

/** `shelf__floor__gte` as the path `shelf__floor` and the lookup `gte`; a bare path is `exact`. */
function splitLookup(key: string): { path: string; lookup: string } {
  const at = key.lastIndexOf('__');
  const last = at < 0 ? '' : key.slice(at + 2);
  return LAST_LOOKUPS.has(last) ? { path: key.slice(0, at), lookup: last } : { path: key, lookup: 'exact' };
}

/**
 * A float in an address (`ratio__exact=0.5`, as the sidebar writes it), read as Django's float()
 * reads it. Anything else stays text, for the field to refuse (the usual `?e=1`).
 */
function floatFromText(text: string): number | string {
  return /^\s*[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[-+]?\d+)?\s*$/i.test(text) ? Number(text) : text;
}

/** The lookup parameters of the request, as filter() arguments. */
export function lookupParams(params: URLSearchParams): Record<string, string> {
  const lookups: Record<string, string> = {};
  for (const [key, value] of params) if (!RESERVED.has(key)) lookups[key] = value;
  return lookups;
}

/**
 * The list's address carried to a change or delete page (`_changelist_filters`), to go back to
 * after saving: checked as the list checks its own, before the page does anything.
 */
export function checkPreservedFilters(admin: ModelAdmin, filters: string | undefined, request: ViewRequest<any>): void {
  if (filters !== undefined && filters !== '') checkLookups(admin, lookupParams(new URLSearchParams(filters)), request);
}

export interface ChangeList {
  columns: Column[];
  rows: unknown[];
  /** Rows matching the filters and search; undefined with countStrategy 'none'. */
  count: number | undefined;
  /** True when the count is the planner's estimate. */
  estimated: boolean;
  /** Rows before filtering and search, when they differ. */
  total: number | undefined;
  /** True when the total is the planner's estimate. */
  totalEstimated: boolean;
  page: number;
  pages: number | undefined;
  hasNext: boolean;
  showAll: boolean;
  /** Column positions the list is sorted by: `[2, -1]`. */
  ordering: number[];
  /** Every row the filters and search let through, unordered and unpaged. */
  queryset: QuerySet<any>;
}

/**
 * `o=2.-1`: the columns to order by. A column named again is dropped (its first direction
 * holds), as Django's compiler drops repeated terms, so there are never more terms than columns
 * (`o=1.1.1…` thousands of times passed SQLite's 2,000-term limit: a 500).
 */
function parseOrdering(text: string | null, columns: Column[]): number[] {
  if (text === null || text === '') return [];
  const seen = new Set<number>();
  const ordering: number[] = [];
  for (const part of text.split('.')) {
    const n = Number(part);
    if (!Number.isInteger(n) || n === 0 || Math.abs(n) > columns.length || columns[Math.abs(n) - 1]!.orderBy === undefined) throw new IncorrectLookup(`o=${text.slice(0, 100)} names no sortable column.`);
    if (seen.has(Math.abs(n))) continue;
    seen.add(Math.abs(n));
    ordering.push(n);
  }
  return ordering;
}

/**
 * The rows the list shows, before ordering and paging: `base` narrowed by the lookups and the
 * search in `params`. Actions run on these rows too, so a selection never reaches beyond them.
 * Lookups the list may not filter by are refused here, before any is applied.
 */
export function filteredQueryset(admin: ModelAdmin, params: URLSearchParams, base: QuerySet<any>, request: ViewRequest<any>): QuerySet<any> {
  const lookups = lookupParams(params);
  checkLookups(admin, lookups, request);
  let qs = base;
  try {
    for (const [key, text] of Object.entries(lookups)) qs = qs.filter({ [key]: lookupValue(admin.meta, key, text) } as never);
  } catch (error) {
    if (error instanceof FieldError || error instanceof ValidationError) throw new IncorrectLookup(error.message);
    throw error;
  }
  return applySearch(qs, admin, params.get(SEARCH_VAR) ?? '');
}

/**
 * One page of the list: its keys first, from the filtered and ordered rows alone, then those
 * rows with their joins. Skipping to page 5,000 then walks 500,000 keys (an index, often)
 * instead of joining 500,000 rows only to throw them away. One key more than a page tells
 * whether there is a next one, without a count.
 */
async function pageRows(meta: ModelMeta, qs: QuerySet<any>, start: number, perPage: number): Promise<{ rows: unknown[]; hasNext: boolean }> {
  const pk = meta.pk.attname;
  const keys = ((await qs.values(meta.pk.name).slice(start, start + perPage + 1)) as Record<string, unknown>[]).map((row) => row[meta.pk.name]);
  const shown = keys.slice(0, perPage);
  const position = new Map(shown.map((key, i) => [key, i]));
  const rows = ((await qs.filter({ pk__in: shown } as never)) as Record<string, unknown>[]).sort((a, b) => position.get(a[pk])! - position.get(b[pk])!);
  return { rows, hasNext: keys.length > perPage };
}

/**
 * Under countStrategy 'auto', a PostgreSQL table its planner puts above this many rows is
 * counted from the statistics ("about 10,000,000"): an exact COUNT of it is a scan of it.
 */
export const ESTIMATE_ABOVE = 100_000;

export async function buildChangeList(admin: ModelAdmin, input: { request: ViewRequest<any>; params: URLSearchParams; queryset: QuerySet<any>; estimate: () => Promise<number | undefined> }): Promise<ChangeList> {
  const { params } = input;
  const meta = admin.meta;
  const columns = columnsOf(admin);
  const base = input.queryset;
  const lookups = lookupParams(params);
  const matching = filteredQueryset(admin, params, base, input.request);
  let qs = matching;
  const ordering = parseOrdering(params.get(ORDER_VAR), columns);
  // A total order, so pages never repeat or skip a row: the primary key breaks ties.
  const name = (o: string) => o.replace(/^-/, '');
  // Two columns may order by one field: it is ordered by once.
  const order = ordering.map((n) => `${n < 0 ? '-' : ''}${columns[Math.abs(n) - 1]!.orderBy!}`).filter((o, i, all) => all.findIndex((p) => name(p) === name(o)) === i);
  const chosen = new Set(order.map(name));
  const rest = (admin.options.ordering ?? meta.options.ordering ?? []).filter((o) => !chosen.has(name(o)));
  const byKey = [...order, ...rest].some((o) => name(o) === meta.pk.name || name(o) === 'pk');
  qs = qs.orderBy(...order, ...rest, ...(byKey ? [] : [`-${meta.pk.name}`]));
  const related = relatedOf(admin);
  if (related.length > 0) qs = qs.selectRelated(...related);
  const filtered = Object.keys(lookups).length > 0 || (params.get(SEARCH_VAR) ?? '').trim() !== '';
  const pageText = params.get(PAGE_VAR) ?? '1';
  const page = Number(pageText);
  if (!/^[0-9]+$/.test(pageText) || page < 1) throw new IncorrectLookup(`There is no page ${pageText}.`);
  const perPage = admin.listPerPage;
  const start = (page - 1) * perPage;
  const strategy = admin.options.countStrategy ?? 'auto';
  const planned = strategy === 'auto' || strategy === 'estimated' ? await input.estimate() : undefined;
  const estimate = planned !== undefined && (strategy === 'estimated' || planned >= ESTIMATE_ABOVE) ? planned : undefined;

  // The first page of a filtered list that fits on it counts itself: a search that finds 3
  // rows scans the table once, not twice. Not where COUNT scans in parallel (PostgreSQL) while
  // the ordered page walks the key index alone: there the count goes first (measured: 0.5 s
  // against 1 s for a search of a million rows that finds nothing).
  let firstPage: { rows: unknown[]; hasNext: boolean } | undefined;
  const selfCounting = filtered && page === 1 && strategy !== 'none' && !params.has(ALL_VAR) && !qs.db.sqlDialect.countsInParallel;
  if (selfCounting) firstPage = await pageRows(meta, qs, 0, perPage);
  let count: number | undefined;
  if (strategy === 'none') count = undefined;
  else if (!filtered && estimate !== undefined) count = estimate;
  else if (firstPage !== undefined && !firstPage.hasNext) count = firstPage.rows.length;
  else count = await qs.count();
  const estimated = !filtered && estimate !== undefined;
  const total = !filtered || strategy === 'none' ? undefined : estimate ?? (strategy === 'estimated' ? undefined : await base.count());

  const pages = count === undefined ? undefined : Math.max(1, Math.ceil(count / perPage));
  // An estimate may be short of the truth: its last page is not a limit.
  if (pages !== undefined && !estimated && page > pages) throw new IncorrectLookup(`There is no page ${pageText}.`);
  const showAll = params.has(ALL_VAR) && count !== undefined && !estimated && count <= admin.listMaxShowAll;
  let rows: unknown[];
  let hasNext: boolean;
  if (showAll) {
    rows = await qs;
    hasNext = false;
  } else if (firstPage !== undefined) {
    ({ rows, hasNext } = firstPage);
  } else {
    ({ rows, hasNext } = count !== undefined && !estimated && start >= count ? { rows: [], hasNext: false } : await pageRows(meta, qs, start, perPage));
  }
  return { columns, rows, count, estimated, total, totalEstimated: total !== undefined && estimate !== undefined, page, pages, hasNext, showAll, ordering, queryset: matching };
}
