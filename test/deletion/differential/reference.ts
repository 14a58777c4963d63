/**
 * A plain reference for deletion: rows and links in memory, the rules of collect.ts, filters of
 * evaluate.ts, and the life of soft-delete operations, each rule written out:
 *
 *   active    its rows are in the trash (all of them, or what a restore of a part left);
 *   partial   some of its rows were deleted for good by another delete; the rest are in the trash;
 *   restored  nothing of it is in the trash any more: it came back;
 *   purged    nothing of it is in the trash any more: it was deleted for good.
 *
 * Only an operation with rows in the trash (active, partial) can be restored or purged. A purge
 * takes the operation's trash and what cascades from it; when that reaches another operation's
 * trash or live rows of a model with a trash it is refused, or (asked to) takes those operations
 * whole. Permissions: delete on every model whose rows go, purge too on models with a trash whose
 * rows go for good, restore on every model whose rows come back; link models need nothing.
 */
import { applyHard, collect, type Collected } from './collect.ts';
import { isLive, select, type RefRow, type World } from './evaluate.ts';
import type { Action, Filter, Link, ModelSpec, Operation, RowSpec, UserSpec } from './scenario.ts';

export type ErrorKind = 'protected' | 'restricted' | 'untrashable' | 'orphan' | 'not-active' | 'not-in-trash' | 'overlap' | 'not-permitted' | 'dangling';
export type OperationState = 'active' | 'partial' | 'restored' | 'purged';

/** What a plan (planDelete()) says; `operations` by operation index. */
export interface PlanOutcome {
  byModel: Record<string, number>;
  updates: Record<string, number>;
  operations: Record<number, Record<string, number>>;
  blocked: { protected: string[]; restricted: string[]; untrashable: string[] };
}

export interface Outcome {
  error?: ErrorKind;
  /** The plan taken right before a delete. */
  plan?: PlanOutcome;
  byModel?: Record<string, number>;
  /** Whether a soft delete left a trash record. */
  recorded?: boolean;
  /** A purge: the operations it purged, and (purge()) those it left alone. */
  deletions?: number[];
  skipped?: number[];
  /** The instance asked for does not exist; or the operation refers to none: nothing ran. */
  missing?: true;
  skip?: true;
}

/** When operations were recorded: their order by (createdAt, id), and createdAt in ms. */
export interface Timing {
  order: number[];
  createdAt: Map<number, number>;
}

export interface Labels {
  model(m: number): string;
  through(m: number): string;
}

interface State {
  tables: Map<number, RefRow>[];
  links: Link[][];
  states: Map<number, OperationState>;
  deletions: number[];
}

const inTrash = (state: OperationState | undefined) => state === 'active' || state === 'partial';
const sorted = (ids: Iterable<number>) => [...ids].sort((a, b) => a - b);

export class Reference implements World {
  private s: State;

  constructor(
    readonly models: ModelSpec[],
    rows: RowSpec[][],
    links: Link[][],
    readonly users: UserSpec[],
    readonly labels: Labels,
  ) {
    this.s = {
      tables: rows.map((list) => new Map(list.map((row) => [row.id, { ...row, fks: [...row.fks], trashedBy: null }]))),
      links: links.map((l) => [...l]),
      states: new Map(),
      deletions: [],
    };
  }

  get tables(): Map<number, RefRow>[] {
    return this.s.tables;
  }
  get links(): Link[][] {
    return this.s.links;
  }
  /** Soft-delete operations that left a record, by index, in the order they were made. */
  get deletions(): readonly number[] {
    return this.s.deletions;
  }
  stateOf(op: number): OperationState | undefined {
    return this.s.states.get(op);
  }

  /** The operation with its instance picked among the rows there are now (see Operation). */
  concrete(operation: Operation): Operation {
    if (operation.kind !== 'deleteInstance' && operation.kind !== 'restoreInstance') return operation;
    const rows = sorted([...this.tables[operation.model]!.values()].filter((r) => operation.among === 'any' || r.trashedBy !== null).map((r) => r.id));
    return rows.length === 0 ? operation : { ...operation, id: rows[operation.id % rows.length]! };
  }

  /** What the engine must answer to `operation`, with the state it must leave. */
  apply(operation: Operation, index: number, timing?: Timing): Outcome {
    switch (operation.kind) {
      case 'delete': {
        const soft = this.models[operation.model]!.soft;
        return this.delete(index, select(this, operation.model, 'live', operation.filter).map((row) => [operation.model, row]), soft, operation.user);
      }
      case 'hardDelete':
        return this.delete(index, select(this, operation.model, operation.scope, operation.filter).map((row) => [operation.model, row]), false, operation.user);
      case 'deleteInstance': {
        const row = this.tables[operation.model]!.get(operation.id);
        if (row === undefined) return { missing: true };
        const soft = this.models[operation.model]!.soft && !operation.hard;
        // A soft delete of a row already in the trash takes nothing.
        return this.delete(index, soft && !isLive(this, operation.model, row) ? [] : [[operation.model, row]], soft, operation.user);
      }
      case 'restoreDeletion': {
        const op = this.pick(operation.of);
        if (op === undefined) return { skip: true };
        if (!inTrash(this.stateOf(op))) return { error: 'not-active' };
        const rows = this.tables.flatMap((table, m) => [...table.values()].filter((r) => r.trashedBy === op).map((r): [number, RefRow] => [m, r]));
        return this.restore(op, rows, operation.user);
      }
      case 'restoreInstance': {
        const row = this.tables[operation.model]!.get(operation.id);
        if (row === undefined) return { missing: true };
        if (row.trashedBy === null) return { error: 'not-in-trash' };
        const op = row.trashedBy;
        return this.restore(op, this.beneath(op, [[operation.model, row]]), operation.user);
      }
      case 'purgeDeletion': {
        const op = this.pick(operation.of);
        if (op === undefined) return { skip: true };
        if (!inTrash(this.stateOf(op))) return { error: 'not-active' };
        return this.purgeDeletion(op, operation.overlapping, operation.user);
      }
      case 'purge':
        return this.purge(operation.upTo, operation.user, timing!);
      case 'restoreQuerySet':
        return this.restoreQuerySet(operation.model, operation.filter, operation.user);
    }
  }

  private pick(of: number): number | undefined {
    const { deletions } = this.s;
    return deletions.length === 0 ? undefined : deletions[of % deletions.length];
  }

  // ---- permissions ---------------------------------------------------------------------------

  private permitted(user: number | null, needs: Iterable<[number, Action]>): boolean {
    if (user === null) return true;
    const may = this.users[user]!.may;
    for (const [m, action] of needs) if (!may[m]!.includes(action)) return false;
    return true;
  }

  /** Delete on every model whose rows go; purge too where they go for good from a model with a trash. */
  private deleteNeeds(collected: Collected, soft: boolean): [number, Action][] {
    return collected.taken.flatMap((ids, m): [number, Action][] => {
      if (ids.size === 0) return [];
      return !soft && this.models[m]!.soft ? [[m, 'delete'], [m, 'purge']] : [[m, 'delete']];
    });
  }

  // ---- deleting ------------------------------------------------------------------------------

  private byModel(collected: Collected): Record<string, number> {
    const byModel: Record<string, number> = {};
    collected.taken.forEach((ids, m) => {
      if (ids.size > 0) byModel[this.labels.model(m)] = ids.size;
    });
    collected.links.forEach((gone, m) => {
      if (gone.size > 0) byModel[this.labels.through(m)] = gone.size;
    });
    return byModel;
  }

  /** Rows in the trash that a hard delete takes, per operation and model. */
  private trashedTaken(collected: Collected): Record<number, Record<string, number>> {
    const found: Record<number, Record<string, number>> = {};
    collected.taken.forEach((ids, m) => {
      for (const id of ids) {
        const op = this.tables[m]!.get(id)!.trashedBy;
        if (op === null) continue;
        const counts = (found[op] ??= {});
        counts[this.labels.model(m)] = (counts[this.labels.model(m)] ?? 0) + 1;
      }
    });
    return found;
  }

  private plan(collected: Collected, soft: boolean): PlanOutcome {
    const updates: Record<string, number> = {};
    for (const [i] of collected.updates) updates[this.labels.model(i)] = (updates[this.labels.model(i)] ?? 0) + 1;
    const names = (models: Set<number>) => sorted(models).map((m) => this.labels.model(m)).sort();
    return {
      byModel: this.byModel(collected),
      updates,
      operations: soft ? {} : this.trashedTaken(collected),
      blocked: { protected: names(collected.protected), restricted: names(collected.restricted), untrashable: names(collected.untrashable) },
    };
  }

  private delete(index: number, roots: [number, RefRow][], soft: boolean, user: number | null): Outcome {
    const collected = collect(this, roots, soft);
    const plan = this.plan(collected, soft);
    if (collected.error !== undefined) return { plan, error: collected.error };
    if (!this.permitted(user, this.deleteNeeds(collected, soft))) return { plan, error: 'not-permitted' };
    if (collected.dangling) return { plan, error: 'dangling' };
    const byModel = this.byModel(collected);
    if (soft) {
      collected.taken.forEach((ids, m) => ids.forEach((id) => (this.tables[m]!.get(id)!.trashedBy = index)));
      const recorded = Object.keys(byModel).length > 0;
      if (recorded) {
        this.s.states.set(index, 'active');
        this.s.deletions.push(index);
      }
      return { plan, byModel, recorded };
    }
    this.deleteForGood(collected);
    return { plan, byModel };
  }

  /** A hard delete; the operations whose trash it took become partial, or purged once none is left. */
  private deleteForGood(collected: Collected): void {
    const touched = Object.keys(this.trashedTaken(collected)).map(Number);
    applyHard(this, collected);
    for (const op of touched) {
      if (!inTrash(this.stateOf(op))) continue;
      this.s.states.set(op, this.anyInTrash(op) ? 'partial' : 'purged');
    }
  }

  private anyInTrash(op: number): boolean {
    return this.tables.some((table) => [...table.values()].some((row) => row.trashedBy === op));
  }

  // ---- restoring -----------------------------------------------------------------------------

  /** The rows of operation `op` that it took beneath `roots`: CASCADE into models with a trash, rows of `op` only. */
  private beneath(op: number, roots: [number, RefRow][]): [number, RefRow][] {
    const found = new Map<string, [number, RefRow]>();
    const queue = roots.filter(([, row]) => row.trashedBy === op);
    for (const [m, row] of queue) found.set(`${m}:${row.id}`, [m, row]);
    while (queue.length > 0) {
      const [m, row] = queue.shift()!;
      this.models.forEach((referrer, i) => {
        if (!referrer.soft) return;
        referrer.fks.forEach((fk, j) => {
          if (fk.target !== m || fk.rule !== 'CASCADE') return;
          for (const other of this.tables[i]!.values()) {
            if (other.fks[j] !== row.id || other.trashedBy !== op || found.has(`${i}:${other.id}`)) continue;
            found.set(`${i}:${other.id}`, [i, other]);
            queue.push([i, other]);
          }
        });
      });
    }
    return [...found.values()];
  }

  /** Brings back `rows` of operation `op`, unless refused (see refusal). */
  private restore(op: number, rows: [number, RefRow][], user: number | null): Outcome {
    const refused = this.refusal(rows, user);
    if (refused !== undefined) return refused;
    const byModel: Record<string, number> = {};
    for (const [m] of rows) byModel[this.labels.model(m)] = (byModel[this.labels.model(m)] ?? 0) + 1;
    for (const [, row] of rows) row.trashedBy = null;
    if (!this.anyInTrash(op)) this.s.states.set(op, 'restored');
    return { byModel };
  }

  /** Why `rows` cannot come back: one would point at a parent that stays in the trash, or the user may not restore them. */
  private refusal(rows: [number, RefRow][], user: number | null): Outcome | undefined {
    const coming = new Set(rows.map(([m, row]) => `${m}:${row.id}`));
    for (const [m, row] of rows) {
      for (const [j, fk] of this.models[m]!.fks.entries()) {
        if (!this.models[fk.target]!.soft || row.fks[j] === null) continue;
        const parent = this.tables[fk.target]!.get(row.fks[j]!);
        if (parent !== undefined && parent.trashedBy !== null && !coming.has(`${fk.target}:${parent.id}`)) return { error: 'orphan' };
      }
    }
    if (!this.permitted(user, [...new Set(rows.map(([m]) => m))].map((m): [number, Action] => [m, 'restore']))) return { error: 'not-permitted' };
    return undefined;
  }

  /**
   * Each operation of the matching rows restores what it took beneath them, the rows matched
   * before anything changed; all of it or nothing, checked as a whole: a row may come back under
   * a parent another of the operations brings back.
   */
  private restoreQuerySet(model: number, filter: Filter, user: number | null): Outcome {
    const matched = select(this, model, 'deleted', filter);
    const ops = sorted(new Set(matched.map((row) => row.trashedBy!)));
    const parts = ops.map((op) => ({ op, rows: this.beneath(op, matched.filter((row) => row.trashedBy === op).map((row): [number, RefRow] => [model, row])) }));
    const all = parts.flatMap((part) => part.rows);
    const refused = this.refusal(all, user);
    if (refused !== undefined) return refused;
    const byModel: Record<string, number> = {};
    for (const [m, row] of all) {
      byModel[this.labels.model(m)] = (byModel[this.labels.model(m)] ?? 0) + 1;
      row.trashedBy = null;
    }
    for (const { op } of parts) if (!this.anyInTrash(op)) this.s.states.set(op, 'restored');
    return { byModel };
  }

  // ---- purging -------------------------------------------------------------------------------

  /**
   * What purging `records` takes: their trash and its cascade; with `overlapping`, grown by every
   * operation whose trash that reaches, until it reaches no other.
   */
  private purgeClosure(records: number[], overlapping: boolean) {
    for (;;) {
      const roots = this.tables.flatMap((table, m) => [...table.values()].filter((r) => r.trashedBy !== null && records.includes(r.trashedBy)).map((r): [number, RefRow] => [m, r]));
      const collected = collect(this, roots, false);
      const others = new Set<number>();
      let live = 0;
      collected.taken.forEach((ids, m) => {
        if (!this.models[m]!.soft) return;
        for (const id of ids) {
          const op = this.tables[m]!.get(id)!.trashedBy;
          if (op === null) live++;
          else if (!records.includes(op)) others.add(op);
        }
      });
      if (!overlapping || others.size === 0) return { records, collected, others, live };
      records = [...records, ...sorted(others).filter((op) => inTrash(this.stateOf(op)))];
    }
  }

  private purgeDeletion(op: number, overlapping: boolean, user: number | null): Outcome {
    const { records, collected, others, live } = this.purgeClosure([op], overlapping);
    if (!overlapping && (others.size > 0 || live > 0)) return { error: 'overlap' };
    if (!this.permitted(user, this.deleteNeeds(collected, false))) return { error: 'not-permitted' };
    if (collected.error !== undefined) return { error: collected.error };
    if (collected.dangling) return { error: 'dangling' };
    const byModel = this.byModel(collected);
    this.deleteForGood(collected);
    for (const record of records) this.s.states.set(record, 'purged');
    return { byModel, deletions: sorted(records) };
  }

  /** purge(): the operations due, oldest first; one that would reach beyond what is due, or live rows, is skipped. */
  private purge(upTo: number | null, user: number | null, timing: Timing): Outcome {
    let cutoff = Infinity;
    if (upTo !== null) {
      const op = this.pick(upTo);
      if (op === undefined) return { skip: true };
      cutoff = timing.createdAt.get(op)!;
    }
    const due = timing.order.filter((op) => inTrash(this.stateOf(op)) && timing.createdAt.get(op)! < cutoff);
    const result = { byModel: {} as Record<string, number>, deletions: [] as number[], skipped: [] as number[] };
    for (const op of due) {
      if (result.deletions.includes(op) || !inTrash(this.stateOf(op))) continue;
      const whole = this.purgeClosure([op], true);
      if (whole.live > 0 || whole.records.some((r) => !due.includes(r))) {
        result.skipped.push(op);
        continue;
      }
      const part = this.purgeDeletion(op, true, user);
      if (part.error !== undefined) return { error: part.error };
      for (const [label, n] of Object.entries(part.byModel!)) result.byModel[label] = (result.byModel[label] ?? 0) + n;
      result.deletions.push(...part.deletions!);
    }
    return { byModel: result.byModel, deletions: sorted(result.deletions), skipped: sorted(result.skipped) };
  }

  // ---- what the database should hold ---------------------------------------------------------

  snapshot() {
    return {
      tables: this.tables.map((table) => [...table.values()].sort((a, b) => a.id - b.id).map((row) => ({ ...row, fks: [...row.fks] }))),
      links: this.links.map((l) => [...l].sort((a, b) => a[0] - b[0] || a[1] - b[1])),
      states: Object.fromEntries(this.s.deletions.map((op) => [op, this.stateOf(op)!])),
    };
  }

  /** The reference's own rules hold: an operation has rows in the trash exactly while active or partial. */
  checkStates(): void {
    for (const op of this.s.deletions) {
      if (inTrash(this.stateOf(op)) !== this.anyInTrash(op)) throw new Error(`reference: operation ${op} is ${this.stateOf(op)} with${this.anyInTrash(op) ? '' : 'out'} rows in the trash`);
    }
  }
}
