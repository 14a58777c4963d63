/**
 * Where each table and column of the current state came from at the start of a batch of
 * operations, so that SQLite can alter a table once for a whole migration: the changes of every
 * operation are followed here, then the tables at the start are compared with those at the end.
 */
import type { TableSpec } from '../../db/index.ts';
import type { TableChange, TableHints } from './diff.ts';

interface ColumnOrigin {
  /** The column at the start of the batch; undefined for a column added since. */
  readonly from?: string;
  readonly fill?: unknown;
}

interface TableOrigin {
  /** The label at the start of the batch; undefined for a table created since. */
  readonly from?: string;
  readonly columns: ReadonlyMap<string, ColumnOrigin>;
}

export class TableLineage {
  private tables: Map<string, TableOrigin>;

  constructor(readonly start: ReadonlyMap<string, TableSpec>) {
    this.tables = new Map([...start].map(([label, table]) => [label, { from: label, columns: new Map(table.columns.map((c) => [c.name, { from: c.name }])) }]));
  }

  get isEmpty(): boolean {
    return this.changed === false;
  }

  private changed = false;

  /** Follows one operation's changes. */
  advance(changes: readonly TableChange[]): void {
    if (changes.length === 0) return;
    this.changed = true;
    const next = new Map(this.tables);
    for (const change of changes) {
      if (change.kind === 'drop') next.delete(change.label);
    }
    for (const change of changes) {
      if (change.kind === 'create') {
        next.set(change.label, { columns: new Map(change.table.columns.map((c) => [c.name, {}])) });
      } else if (change.kind === 'alter') {
        const old = this.tables.get(change.fromLabel);
        if (change.fromLabel !== change.label) next.delete(change.fromLabel);
        const columns = new Map<string, ColumnOrigin>();
        for (const plan of change.columns) {
          const origin = plan.source === undefined ? undefined : old?.columns.get(plan.source.name);
          const fill = plan.fill ?? origin?.fill;
          columns.set(plan.column.name, { ...(origin?.from !== undefined ? { from: origin.from } : {}), ...(fill !== undefined ? { fill } : {}) });
        }
        next.set(change.label, { ...(old?.from !== undefined ? { from: old.from } : {}), columns });
      }
    }
    this.tables = next;
  }

  /** The hints that take the tables at the start to those now, in one step. */
  hints(): TableHints {
    const renamedTables = new Map<string, string>();
    const renamedColumns = new Map<string, Map<string, string>>();
    const fills = new Map<string, Map<string, unknown>>();
    const newColumns = new Map<string, Set<string>>();
    const newTables = new Set<string>();
    for (const [label, origin] of this.tables) {
      if (origin.from === undefined) {
        if (this.start.has(label)) newTables.add(label);
        continue;
      }
      const startColumns = new Set(this.start.get(origin.from)?.columns.map((c) => c.name));
      if (origin.from !== label) renamedTables.set(label, origin.from);
      const renamed = new Map<string, string>();
      const filled = new Map<string, unknown>();
      for (const [column, from] of origin.columns) {
        if (from.from !== undefined && from.from !== column) renamed.set(from.from, column);
        if (from.fill !== undefined) filled.set(column, from.fill);
        if (from.from === undefined && startColumns.has(column)) newColumns.set(label, (newColumns.get(label) ?? new Set()).add(column));
      }
      if (renamed.size > 0) renamedColumns.set(label, renamed);
      if (filled.size > 0) fills.set(label, filled);
    }
    return { renamedTables, renamedColumns, fills, newColumns, newTables };
  }
}
