/**
 * What the dialects share: LIKE patterns, literals, and the column types all three spell alike.
 * The dialect objects import from here (and only types from ../dialect.ts), so that no module
 * needs another half-loaded.
 */
import type { Around, TextLookup } from '../dialect.ts';
import type { ColumnSpec, ColumnType } from '../schema.ts';

const LIKE_SPECIAL = /[!%_]/g;

/** `text` as a LIKE pattern for `lookup`, escaped with `!` (written as `escape '!'`). */
export function likePattern(lookup: TextLookup, text: string): string {
  const escaped = text.replace(LIKE_SPECIAL, '!$&');
  switch (lookup) {
    case 'iexact':
      return text;
    case 'contains':
    case 'icontains':
      return `%${escaped}%`;
    case 'startswith':
    case 'istartswith':
      return `${escaped}%`;
    case 'endswith':
    case 'iendswith':
      return `%${escaped}`;
  }
}

/** A string literal, quotes doubled (and backslashes, where `backslashEscapes`). */
export function stringLiteral(text: string, backslashEscapes: boolean): string {
  const escaped = backslashEscapes ? text.replaceAll('\\', '\\\\').replaceAll("'", "''") : text.replaceAll("'", "''");
  return `'${escaped}'`;
}

/** The literal of a value that is not text: numbers, booleans as `1`/`0` (or `true`/`false`), NULL. */
export function plainLiteral(value: unknown, booleans: 'words' | 'digits', dateText: (date: Date) => string, backslashEscapes: boolean): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`cannot write ${value} into SQL`);
    return String(value);
  }
  if (typeof value === 'bigint') return String(value);
  if (typeof value === 'boolean') return booleans === 'words' ? String(value) : value ? '1' : '0';
  if (value instanceof Date) return stringLiteral(dateText(value), backslashEscapes);
  return stringLiteral(typeof value === 'string' ? value : JSON.stringify(value), backslashEscapes);
}

export const EQUALS_IGNORING_CASE: Around = { before: 'lower(', between: ') = lower(', after: ')' };

/** LIKE as SQL has it, lower() on both sides where case is ignored (PostgreSQL, MySQL with a binary collation). */
export function standardTextMatch(lookup: TextLookup): Around {
  if (lookup === 'iexact') return EQUALS_IGNORING_CASE;
  if (lookup === 'contains' || lookup === 'startswith' || lookup === 'endswith') return { before: '', between: ' like ', after: " escape '!'" };
  return { before: 'lower(', between: ') like lower(', after: ") escape '!'" };
}

/** The column types each database names its own way; the others are spelled alike everywhere. */
export type OwnTypeNames = Readonly<Record<Exclude<ColumnType, 'varchar' | 'integer' | 'decimal'>, string>>;

export function columnTypeWith(names: OwnTypeNames, column: ColumnSpec): string {
  switch (column.type) {
    case 'varchar':
      return `varchar(${column.maxLength ?? 255})`;
    case 'integer':
      return 'integer';
    case 'decimal':
      return `decimal(${column.maxDigits ?? 10}, ${column.decimalPlaces ?? 2})`;
    default:
      return names[column.type];
  }
}

/** `select count(*) as n`: 1 when the information schema lists the table (`tableLiteral`) in `schema`, else 0. */
export function informationSchemaTableCount(schema: string, tableLiteral: string): string {
  return `select count(*) as n from information_schema.tables where table_schema = ${schema} and table_name = ${tableLiteral}`;
}
