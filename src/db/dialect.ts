/**
 * What each database spells its own way, in one object per database (`dialects/`): the query
 * compiler, the deletion engine, migrations and fixtures ask it instead of comparing dialect names.
 * Adding a database means adding one such object.
 */
import type { DialectName } from './url.ts';
import type { ColumnSpec } from './schema.ts';
import { sqliteDialect } from './dialects/sqlite.ts';
import { postgresDialect } from './dialects/postgres.ts';
import { mysqlDialect } from './dialects/mysql.ts';

export { likePattern, stringLiteral, plainLiteral, EQUALS_IGNORING_CASE } from './dialects/shared.ts';

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

/** `column <between> ? <after>`, the parameter being `bind(values)`: see SqlDialect.listParameter. */
export interface ListParameter {
  readonly between: string;
  readonly after: string;
  bind(values: ReadonlyArray<string | number>): unknown;
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
  /**
   * What follows a column that is not text in a text lookup (`author__startswith`,
   * `createdAt__contains`) to make it text, where LIKE takes text alone (PostgreSQL's `::text`,
   * as Django casts); undefined where the database converts by itself.
   */
  readonly textCast: string | undefined;
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
  /** Whether INSERT takes DEFAULT VALUES; MySQL has none, and inserts NULL into the auto-increment key instead. */
  readonly insertsDefaultValues: boolean;
  /** Whether COUNT(*) scans in parallel, so counting first costs less than a page read that counts itself (PostgreSQL). */
  readonly countsInParallel: boolean;
  /**
   * Whether some rows less others count faster as two counts, one taken from the other (SQLite,
   * which reads rows to test `NOT IN` or a second condition on a key). The SQL then steers its
   * planner with `unlikely()` and `+column`, which only SQLite reads.
   */
  readonly prefersSubtractedCounts: boolean;
  /** The statement that estimates a table's rows (`n`) from the planner's statistics: instant, roughly right; undefined where there are none to trust. */
  estimateRowsSql(table: string): string | undefined;
  /**
   * How `column IN (…)` takes a long list as one parameter, where the database caps the values a
   * statement may bind (SQLite 32,766, PostgreSQL 65,535: 12,000 keys ticked in the admin appear
   * several times in a delete's statements); undefined where the driver writes the values into
   * the SQL itself (MySQL), which has no such cap.
   */
  readonly listParameter: ListParameter | undefined;
  /**
   * Whether text can hold no NUL character, and a statement binding one fails (PostgreSQL): a
   * comparison with such a value is then false, as no stored row can hold it.
   */
  readonly refusesNulInText: boolean;

  // ---- values: what the driver binds and hands back --------------------------------------------
  /** A boolean as the driver binds it (PostgreSQL has a boolean type; the others store 1 and 0). */
  booleanValue(value: boolean): unknown;
  /** A date and time as the driver binds it, in UTC. */
  dateTimeValue(value: Date): unknown;
  /** A date and time the driver handed back as text. */
  dateTimeFromText(text: string): Date;
  /** Whether the driver hands JSON back parsed (pg parses jsonb); the others hand back the text. */
  readonly driverParsesJson: boolean;

  // ---- schema ----------------------------------------------------------------------------------
  /** A column's type as CREATE TABLE spells it. */
  columnType(column: ColumnSpec): string;
  /** The type an auto-increment key must have, where it is not its own (SQLite: `integer`, which makes it the rowid). */
  readonly autoIncrementType: string | undefined;
  /** What makes a key column count up by itself. */
  readonly autoIncrementClause: string;
  /** What CREATE TABLE ends with (MySQL: a binary collation, so that comparisons are case-sensitive as elsewhere). */
  readonly tableOptions: string;
  /**
   * Whether foreign keys can be checked at commit (`deferrable initially deferred`), as Django
   * makes them, so that one transaction may write rows that refer to each other in any order.
   * MySQL checks each row as it is written.
   */
  readonly deferrableForeignKeys: boolean;
  /** Whether foreign keys are stated in CREATE TABLE, as SQLite cannot add constraints to a table later. */
  readonly foreignKeysInCreateTable: boolean;
  /** The words of ALTER TABLE that drop a foreign key. */
  readonly dropForeignKey: string;
  /** Whether an index can cover some rows only (`where … is null`); MySQL cannot, and indexes generated twin columns instead. */
  readonly partialIndexes: boolean;
  /** Whether indexes can be built and dropped without blocking writes (PostgreSQL's CONCURRENTLY, outside a transaction). */
  readonly concurrentIndexes: boolean;
  /** Whether DROP INDEX names the table (MySQL: index names are the table's own). */
  readonly dropIndexNamesTable: boolean;
  /** The statement that renames a table. */
  renameTableSql(from: string, to: string): string;
  /** Whether a table is altered by building it anew and copying the rows (SQLite alters little in place). */
  readonly rebuildsTableToAlter: boolean;
  /** Whether changing a column's type or nullability restates the whole column (MySQL's MODIFY COLUMN) instead of altering each. */
  readonly modifiesWholeColumn: boolean;
  /** Whether DDL is part of a transaction and undone with it (MySQL commits at each DDL statement). */
  readonly transactionalDdl: boolean;
  /**
   * `if exists` / `if not exists` where DDL commits statement by statement (MariaDB): an
   * operation that stopped part way is run again from its start, and what it already did is
   * skipped rather than refused. Empty where DDL is transactional and undone whole.
   */
  readonly ddlIfExists: string;
  readonly ddlIfNotExists: string;
  /** `select count(*) as n`: 1 where the table exists (in the connection's schema), else 0. */
  tableExistsSql(table: string): string;
  /** What DROP TABLE and TRUNCATE add to take along the constraints that point at a table (PostgreSQL, which cannot turn its checks off). */
  readonly cascadeClause: string;
  /**
   * How TRUNCATE behaves: 'transactional' (PostgreSQL: undone with the transaction; it also
   * resets identities), 'commits' (MySQL: it commits the open transaction, so it serves only
   * outside one), undefined where there is none (SQLite).
   */
  readonly truncation: 'transactional' | 'commits' | undefined;
  /** The table that holds the last id of every auto-increment table, where one does (SQLite's, made with the first such table). */
  readonly idCounterTable: string | undefined;
  /**
   * The statement that moves a table's id sequence past the keys it holds, where the database
   * does not follow keys given explicitly itself (PostgreSQL's identity columns).
   */
  resetSequenceSql(table: string, column: string): string | undefined;

  // ---- connections -----------------------------------------------------------------------------
  /**
   * The statement that turns this connection's foreign-key checks off (`on`: back on), or
   * undefined where there is none to send: PostgreSQL has no switch for ordinary users, and
   * SQLite's deferral inside a transaction ends with it.
   */
  foreignKeyChecks(on: boolean, inTransaction: boolean): string | undefined;
  /** A statement that lists the rows whose foreign key points at nothing (`table`, `rowid`, `parent`), where the checks can be skipped unnoticed (SQLite). */
  readonly foreignKeyViolationsSql: string | undefined;
  /** Whether SELECT … FOR UPDATE locks rows; SQLite has a single writer, whose transaction locks the whole database. */
  readonly locksRows: boolean;
}

const DIALECTS: Readonly<Record<DialectName, SqlDialect>> = {
  sqlite: sqliteDialect,
  postgres: postgresDialect,
  mysql: mysqlDialect,
};

export function dialectOf(name: DialectName): SqlDialect {
  return DIALECTS[name];
}
