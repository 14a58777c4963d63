/**
 * `qs1.union(qs2, …)`: the rows of several querysets of one model as one result (Django's
 * union), duplicates dropped unless `{ all: true }`. It can then be ordered, sliced and counted.
 */
import type { CompiledQuery } from 'kysely';
import type { Database } from '../../db/index.ts';
import { FieldError } from '../errors.ts';
import { statementOf, type FieldOrderTerm, type SelectSpec } from './compiler.ts';
import { writeList, type WriteContext } from './conditions.ts';
import { writeSelect } from './select.ts';
import { prepareStatement } from './statement.ts';

export interface UnionSpec extends Pick<SelectSpec, 'mode' | 'values' | 'limit' | 'offset' | 'meta'> {
  readonly parts: readonly SelectSpec[];
  readonly order: readonly FieldOrderTerm[];
  readonly all: boolean;
}

export function prepareUnion(db: Database, union: UnionSpec): CompiledQuery {
  return prepareStatement(db, (ctx) => writeUnion(union, ctx)).query;
}

function writeUnion(union: UnionSpec, ctx: WriteContext): void {
  const { w, dialect } = ctx;
  const column = (term: FieldOrderTerm) => {
    if (union.values === undefined) return term.field.column!;
    const index = union.values.findIndex((v) => v.field === term.field && v.path.length === 0);
    if (index < 0) throw new FieldError(`A union is ordered by the columns it returns; '${term.field.name}' is not one of them.`);
    return `v${index}`;
  };
  const columns = union.order.map(column);
  w.text(union.mode === 'count' ? 'select count(*) as ' : 'select * from (');
  if (union.mode === 'count') {
    w.name('count');
    w.text(' from (');
  }
  const parenthesise = dialect.parenthesisesUnionParts;
  writeList(ctx, union.parts, union.all ? ' union all ' : ' union ', (part) => {
    if (parenthesise) w.text('(');
    writeSelect(statementOf(part), ctx);
    if (parenthesise) w.text(')');
  });
  w.text(') as ');
  w.name('unioned');
  if (union.mode === 'count') return;
  if (union.order.length > 0) {
    w.text(' order by ');
    writeList(ctx, union.order, ', ', (term, i) => {
      w.name(columns[i]!);
      w.text(term.descending ? ' desc' : ' asc');
    });
  }
  if (union.limit !== undefined) w.text(` limit ${union.limit}`);
  else if (union.offset !== undefined && dialect.noLimit !== undefined) w.text(` limit ${dialect.noLimit}`);
  if (union.offset !== undefined) w.text(` offset ${union.offset}`);
}
