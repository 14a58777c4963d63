/**
 * How tables change between two states, worked out from their table specs: one model is one
 * table, matched by label. Names alone cannot tell a rename from a drop and an add, nor what old
 * rows hold in a new NOT NULL column: the operations say so in hints.
 */
import type { CheckSpec, ColumnSpec, ForeignKeySpec, IndexSpec, TableSpec } from '../../db/index.ts';
import { sameData } from '../state.ts';

export interface TableHints {
  /** Tables whose model was renamed: the label after, by the label before. */
  readonly renamedTables: ReadonlyMap<string, string>;
  /** Renamed columns per table (label after): the column after, by the column before. */
  readonly renamedColumns: ReadonlyMap<string, ReadonlyMap<string, string>>;
  /** What rows that exist get in a column that becomes NOT NULL, per table (label after) and column. */
  readonly fills: ReadonlyMap<string, ReadonlyMap<string, unknown>>;
  /** Columns made anew that share a name with one before (dropped and added again): they keep nothing. */
  readonly newColumns?: ReadonlyMap<string, ReadonlySet<string>>;
  /** Tables made anew under a label one had before (renamed away or dropped): they keep nothing. */
  readonly newTables?: ReadonlySet<string>;
}

export const NO_HINTS: TableHints = { renamedTables: new Map(), renamedColumns: new Map(), fills: new Map() };

/** A column of the table after, and where its values come from. */
export interface ColumnPlan {
  readonly column: ColumnSpec;
  /** The column it was before: its values are kept (converted when the type changed). */
  readonly source?: ColumnSpec;
  /** For rows that exist: a value for a new column, or for the NULLs of a column becoming NOT NULL. */
  readonly fill?: unknown;
}

export type TableChange =
  | { readonly kind: 'create'; readonly label: string; readonly table: TableSpec }
  | { readonly kind: 'drop'; readonly label: string; readonly table: TableSpec }
  | AlterTable;

export interface AlterTable {
  readonly kind: 'alter';
  /** The model's label after, and before (they differ when it was renamed). */
  readonly label: string;
  readonly fromLabel: string;
  readonly before: TableSpec;
  readonly after: TableSpec;
  /** Every column of the table after, in order. */
  readonly columns: readonly ColumnPlan[];
  readonly droppedColumns: readonly ColumnSpec[];
  readonly renamedColumns: ReadonlyArray<readonly [from: string, to: string]>;
  /** Columns whose type or nullability changed (by their name after). */
  readonly alteredColumns: ReadonlyArray<{ readonly before: ColumnSpec; readonly after: ColumnSpec; readonly fill?: unknown }>;
  readonly addedColumns: readonly ColumnPlan[];
  readonly droppedForeignKeys: readonly ForeignKeySpec[];
  readonly addedForeignKeys: readonly ForeignKeySpec[];
  readonly droppedIndexes: readonly IndexSpec[];
  readonly addedIndexes: readonly IndexSpec[];
  readonly droppedChecks: readonly CheckSpec[];
  readonly addedChecks: readonly CheckSpec[];
}

/** The changes that turn the tables `before` into `after` (both keyed by model label). */
export function diffTables(
  before: ReadonlyMap<string, TableSpec>,
  after: ReadonlyMap<string, TableSpec>,
  hints: TableHints = NO_HINTS,
): TableChange[] {
  const changes: TableChange[] = [];
  const matched = new Set<string>();
  for (const [label, table] of after) {
    const fresh = hints.newTables ?? new Set<string>();
    const fromLabel = hints.renamedTables.get(label) ?? label;
    const old = fresh.has(label) ? undefined : before.get(fromLabel);
    if (old === undefined || (fromLabel !== label && after.has(fromLabel) && !fresh.has(fromLabel))) {
      changes.push({ kind: 'create', label, table });
      continue;
    }
    matched.add(fromLabel);
    const change = diffTable(label, fromLabel, old, table, hints.renamedColumns.get(label) ?? new Map(), hints.fills.get(label) ?? new Map(), hints.newColumns?.get(label));
    if (change !== undefined) changes.push(change);
  }
  for (const [label, table] of before) if (!matched.has(label)) changes.push({ kind: 'drop', label, table });
  return changes;
}

function diffTable(label: string, fromLabel: string, before: TableSpec, after: TableSpec, renamed: ReadonlyMap<string, string>, fills: ReadonlyMap<string, unknown>, fresh: ReadonlySet<string> = new Set()): AlterTable | undefined {
  const oldColumns = new Map(before.columns.map((c) => [c.name, c]));
  const renamedFrom = new Map([...renamed].map(([from, to]) => [to, from]));
  const used = new Set<string>();
  const columns: ColumnPlan[] = [];
  const renamedColumns: Array<[string, string]> = [];
  const alteredColumns: Array<{ before: ColumnSpec; after: ColumnSpec; fill?: unknown }> = [];
  const addedColumns: ColumnPlan[] = [];
  for (const column of after.columns) {
    const sourceName = renamedFrom.get(column.name) ?? (renamed.has(column.name) || fresh.has(column.name) ? undefined : column.name);
    const source = sourceName === undefined ? undefined : oldColumns.get(sourceName);
    const fill = fills.get(column.name);
    if (source === undefined) {
      const plan = { column, ...(fill !== undefined ? { fill } : {}) };
      columns.push(plan);
      addedColumns.push(plan);
      continue;
    }
    used.add(source.name);
    columns.push({ column, source, ...(fill !== undefined && source.nullable && !column.nullable ? { fill } : {}) });
    if (source.name !== column.name) renamedColumns.push([source.name, column.name]);
    if (!sameColumnDefinition(source, column)) {
      alteredColumns.push({ before: source, after: column, ...(fill !== undefined ? { fill } : {}) });
    }
  }
  const droppedColumns = before.columns.filter((c) => !used.has(c.name));
  const [droppedForeignKeys, addedForeignKeys] = differ(before.foreignKeys, after.foreignKeys, (fk) => fk.name);
  const [droppedIndexes, addedIndexes] = differ(before.indexes, after.indexes, (index) => index.name);
  const [droppedChecks, addedChecks] = differ(before.checks ?? [], after.checks ?? [], (check) => check.name);
  const change: AlterTable = {
    kind: 'alter', label, fromLabel, before, after, columns, droppedColumns, renamedColumns, alteredColumns, addedColumns,
    droppedForeignKeys, addedForeignKeys, droppedIndexes, addedIndexes, droppedChecks, addedChecks,
  };
  const same = before.name === after.name && droppedColumns.length === 0 && renamedColumns.length === 0 && alteredColumns.length === 0 &&
    addedColumns.length === 0 && droppedForeignKeys.length === 0 && addedForeignKeys.length === 0 && droppedIndexes.length === 0 && addedIndexes.length === 0 &&
    droppedChecks.length === 0 && addedChecks.length === 0;
  // A table that only moves to another label (a renamed model that keeps its table) is still
  // reported: SQLite's gathering follows each table by label from one operation to the next.
  return same && label === fromLabel ? undefined : change;
}

/** A column's definition apart from its name. */
export function sameColumnDefinition(a: ColumnSpec, b: ColumnSpec): boolean {
  return sameData({ ...a, name: '' }, { ...b, name: '' });
}

/** What is only in `before` and only in `after`; an item whose definition changed is in both. */
function differ<T extends object>(before: readonly T[], after: readonly T[], key: (item: T) => string): [T[], T[]] {
  const old = new Map(before.map((item) => [key(item), item]));
  const next = new Map(after.map((item) => [key(item), item]));
  const dropped = before.filter((item) => !sameData(next.get(key(item)), item));
  const added = after.filter((item) => !sameData(old.get(key(item)), item));
  return [dropped, added];
}
