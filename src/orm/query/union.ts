/**
 * `qs1.union(qs2, …)`: the rows of several querysets of one model as one result (Django's
 * union), duplicates dropped unless `{ all: true }`. It can then be ordered, sliced and counted.
 */
import { CompiledQuery } from 'kysely';
import type { Database } from '../../db/index.ts';
import { FieldError } from '../errors.ts';
import type { FieldOrderTerm, PreparedSelect, SelectSpec } from './compiler.ts';

/**
 * Joins the parts' statements. Each part was compiled on its own (PostgreSQL numbers its
 * placeholders from $1 in each), so later parts' placeholders are renumbered.
 */
export function prepareUnion(db: Database, parts: readonly PreparedSelect[], outer: Pick<SelectSpec, 'mode' | 'values' | 'limit' | 'offset'> & { order: readonly FieldOrderTerm[]; all: boolean; meta: SelectSpec['meta'] }): CompiledQuery {
  const params: unknown[] = [];
  const sqls = parts.map(({ query }) => {
    const shift = params.length;
    params.push(...query.parameters);
    return db.dialect === 'postgres' && shift > 0 ? query.sql.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + shift}`) : query.sql;
  });
  const quote = (name: string) => (db.dialect === 'mysql' ? `\`${name}\`` : `"${name}"`);
  const combined = sqls.map((s) => `(${s})`).join(outer.all ? ' union all ' : ' union ');
  // SQLite takes no parentheses around the parts of a compound select.
  const body = db.dialect === 'sqlite' ? sqls.join(outer.all ? ' union all ' : ' union ') : combined;
  if (outer.mode === 'count') return CompiledQuery.raw(`select count(*) as ${quote('count')} from (${body}) as unioned`, params);
  const column = (term: FieldOrderTerm) => {
    if (outer.values === undefined) return term.field.column!;
    const index = outer.values.findIndex((v) => v.field === term.field && v.path.length === 0);
    if (index < 0) throw new FieldError(`A union is ordered by the columns it returns; '${term.field.name}' is not one of them.`);
    return `v${index}`;
  };
  const order = outer.order.length === 0 ? '' : ` order by ${outer.order.map((t) => `${quote(column(t))} ${t.descending ? 'desc' : 'asc'}`).join(', ')}`;
  const limit = outer.limit !== undefined ? ` limit ${outer.limit}` : outer.offset !== undefined ? (db.dialect === 'sqlite' ? ' limit -1' : db.dialect === 'mysql' ? ' limit 18446744073709551615' : '') : '';
  const offset = outer.offset !== undefined ? ` offset ${outer.offset}` : '';
  return CompiledQuery.raw(`select * from (${body}) as unioned${order}${limit}${offset}`, params);
}
