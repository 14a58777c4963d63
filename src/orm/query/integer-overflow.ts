/**
 * Django's IntegerFieldOverflow: a value past what the column holds on this database (an
 * `integer` is 32 bits on PostgreSQL and MariaDB) cannot be bound against that column, as
 * PostgreSQL refuses it ("value out of range for type integer"). No stored value lies beyond the
 * range, so the comparison's answer is known without asking: it matches nothing (`exact`, `gt`
 * past the top), or every value (`lt` past the top); `in` drops such values; `range` is clamped.
 * Decided while the statement is written, before any SQL runs, as Django decides in as_sql().
 */
import type { DialectName } from '../../db/index.ts';
import type { Field } from '../fields/field.ts';
import { integerRange, type IntegerRange } from '../fields/integer-ranges.ts';
import type { WhereNode } from './where.ts';

type Compare = Extract<WhereNode, { kind: 'compare' }>;

/** The range of the field's column on this database, when it is an integer column. */
function rangeOf(field: Field, dialect: DialectName): IntegerRange | undefined {
  const column = field.columnType;
  return column === 'integer' || column === 'bigint' ? integerRange(column, dialect) : undefined;
}

function isInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value);
}

/**
 * Every row whose value is known. Django drops the condition (FullResultSet), which keeps NULLs
 * too; Trove keeps SQL's answer for them (`NULL < x` is not true), so that `n__lt` past the top
 * matches the same rows as `n__lt` at the top, and exclude() stays filter()'s exact negation.
 */
function everyValue(node: Compare): WhereNode {
  return node.field.nullable ? { kind: 'isnull', column: node.column, isNull: false } : { kind: 'and', children: [] };
}

const NOTHING: WhereNode = { kind: 'nothing' };

/**
 * `node` as this database can run it: the node itself when every value fits the column, or what
 * the values past the range make of it.
 */
export function withinIntegerRange(node: Compare, dialect: DialectName): WhereNode {
  const range = rangeOf(node.field, dialect);
  if (range === undefined) return node;
  const [min, max] = range;
  const below = (v: unknown) => isInteger(v) && v < min;
  const above = (v: unknown) => isInteger(v) && v > max;
  const { lookup, value } = node;
  switch (lookup) {
    case 'exact':
      return below(value) || above(value) ? NOTHING : node;
    case 'gt':
    case 'gte':
      return above(value) ? NOTHING : below(value) ? everyValue(node) : node;
    case 'lt':
    case 'lte':
      return below(value) ? NOTHING : above(value) ? everyValue(node) : node;
    case 'in': {
      const items = value as unknown[];
      const kept = items.filter((v) => !below(v) && !above(v));
      if (kept.length === items.length) return node;
      return kept.length === 0 ? NOTHING : { ...node, value: kept };
    }
    case 'range':
      return clampRange(node, min, max);
    default:
      return node;
  }
}

/** `between low and high` within the column's range: no value beyond it is stored. */
function clampRange(node: Compare, min: number, max: number): WhereNode {
  const [low, high] = node.value as [unknown, unknown];
  if (!isInteger(low) || !isInteger(high)) return node;
  if (low > max || high < min) return NOTHING;
  if (low >= min && high <= max) return node;
  return { ...node, value: [Math.max(low, min), Math.min(high, max)] };
}
