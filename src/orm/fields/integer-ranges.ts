/**
 * The values an integer column holds on each database, as Django's `integer_field_ranges`: an
 * `integer` is 32 bits on PostgreSQL and MariaDB, while SQLite keeps 64 bits in any integer
 * column. A JavaScript number holds integers exactly up to 2^53 - 1 only, so that bounds the rest:
 * past it a value is no longer the one the user typed.
 */
import type { DialectName } from '../../db/index.ts';

export type IntegerColumn = 'integer' | 'bigint';
export type IntegerRange = readonly [min: number, max: number];

const INT32: IntegerRange = [-(2 ** 31), 2 ** 31 - 1];
/** What a number holds exactly (Django's 64-bit ranges, as far as JavaScript can follow them). */
export const EXACT_RANGE: IntegerRange = [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER];

const RANGES: Readonly<Record<DialectName, Readonly<Record<IntegerColumn, IntegerRange>>>> = {
  sqlite: { integer: EXACT_RANGE, bigint: EXACT_RANGE },
  postgres: { integer: INT32, bigint: EXACT_RANGE },
  mysql: { integer: INT32, bigint: EXACT_RANGE },
};

export function integerRange(column: IntegerColumn, dialect: DialectName): IntegerRange {
  return RANGES[dialect][column];
}
