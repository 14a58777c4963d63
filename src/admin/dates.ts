/**
 * Dates in the changelist: the sidebar's date filter ("Today", "Past 7 days", "This month",
 * "This year", as Django's DateFieldListFilter) and the date hierarchy above the list (years,
 * then months, then days, each link a `createdAt__year=2026&createdAt__month=11` lookup).
 * Days are UTC days, as dates are stored.
 */
import { DateTimeField, FieldError, type DateField, type QuerySet } from '../orm/index.ts';
import type { FilterSpec, Link } from './filters.ts';
import { fieldAtPath } from './lookups.ts';
import type { ModelAdmin } from './options.ts';

const DAY_MS = 86_400_000;
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** The sidebar filter of a date or date-time field: ranges `field__gte` / `field__lt` of whole days. */
export function dateFilter(field: DateField | DateTimeField, params: URLSearchParams, link: Link, now = new Date(), name = field.name): FilterSpec {
  const since = `${name}__gte`;
  const until = `${name}__lt`;
  const isNull = `${name}__isnull`;
  const keys = [since, until, isNull];
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const year = now.getUTCFullYear();
  const month = now.getUTCMonth();
  const ranges: [string, number, number][] = [
    ['Today', today, today + DAY_MS],
    ['Past 7 days', today - 7 * DAY_MS, today + DAY_MS],
    ['This month', Date.UTC(year, month, 1), Date.UTC(year, month + 1, 1)],
    ['This year', Date.UTC(year, 0, 1), Date.UTC(year + 1, 0, 1)],
  ];
  const choice = (label: string, values: Record<string, string>) => {
    const changes: Record<string, string | undefined> = { p: undefined };
    for (const key of keys) changes[key] = values[key];
    const selected = keys.every((key) => (params.get(key) ?? undefined) === values[key]);
    return { label, url: link(changes), selected };
  };
  return {
    title: name.includes('__') ? name.split('__').join(' ') : field.verboseName,
    choices: [
      choice('Any date', {}),
      ...ranges.map(([label, start, end]) => choice(label, { [since]: day(start), [until]: day(end) })),
      ...(field.nullable ? [choice('No date', { [isNull]: 'True' }), choice('Has date', { [isNull]: 'False' })] : []),
    ],
  };
}

export interface DateHierarchy {
  /** "‹ All dates", "‹ 2026", "‹ November 2026": one level up, when there is one. */
  back: { label: string; url: string } | undefined;
  choices: { label: string; url: string; selected: boolean }[];
}

/** Candidate units are probed one `exists()` each; beyond this many, a level lists them unprobed. */
const MAX_PROBES = 60;

/** A list of up to this many rows reads their dates once, instead of asking the database per unit. */
const FEW_ROWS = 1000;

/** Where the hierarchy learns about the rows' dates: in bounds `[start, end)` of milliseconds. */
interface DateSource {
  /** The first and last date in the bounds (all rows without them), or undefined when none is. */
  span(start?: number, end?: number): Promise<[Date, Date] | undefined>;
  has(start: number, end: number): Promise<boolean>;
}

/** The database, asked per question: two ordered reads for a span, an exists() per probe. */
function databaseSource(dated: QuerySet<any>, name: string, at: (ms: number) => unknown): DateSource {
  const within = (start?: number, end?: number) => (start === undefined ? dated : dated.filter({ [`${name}__gte`]: at(start), [`${name}__lt`]: at(end!) } as never));
  const edge = async (rows: QuerySet<any>, order: string) => ((await rows.orderBy(order).values(name).first()) as Record<string, unknown> | null)?.[name];
  return {
    async span(start, end) {
      const rows = within(start, end);
      const [first, last] = [await edge(rows, name), await edge(rows, `-${name}`)];
      return first === undefined || last === undefined ? undefined : [new Date(first as string | Date), new Date(last as string | Date)];
    },
    has: (start, end) => within(start, end).exists(),
  };
}

/** The rows' dates read once: for a short list (a selective search), one statement in all. */
async function memorySource(dated: QuerySet<any>, name: string): Promise<DateSource> {
  const times = ((await dated.values(name)) as Record<string, unknown>[]).map((row) => new Date(row[name] as string | Date).getTime()).sort((a, b) => a - b);
  const within = (start = -Infinity, end = Infinity) => times.filter((t) => t >= start && t < end);
  return {
    async span(start, end) {
      const found = within(start, end);
      return found.length === 0 ? undefined : [new Date(found[0]!), new Date(found.at(-1)!)];
    },
    has: async (start, end) => within(start, end).length > 0,
  };
}

/**
 * The hierarchy for the list `qs` (already filtered and searched; `count` rows, when known). With
 * no date chosen, it starts at the level where the rows' dates differ, as Django's does: all in
 * one year shows its months. Each level asks only about units between the first and the last
 * date of its period: a probe of a unit without rows reads every row the search lets through.
 */
export async function buildDateHierarchy(admin: ModelAdmin, qs: QuerySet<any>, params: URLSearchParams, link: Link, count?: number): Promise<DateHierarchy | undefined> {
  const name = admin.options.dateHierarchy;
  if (name === undefined) return undefined;
  // Across foreign keys too (`shelf__openedOn`), as ordering and values() follow them.
  const field = fieldAtPath(admin.meta, name, true);
  if (field === undefined || !(field instanceof DateTimeField || field.kind === 'date')) {
    throw new FieldError(`${admin.meta.label} admin: dateHierarchy names '${name}', which is not a date or date-time field (across foreign keys only).`);
  }
  const keys = { year: `${name}__year`, month: `${name}__month`, day: `${name}__day` };
  const number = (key: string) => (params.has(key) && /^\d{1,4}$/.test(params.get(key)!) ? Number(params.get(key)) : undefined);
  let year = number(keys.year);
  let month = year === undefined ? undefined : number(keys.month);
  const dayOf = month === undefined ? undefined : number(keys.day);
  const go = (y?: number, m?: number, d?: number) =>
    link({ p: undefined, [keys.year]: y === undefined ? undefined : String(y), [keys.month]: m === undefined ? undefined : String(m), [keys.day]: d === undefined ? undefined : String(d) });
  const dated = qs.filter({ [`${name}__isnull`]: false } as never);
  const at = (ms: number) => (field instanceof DateTimeField ? new Date(ms) : day(ms));
  const source = count !== undefined && count <= FEW_ROWS ? await memorySource(dated, name) : databaseSource(dated, name, at);

  if (year === undefined) {
    const span = await source.span();
    if (span === undefined) return { back: undefined, choices: [] };
    const [a, b] = span;
    if (a.getUTCFullYear() === b.getUTCFullYear()) {
      year = a.getUTCFullYear();
      if (a.getUTCMonth() === b.getUTCMonth()) month = a.getUTCMonth() + 1;
    } else {
      const shown = await probe(a.getUTCFullYear(), b.getUTCFullYear(), (y) => source.has(Date.UTC(y, 0, 1), Date.UTC(y + 1, 0, 1)));
      return { back: undefined, choices: shown.map((y) => ({ label: String(y), url: go(y), selected: false })) };
    }
  }
  if (month === undefined) {
    const span = await source.span(Date.UTC(year, 0, 1), Date.UTC(year + 1, 0, 1));
    const shown = span === undefined ? [] : await probe(span[0].getUTCMonth() + 1, span[1].getUTCMonth() + 1, (m) => source.has(Date.UTC(year!, m - 1, 1), Date.UTC(year!, m, 1)));
    return { back: { label: 'All dates', url: go() }, choices: shown.map((m) => ({ label: `${MONTHS[m - 1]} ${year}`, url: go(year, m), selected: false })) };
  }
  let shown: number[];
  if (dayOf !== undefined) shown = [dayOf];
  else {
    const span = await source.span(Date.UTC(year, month - 1, 1), Date.UTC(year, month, 1));
    shown = span === undefined ? [] : await probe(span[0].getUTCDate(), span[1].getUTCDate(), (d) => source.has(Date.UTC(year!, month! - 1, d), Date.UTC(year!, month! - 1, d + 1)));
  }
  return {
    back: dayOf === undefined ? { label: String(year), url: go(year) } : { label: `${MONTHS[month - 1]} ${year}`, url: go(year, month) },
    choices: shown.map((d) => ({ label: `${MONTHS[month! - 1]} ${d}`, url: go(year, month, d), selected: d === dayOf })),
  };
}

/** The units from `first` to `last` that have rows: both ends have, those between are asked (up to MAX_PROBES, else listed as they are). */
async function probe(first: number, last: number, has: (unit: number) => Promise<boolean>): Promise<number[]> {
  const between = Array.from({ length: Math.max(0, last - first - 1) }, (_, i) => first + 1 + i);
  if (between.length > MAX_PROBES) return first === last ? [first] : [first, ...between, last];
  const found: number[] = [];
  for (const unit of between) if (await has(unit)) found.push(unit);
  return first === last ? [first] : [first, ...found, last];
}
