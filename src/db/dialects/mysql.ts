import type { SqlDialect } from '../dialect.ts';
import { columnTypeWith, informationSchemaTableCount, likePattern, plainLiteral, standardTextMatch, type OwnTypeNames } from './shared.ts';

const TYPES: OwnTypeNames = {
  text: 'longtext', bigint: 'bigint', float: 'double', boolean: 'tinyint(1)', date: 'date', datetime: 'datetime(6)', json: 'json', uuid: 'char(36)',
};

const quote = (identifier: string) => '`' + identifier.replaceAll('`', '``') + '`';
// MySQL's DATETIME takes neither the 'T' nor the 'Z' (the connection's time zone is UTC).
const dateTimeText = (date: Date) => date.toISOString().slice(0, 23).replace('T', ' ');
// MySQL reads backslashes in strings as escapes; the others do not.
const literal = (value: unknown) => plainLiteral(value, 'digits', dateTimeText, true);

export const mysqlDialect: SqlDialect = {
  name: 'mysql',
  quote,
  placeholder: () => '?',
  literal,

  textMatch: standardTextMatch,
  textPattern: likePattern,
  textCast: undefined,
  datePart: (part) => [`${part === 'day' ? 'dayofmonth' : part}(`, ')'],
  nullsOrdering: false,
  noLimit: '18446744073709551615',
  lockClause: (lock) => `for update${lock.skipLocked ? ' skip locked' : ''}${lock.nowait ? ' nowait' : ''}`,
  materialisesSubqueriesOfWrites: true,
  assignsInOrder: true,
  groupsByKey: false,
  prefersJoinedAggregates: false,
  hintsLiveRows: false,
  typesCaseByBranches: false,
  wholeDivision: 'div',
  parenthesisesUnionParts: true,
  arithmeticValue: (value) => value,
  insertsDefaultValues: false,
  countsInParallel: false,
  prefersSubtractedCounts: false,
  estimateRowsSql: () => undefined,
  // mysql2's query() writes the values into the SQL: no cap on their number.
  listParameter: undefined,
  refusesNulInText: false,

  booleanValue: (value) => (value ? 1 : 0),
  dateTimeValue: dateTimeText,
  dateTimeFromText: (text) => new Date(text.replace(' ', 'T') + 'Z'),
  driverParsesJson: false,

  columnType: (column) => columnTypeWith(TYPES, column),
  autoIncrementType: undefined,
  autoIncrementClause: 'auto_increment',
  tableOptions: ' default charset=utf8mb4 collate=utf8mb4_bin',
  deferrableForeignKeys: false,
  foreignKeysInCreateTable: false,
  dropForeignKey: 'drop foreign key',
  partialIndexes: false,
  concurrentIndexes: false,
  dropIndexNamesTable: true,
  renameTableSql: (from, to) => `rename table if exists ${quote(from)} to ${quote(to)}`,
  rebuildsTableToAlter: false,
  modifiesWholeColumn: true,
  transactionalDdl: false,
  ddlIfExists: ' if exists',
  ddlIfNotExists: ' if not exists',
  tableExistsSql: (table) => informationSchemaTableCount('database()', literal(table)),
  cascadeClause: '',
  truncation: 'commits',
  idCounterTable: undefined,
  resetSequenceSql: () => undefined,

  // Per connection, inside a transaction too.
  foreignKeyChecks: (on) => `set foreign_key_checks = ${on ? 1 : 0}`,
  foreignKeyViolationsSql: undefined,
  locksRows: true,
};
