/** Reading result rows: values() rows, selectRelated objects, and prefetching through querysets. */
import type { Database } from '../../db/index.ts';
import type { ForeignKeyField } from '../fields/relations.ts';
import { hydrate, relationCache, type InstanceLike } from '../instance.ts';
import type { ModelMeta } from '../meta.ts';
import { readAggregate, type Annotation } from './aggregation.ts';
import { pathKey, type RelationPath, type ValueColumn } from './compiler.ts';
import type { PrefetchIo } from './prefetch.ts';
import { initialState, QuerySet } from './queryset.ts';

/** A values() row: an object, a list, or one value (flat), with a group's aggregates. */
export function valuesRow(columns: readonly ValueColumn[], row: Record<string, unknown>, db: Database, shape: 'object' | 'list' | 'flat', annotations: readonly Annotation[] = []): unknown {
  const read = (column: ValueColumn, i: number) => {
    const value = row[`v${i}`];
    return value === null || value === undefined ? null : column.field.fromDb(value, db.dialect);
  };
  const aggregated = annotations.map((a) => readAggregate(a, row[`n_${a.name}`], db.dialect));
  if (shape === 'flat') return read(columns[0]!, 0);
  if (shape === 'list') return [...columns.map(read), ...aggregated];
  const out: Record<string, unknown> = {};
  columns.forEach((column, i) => (out[column.name] = read(column, i)));
  annotations.forEach((a, i) => (out[a.name] = aggregated[i]));
  return out;
}

/** Puts the selectRelated objects of one row on its instance, level by level. */
export function attachRelated(root: InstanceLike, paths: readonly RelationPath[], aliases: ReadonlyMap<string, string>, row: Record<string, unknown>, db: Database): void {
  const byKey = new Map<string, InstanceLike | null>([['', root]]);
  for (const path of paths) {
    const fk = path[path.length - 1] as ForeignKeyField;
    const parent = byKey.get(pathKey(path.slice(0, -1)));
    const alias = aliases.get(pathKey(path))!;
    const target = fk.target;
    const present = row[`${alias}__${target.pk.column}`] !== null && row[`${alias}__${target.pk.column}`] !== undefined;
    const child = present ? hydrate(target, row, db, `${alias}__`) : null;
    byKey.set(pathKey(path), child);
    if (parent) relationCache(parent).set(fk.name, child);
  }
}

export function prefetchIo(db: Database): PrefetchIo {
  const base = (meta: ModelMeta) => new QuerySet<InstanceLike>(initialState(meta)).using(db);
  return {
    db,
    fetch: (meta, where) => base(meta).where(where).fetch(),
    fetchPairs: async (meta, where, near, far) => {
      const rows = await base(meta).where(where).orderBy().values(near.attname, far.attname).fetch();
      return rows.map((row) => [row[near.attname], row[far.attname]] as [unknown, unknown]);
    },
  };
}
