import type { SqlDialect, TextLookup } from '../dialect.ts';
import { EQUALS_IGNORING_CASE, likePattern, plainLiteral } from '../dialect.ts';

const GLOB_SPECIAL = /[*?[]/g;
const CASE_SENSITIVE = new Set<TextLookup>(['contains', 'startswith', 'endswith']);

export const sqliteDialect: SqlDialect = {
  name: 'sqlite',
  quote: (identifier) => `"${identifier.replaceAll('"', '""')}"`,
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
};
