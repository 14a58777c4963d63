import type { SqlDialect } from '../dialect.ts';
import { EQUALS_IGNORING_CASE, likePattern, plainLiteral } from '../dialect.ts';

export const mysqlDialect: SqlDialect = {
  name: 'mysql',
  quote: (identifier) => '`' + identifier.replaceAll('`', '``') + '`',
  placeholder: () => '?',
  // MySQL reads backslashes in strings as escapes; the others do not.
  literal: (value) => plainLiteral(value, 'digits', (date) => date.toISOString().slice(0, 23).replace('T', ' '), true),

  textMatch: (lookup) => {
    if (lookup === 'iexact') return EQUALS_IGNORING_CASE;
    if (lookup === 'contains' || lookup === 'startswith' || lookup === 'endswith') return { before: '', between: ' like ', after: " escape '!'" };
    return { before: 'lower(', between: ') like lower(', after: ") escape '!'" };
  },
  textPattern: likePattern,
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
};
