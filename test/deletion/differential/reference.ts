/**
 * A plain reference for deletion: Django's documented rules applied row by row in memory, plus
 * Trove's trash. Slow and obvious on purpose; the engine is compared with it.
 *
 * Hard delete (Django's Collector): starting from the rows the filter matches, follow every
 * foreign key that points at a taken row. CASCADE takes the referring row; PROTECT blocks if any
 * row refers (even one the delete takes); RESTRICT blocks unless the referring row is taken
 * too; SET_NULL / SET_DEFAULT (default null here) clear the key of rows that stay; DO_NOTHING
 * leaves it. Soft delete: only live rows are taken, CASCADE is followed into models with a
 * trash only, live rows block, and no key changes. Filters see live rows only, and follow
 * Django's join promotion: a missing related row is a row of NULLs.
 */
import type { Condition, Filter, Leaf, ModelSpec, Operation, RowSpec } from './scenario.ts';

export interface RefRow extends RowSpec {
  /** The index of the operation that put the row in the trash. */
  trashedBy: number | null;
}

export type RefError = 'protected' | 'restricted' | 'orphan' | 'not-active';

export interface Outcome {
  error?: RefError;
  byModel?: Record<string, number>;
  updates?: Record<string, number>;
  /** Whether the operation left a trash record (a soft delete that took something). */
  recorded?: boolean;
}

function compare(value: number, leaf: Exclude<Leaf, { kind: 'isnull' }>): boolean {
  switch (leaf.lookup) {
    case 'exact':
      return value === leaf.value;
    case 'lte':
      return value <= (leaf.value as number);
    case 'gt':
      return value > (leaf.value as number);
    case 'in':
      return (leaf.value as number[]).includes(value);
  }
}

export class Reference {
  readonly tables: Map<number, RefRow>[];
  /** Soft-delete operations by index, and whether each was restored. */
  readonly operations = new Map<number, 'active' | 'restored'>();

  constructor(
    readonly models: ModelSpec[],
    rows: RowSpec[][],
    readonly labelOf: (model: number) => string,
  ) {
    this.tables = rows.map((list) => new Map(list.map((row) => [row.id, { ...row, fks: [...row.fks], trashedBy: null }])));
  }

  private live(model: number, row: RefRow): boolean {
    return !this.models[model]!.soft || row.trashedBy === null;
  }

  private liveRow(model: number, id: number | null): RefRow | null {
    if (id === null) return null;
    const row = this.tables[model]!.get(id);
    return row !== undefined && this.live(model, row) ? row : null;
  }

  /** Rows of `model` that `queryset.objects.filter(...).exclude(...)` returns. */
  select(model: number, filter: Filter): RefRow[] {
    return [...this.tables[model]!.values()].filter(
      (row) => this.live(model, row) && filter.include.every((c) => this.holds(model, row, c, 0)) && (filter.exclude === undefined || !this.holds(model, row, filter.exclude, 0)),
    );
  }

  /** Whether `condition`, from hop `depth` on, holds for `row` (null: a missing related row). */
  private holds(model: number, row: RefRow | null, condition: Condition, depth: number): boolean {
    const { hops, leaf, onRelation } = condition;
    if (depth === hops.length) {
      // A missing related row: NULLs, where only `isnull: true` holds.
      if (row === null) return leaf.kind === 'isnull' && leaf.value;
      if (leaf.kind === 'isnull') return !leaf.value;
      return compare(leaf.kind === 'v' ? row.v : row.id, leaf);
    }
    const hop = hops[depth]!;
    const last = depth === hops.length - 1;
    if (hop.kind === 'forward') {
      const key = row === null ? null : row.fks[hop.fk]!;
      if (last && onRelation) return leaf.kind === 'isnull' && leaf.value === (key === null);
      // `author__id` is the key column itself (Django trims the join), whether or not the row exists.
      if (last && leaf.kind === 'id') return key !== null && compare(key, leaf);
      const target = this.models[model]!.fks[hop.fk]!.target;
      return this.holds(target, this.liveRow(target, key), condition, depth + 1);
    }
    const related = row === null ? [] : [...this.tables[hop.model]!.values()].filter((r) => this.live(hop.model, r) && r.fks[hop.fk] === row.id);
    if (last && onRelation) return leaf.kind === 'isnull' && leaf.value === (related.length === 0);
    if (related.length === 0) return this.holds(hop.model, null, condition, depth + 1);
    return related.some((r) => this.holds(hop.model, r, condition, depth + 1));
  }

  /** What a delete would do, without doing it. */
  collect(model: number, filter: Filter, soft: boolean) {
    const taken = this.models.map(() => new Set<number>());
    const queue: [number, RefRow][] = [];
    const take = (m: number, row: RefRow) => {
      if (taken[m]!.has(row.id)) return;
      taken[m]!.add(row.id);
      queue.push([m, row]);
    };
    for (const row of this.select(model, filter)) take(model, row);
    let protectedFound = false;
    let untrashable = false;
    const restrictCandidates: [number, number][] = [];
    const updates: [number, number, RefRow][] = [];
    while (queue.length > 0) {
      const [m, row] = queue.shift()!;
      this.models.forEach((referrer, i) => {
        referrer.fks.forEach((fk, j) => {
          if (fk.target !== m) return;
          for (const other of this.tables[i]!.values()) {
            if (other.fks[j] !== row.id) continue;
            // A soft delete sees live rows only: the trash refers to nothing.
            if (soft && !this.live(i, other)) continue;
            switch (fk.rule) {
              case 'CASCADE':
                // A soft delete cannot take rows without a trash: they block it (TrashCascadeError, a ProtectedError).
                if (!soft || referrer.soft) take(i, other);
                else untrashable = true;
                break;
              case 'PROTECT':
                protectedFound = true;
                break;
              case 'RESTRICT':
                restrictCandidates.push([i, other.id]);
                break;
              case 'SET_NULL':
              case 'SET_DEFAULT':
                if (!soft) updates.push([i, j, other]);
                break;
              case 'DO_NOTHING':
                break;
            }
          }
        });
      });
    }
    const restricted = restrictCandidates.some(([i, id]) => !taken[i]!.has(id));
    const error: RefError | undefined = protectedFound ? 'protected' : restricted ? 'restricted' : untrashable ? 'protected' : undefined;
    return { taken, updates: updates.filter(([i, , row]) => !taken[i]!.has(row.id)), error };
  }

  apply(operation: Operation, index: number): Outcome {
    if (operation.kind === 'restore') return this.restore(operation.of);
    const soft = operation.kind !== 'hardDelete' && this.models[operation.model]!.soft;
    const { taken, updates, error } = this.collect(operation.model, operation.filter, soft);
    const byModel: Record<string, number> = {};
    taken.forEach((ids, m) => {
      if (ids.size > 0) byModel[this.labelOf(m)] = ids.size;
    });
    const updated: Record<string, number> = {};
    for (const [i] of updates) updated[this.labelOf(i)] = (updated[this.labelOf(i)] ?? 0) + 1;
    if (operation.kind === 'plan') return { byModel, updates: updated, ...(error && { error }) };
    if (error !== undefined) return { error };
    if (soft) {
      taken.forEach((ids, m) => ids.forEach((id) => (this.tables[m]!.get(id)!.trashedBy = index)));
      const total = taken.reduce((sum, ids) => sum + ids.size, 0);
      if (total > 0) this.operations.set(index, 'active');
      return { byModel, recorded: total > 0 };
    }
    for (const [i, j, row] of updates) row.fks[j] = null;
    taken.forEach((ids, m) => ids.forEach((id) => this.tables[m]!.delete(id)));
    return { byModel };
  }

  private restore(of: number): Outcome {
    const state = this.operations.get(of);
    if (state === undefined) return {};
    if (state !== 'active') return { error: 'not-active' };
    const rows = this.tables.map((table) => [...table.values()].filter((row) => row.trashedBy === of));
    for (const [m, list] of rows.entries()) {
      for (const row of list) {
        for (const [j, fk] of this.models[m]!.fks.entries()) {
          if (!this.models[fk.target]!.soft || row.fks[j] === null) continue;
          const parent = this.tables[fk.target]!.get(row.fks[j]!);
          if (parent !== undefined && parent.trashedBy !== null && parent.trashedBy !== of) return { error: 'orphan' };
        }
      }
    }
    const byModel: Record<string, number> = {};
    rows.forEach((list, m) => {
      for (const row of list) row.trashedBy = null;
      if (list.length > 0) byModel[this.labelOf(m)] = list.length;
    });
    this.operations.set(of, 'restored');
    return { byModel };
  }

  /** Every row, as the database should hold it. */
  snapshot(): { id: number; v: number; fks: (number | null)[]; trashedBy: number | null }[][] {
    return this.tables.map((table) => [...table.values()].sort((a, b) => a.id - b.id).map((row) => ({ ...row, fks: [...row.fks] })));
  }
}
