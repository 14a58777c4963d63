/**
 * Date transforms in filters: `createdAt__year: 2026`, `createdAt__month__gte: 3`,
 * `publishedOn__day: 5`, `createdAt__date: '2026-11-30'`. Times are in UTC, as they are stored.
 *
 * `year` and `date` become ranges on the column itself, so an index on it still serves them
 * (`createdAt__year: 2026` is `created_at >= '2026-01-01' AND created_at < '2027-01-01'`);
 * `month` and `day` repeat every year and need the part taken out of each row.
 */
import { FieldError, ValidationError } from '../errors.ts';
import type { Field } from '../fields/field.ts';
import { DateField, DateTimeField } from '../fields/scalar.ts';
import type { Lookup } from '../types.ts';
import type { WhereNode } from './where.ts';

/** The parts compared as numbers; `year` and `date` are ranges. */
export type DatePart = 'month' | 'day';
export type DateTransform = 'year' | DatePart | 'date';
export const DATE_TRANSFORMS: ReadonlySet<string> = new Set<DateTransform>(['year', 'month', 'day', 'date']);
/** Lookups after a transform: `createdAt__year__gte`. */
type PartLookup = Extract<WhereNode, { kind: 'datePart' }>['lookup'];
export const DATE_LOOKUPS: ReadonlySet<string> = new Set<Lookup>(['exact', 'gt', 'gte', 'lt', 'lte', 'in', 'range', 'isnull']);

export function isDateField(field: Field): field is DateField | DateTimeField {
  return field instanceof DateField || field instanceof DateTimeField;
}

const LIMITS: Record<'year' | DatePart, [number, number]> = { year: [1, 9999], month: [1, 12], day: [1, 31] };

/** A whole number in the part's range; numeric strings too, as query strings give them. */
function cleanPart(part: 'year' | DatePart, value: unknown, key: string): number {
  const n = typeof value === 'string' && /^\s*-?\d+\s*$/.test(value) ? Number(value) : value;
  const [low, high] = LIMITS[part];
  if (typeof n !== 'number' || !Number.isInteger(n) || n < low || n > high) {
    throw new ValidationError(`The lookup '${key}' takes a whole number from ${low} to ${high}, not ${JSON.stringify(value)}.`, key);
  }
  return n;
}

/** A calendar day, from a 'YYYY-MM-DD' string or a Date (its UTC day). */
function cleanDay(value: unknown, key: string): number {
  const text = value instanceof Date && !Number.isNaN(value.getTime()) ? value.toISOString().slice(0, 10) : value;
  if (typeof text !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(text) || Number.isNaN(Date.parse(text))) {
    throw new ValidationError(`The lookup '${key}' takes a 'YYYY-MM-DD' day or a Date, not ${JSON.stringify(value)}.`, key);
  }
  return Date.parse(text);
}

const DAY_MS = 86_400_000;

/** The column value where a unit starts, in the field's own type. */
function boundary(field: DateField | DateTimeField, ms: number): string | Date {
  return field instanceof DateTimeField ? new Date(ms) : new Date(ms).toISOString().slice(0, 10);
}

/** The condition for `key` (`createdAt__year__gte`), checked before any SQL exists. */
export function resolveDateTransform(field: DateField | DateTimeField, transform: DateTransform, lookup: Lookup, value: unknown, key: string): WhereNode {
  const column = field.column!;
  if (!DATE_LOOKUPS.has(lookup)) throw new FieldError(`Unsupported lookup '${lookup}' after '${transform}' in '${key}'; use one of: ${[...DATE_LOOKUPS].join(', ')}.`);
  if (transform === 'date' && !(field instanceof DateTimeField)) throw new FieldError(`'${key}': the 'date' transform is for date-time fields.`);
  if (lookup === 'isnull') {
    if (typeof value !== 'boolean') throw new ValidationError(`The lookup '${key}' takes true or false, not ${String(value)}.`, key);
    return { kind: 'isnull', column, isNull: value };
  }
  if (value === null) throw new ValidationError(`The lookup '${key}' cannot compare with null; use '__isnull'.`, key);
  const values = lookup === 'in' || lookup === 'range' ? listOf(lookup, value, key) : [value];

  if (transform === 'month' || transform === 'day') {
    const parts = values.map((v) => cleanPart(transform, v, key));
    if (lookup === 'in' && parts.length === 0) return { kind: 'nothing' };
    return { kind: 'datePart', field, column, part: transform, lookup: lookup as PartLookup, value: lookup === 'in' || lookup === 'range' ? parts : parts[0]! };
  }

  // A year or a day is [its start, the next one's start), in milliseconds.
  const unit = (v: unknown): [number, number] => {
    if (transform === 'date') {
      const start = cleanDay(v, key);
      return [start, start + DAY_MS];
    }
    const year = cleanPart('year', v, key);
    return [Date.UTC(year, 0, 1), Date.UTC(year + 1, 0, 1)];
  };
  const compare = (op: 'gte' | 'lt', ms: number): WhereNode => ({ kind: 'compare', field, column, lookup: op, value: boundary(field, ms) });
  const within = ([start, end]: [number, number]): WhereNode => ({ kind: 'and', children: [compare('gte', start), compare('lt', end)] });
  switch (lookup) {
    case 'exact':
      return within(unit(values[0]));
    case 'gt':
      return compare('gte', unit(values[0])[1]);
    case 'gte':
      return compare('gte', unit(values[0])[0]);
    case 'lt':
      return compare('lt', unit(values[0])[0]);
    case 'lte':
      return compare('lt', unit(values[0])[1]);
    case 'range':
      return within([unit(values[0])[0], unit(values[1])[1]]);
    case 'in':
      return values.length === 0 ? { kind: 'nothing' } : { kind: 'or', children: values.map((v) => within(unit(v))) };
    default:
      throw new FieldError(`Unsupported lookup '${lookup}' in '${key}'.`);
  }
}

function listOf(lookup: 'in' | 'range', value: unknown, key: string): unknown[] {
  if (lookup === 'in' && (Array.isArray(value) || value instanceof Set)) return [...value];
  if (lookup === 'range' && Array.isArray(value) && value.length === 2) return value;
  throw new ValidationError(lookup === 'in' ? `The lookup '${key}' takes an array.` : `The lookup '${key}' takes [low, high].`, key);
}
