import type { SqlDialect, TextLookup } from '../dialect.ts';
import { columnTypeWith, EQUALS_IGNORING_CASE, likePattern, plainLiteral, stringLiteral, type OwnTypeNames } from './shared.ts';

const GLOB_SPECIAL = /[*?[]/g;
const CASE_SENSITIVE = new Set<TextLookup>(['contains', 'startswith', 'endswith']);

/** SQLite has few types: dates and JSON are text (ISO dates sort in time order), booleans 1 and 0. */
const TYPES: OwnTypeNames = {
  text: 'text', bigint: 'integer', float: 'real', boolean: 'integer', date: 'text', datetime: 'text', json: 'text', uuid: 'char(36)',
};

const quote = (identifier: string) => `"${identifier.replaceAll('"', '""')}"`;

export const sqliteDialect: SqlDialect = {
  name: 'sqlite',
  quote,
  placeholder: () => '?',
  literal: (value) => plainLiteral(value, 'digits', (date) => date.toISOString(), false),

  textMatch(lookup) {
    if (lookup === 'iexact') return EQUALS_IGNORING_CASE;
    // SQLite's LIKE ignores case (as far as its lower() does: ASCII), so case-sensitive matching
    // is GLOB, and the others need no lower() per row (which doubled a big search's time).
    return CASE_SENSITIVE.has(lookup) ? { before: '', between: ' glob ', after: '' } : { before: '', between: ' like ', after: " escape '!'" };
  },
  textPattern(lookup, text) {
    if (!CASE_SENSITIVE.has(lookup)) return likePattern(lookup, text);
    const glob = text.replace(GLOB_SPECIAL, '[$&]');
    return lookup === 'contains' ? `*${glob}*` : lookup === 'startswith' ? `${glob}*` : `*${glob}`;
  },
  textCast: undefined,
  datePart: (part) => [`cast(strftime('${part === 'month' ? '%m' : '%d'}', `, ') as integer)'],
  nullsOrdering: true,
  noLimit: '-1',
  // A writing transaction locks the whole database: there is nothing to add.
  lockClause: () => '',
  materialisesSubqueriesOfWrites: false,
  assignsInOrder: false,
  groupsByKey: false,
  prefersJoinedAggregates: false,
  hintsLiveRows: true,
  // better-sqlite3 binds every JavaScript number as REAL, so `views / 2` would divide as floats
  // (1.5, stored as 1.5 even in an integer column); a BigInt binds as INTEGER.
  typesCaseByBranches: false,
  wholeDivision: '/',
  parenthesisesUnionParts: false,
  arithmeticValue: (value) => (typeof value === 'number' && Number.isSafeInteger(value) ? BigInt(value) : value),
  insertsDefaultValues: true,
  countsInParallel: false,
  // Half a million keys: 0.4 s to count them less the trashed ones, 0.6 s for NOT IN (deletion/plan.ts).
  prefersSubtractedCounts: true,
  estimateRowsSql: () => undefined,
  // A JSON array, read back as rows: integers as integers, strings as text.
  listParameter: { between: ' in (select value from json_each(', after: '))', bind: (values) => JSON.stringify(values) },
  refusesNulInText: false,

  booleanValue: (value) => (value ? 1 : 0),
  dateTimeValue: (value) => value.toISOString(),
  dateTimeFromText: (text) => new Date(text),
  driverParsesJson: false,

  columnType: (column) => columnTypeWith(TYPES, column),
  // `integer primary key` is the rowid itself; AUTOINCREMENT also never hands out an id twice.
  autoIncrementType: 'integer',
  autoIncrementClause: 'autoincrement',
  tableOptions: '',
  deferrableForeignKeys: true,
  foreignKeysInCreateTable: true,
  dropForeignKey: 'drop constraint',
  partialIndexes: true,
  concurrentIndexes: false,
  dropIndexNamesTable: false,
  renameTableSql: (from, to) => `alter table ${quote(from)} rename to ${quote(to)}`,
  rebuildsTableToAlter: true,
  modifiesWholeColumn: false,
  transactionalDdl: true,
  ddlIfExists: '',
  ddlIfNotExists: '',
  tableExistsSql: (table) => `select count(*) as n from sqlite_master where type = 'table' and name = ${stringLiteral(table, false)}`,
  cascadeClause: '',
  truncation: undefined,
  idCounterTable: 'sqlite_sequence',
  resetSequenceSql: () => undefined,

  // SQLite ignores `foreign_keys` inside a transaction; deferring the checks to COMMIT is the
  // switch it has there (it ends with the transaction).
  foreignKeyChecks: (on, inTransaction) => (inTransaction ? (on ? undefined : 'pragma defer_foreign_keys = on') : `pragma foreign_keys = ${on ? 'on' : 'off'}`),
  foreignKeyViolationsSql: 'pragma foreign_key_check',
  locksRows: false,
};
