/**
 * What each database spells its own way, in one object per database (`dialects/`): the query
 * compiler, the deletion engine, migrations and fixtures ask it instead of comparing dialect names.
 * Adding a database means adding one such object.
 */
import type { DialectName } from './url.ts';
import { sqliteDialect } from './dialects/sqlite.ts';
import { postgresDialect } from './dialects/postgres.ts';
import { mysqlDialect } from './dialects/mysql.ts';

/** Text lookups whose SQL differs per database. */
export type TextLookup = 'iexact' | 'contains' | 'icontains' | 'startswith' | 'istartswith' | 'endswith' | 'iendswith';

/** Parts of a date that a filter can compare (`createdAt__month`). */
export type DatePartName = 'month' | 'day';

/** SQL written around a column and a parameter: `before` column `between` parameter `after`. */
export interface Around {
  readonly before: string;
  readonly between: string;
  readonly after: string;
}

export interface RowLockOptions {
  readonly skipLocked?: boolean;
  readonly nowait?: boolean;
}

export interface SqlDialect {
  readonly name: DialectName;
  /** An identifier, quoted (and its quote characters doubled). */
  quote(identifier: string): string;
  /** The placeholder of the parameter at `index` (from 0). */
  placeholder(index: number): string;
  /** A value written into the SQL itself, as `sqlmigrate` shows it. */
  literal(value: unknown): string;

  // ---- queries -----------------------------------------------------------------------------
  /** How a text lookup compares a column with its parameter. */
  textMatch(lookup: TextLookup): Around;
  /** The parameter a text lookup binds for `text` (a LIKE or GLOB pattern, escaped). */
  textPattern(lookup: TextLookup, text: string): string;
  /** `part(column)` as a number, in UTC as dates are stored: SQL before and after the column. */
  datePart(part: DatePartName, dateTime: boolean): readonly [before: string, after: string];
  /** Whether ORDER BY takes NULLS FIRST / NULLS LAST (MySQL orders by `x IS NULL` first instead). */
  readonly nullsOrdering: boolean;
  /** What LIMIT says for "no limit" where OFFSET needs a LIMIT before it; undefined where it does not. */
  readonly noLimit: string | undefined;
  /** The locking clause of SELECT … FOR UPDATE ('' where the database locks otherwise); `onlyTable`: lock that alias's rows alone. */
  lockClause(lock: RowLockOptions, onlyTable: string | undefined): string;
  /** Whether an UPDATE or DELETE may read its own table in a subquery only once that is materialised (MySQL). */
  readonly materialisesSubqueriesOfWrites: boolean;
  /** Whether UPDATE's assignments see the ones before them (MySQL) instead of the row as it was. */
  readonly assignsInOrder: boolean;
  /** Whether GROUP BY the key stands for the other columns of the row (PostgreSQL). */
  readonly groupsByKey: boolean;
  /** Whether a row's aggregates are faster from one LEFT JOIN than from a subquery each (PostgreSQL). */
  readonly prefersJoinedAggregates: boolean;
  /**
   * SQLite: `likely(deleted_at IS NULL)` tells its planner most rows are live, and a count of live
   * rows is faster as all rows less the trashed ones (see compiler.ts).
   */
  readonly hintsLiveRows: boolean;
  /** Whether a CASE takes its type from its branches, so that a bound value must be cast to its column's (PostgreSQL). */
  readonly typesCaseByBranches: boolean;
  /** The operator that divides two whole numbers into a whole number (truncated). */
  readonly wholeDivision: string;
  /** Whether the parts of a UNION may stand in parentheses (SQLite refuses them). */
  readonly parenthesisesUnionParts: boolean;
  /** A number in arithmetic as the database should see it (SQLite takes a whole number bound as a float as REAL). */
  arithmeticValue(value: unknown): unknown;
}

const DIALECTS: Readonly<Record<DialectName, SqlDialect>> = {
  sqlite: sqliteDialect,
  postgres: postgresDialect,
  mysql: mysqlDialect,
};

export function dialectOf(name: DialectName): SqlDialect {
  return DIALECTS[name];
}

// ---- shared by the dialects ------------------------------------------------------------------

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
