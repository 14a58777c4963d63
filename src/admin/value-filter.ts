/**
 * The sidebar filter of a plain field (Django's AllValuesFieldListFilter): "All", then one link
 * per distinct value the column holds. Django lists every value, which on a column of a million
 * different values is a page of a million links and a query that returns them all; here the
 * list stops at `DISTINCT_VALUES` (in order, so it is the same list each time) and says so. The
 * query still reads the column's distinct values up to that bound: an index on it keeps that cheap.
 */
import {
  CharField, DecimalField, EmailField, FloatField, IntegerField, JsonField, SlugField, TextField, URLField, UuidField, type Field, type QuerySet,
} from '../orm/index.ts';

/** At most this many values are listed; a value chosen beyond them is still shown, as chosen. */
export const DISTINCT_VALUES = 100;

/** A value this long is cut in its link's text (the link itself filters by the whole value). */
const LABEL_LENGTH = 80;

/** Whether `field` holds values a sidebar can list one by one: text, numbers, decimals, UUIDs. */
export function isPlainValueField(field: Field): boolean {
  return [CharField, TextField, EmailField, SlugField, URLField, IntegerField, FloatField, DecimalField, UuidField].some((kind) => field instanceof kind);
}

/** What a field the sidebar cannot filter by is, for the check that says so. */
export function kindOf(field: Field): string {
  if (field instanceof JsonField) return 'a JSON field';
  return `a ${field.constructor.name.replace(/Field$/, '').replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase() || 'custom'} field`;
}

/** The text of a value's link: `(empty)` for the empty string, a long value cut short. */
export function valueLabel(value: unknown): string {
  const text = String(value);
  if (text === '') return '(empty)';
  return text.length > LABEL_LENGTH ? `${text.slice(0, LABEL_LENGTH - 1)}…` : text;
}

/**
 * The distinct non-null values of `name` in `queryset`, in order, at most `limit` of them, and
 * whether there are more: one `SELECT DISTINCT … ORDER BY … LIMIT limit + 1`.
 */
export async function distinctValues(queryset: QuerySet<any>, name: string, limit = DISTINCT_VALUES): Promise<{ values: unknown[]; more: boolean }> {
  const values = queryset.filter({ [`${name}__isnull`]: false } as never).valuesList(name, { flat: true }).distinct().orderBy(name);
  const rows = (await values.slice(0, limit + 1)) as unknown[];
  return { values: rows.slice(0, limit), more: rows.length > limit };
}
