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

/**
 * The hierarchy for the list `qs` (already filtered and searched). With no date chosen, it starts
 * at the level where the rows' dates differ, as Django's does: all in one year shows its months.
 */
export async function buildDateHierarchy(admin: ModelAdmin, qs: QuerySet<any>, params: URLSearchParams, link: Link): Promise<DateHierarchy | undefined> {
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
  const has = (start: number, end: number) => dated.filter({ [`${name}__gte`]: at(start), [`${name}__lt`]: at(end) } as never).exists();

  if (year === undefined) {
    const first = (await dated.orderBy(name).values(name).first()) as Record<string, unknown> | null;
    const last = (await dated.orderBy(`-${name}`).values(name).first()) as Record<string, unknown> | null;
    if (first === null || last === null) return { back: undefined, choices: [] };
    const [a, b] = [new Date(first[name] as string | Date), new Date(last[name] as string | Date)];
    if (a.getUTCFullYear() === b.getUTCFullYear()) {
      year = a.getUTCFullYear();
      if (a.getUTCMonth() === b.getUTCMonth()) month = a.getUTCMonth() + 1;
    } else {
      const years = range(a.getUTCFullYear(), b.getUTCFullYear());
      const shown = await probe(years, (y) => has(Date.UTC(y, 0, 1), Date.UTC(y + 1, 0, 1)));
      return { back: undefined, choices: shown.map((y) => ({ label: String(y), url: go(y), selected: false })) };
    }
  }
  if (month === undefined) {
    const shown = await probe(range(1, 12), (m) => has(Date.UTC(year!, m - 1, 1), Date.UTC(year!, m, 1)));
    return { back: { label: 'All dates', url: go() }, choices: shown.map((m) => ({ label: `${MONTHS[m - 1]} ${year}`, url: go(year, m), selected: false })) };
  }
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const shown = dayOf !== undefined ? [dayOf] : await probe(range(1, days), (d) => has(Date.UTC(year!, month! - 1, d), Date.UTC(year!, month! - 1, d + 1)));
  return {
    back: dayOf === undefined ? { label: String(year), url: go(year) } : { label: `${MONTHS[month - 1]} ${year}`, url: go(year, month) },
    choices: shown.map((d) => ({ label: `${MONTHS[month! - 1]} ${d}`, url: go(year, month, d), selected: d === dayOf })),
  };
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
}

async function probe(units: number[], has: (unit: number) => Promise<boolean>): Promise<number[]> {
  if (units.length > MAX_PROBES) return units;
  const found: number[] = [];
  for (const unit of units) if (await has(unit)) found.push(unit);
  return found;
}
