/**
 * Turns operations into statements: renders the states before and after an operation, compares
 * their tables, and says what the names cannot (renames, values for old rows) from the
 * operation's hints. Where tables are rebuilt to alter them (SQLite), a migration's changes are
 * gathered and each table altered once.
 */
import { dialectOf, type DialectName, type SqlDialect, type TableSpec } from '../../db/index.ts';
import { ForeignKeyField, ManyToManyField, type ModelRegistry } from '../../orm/index.ts';
import { MigrationError } from '../errors.ts';
import type { Direction, Operation, SchemaHints } from '../operations/operation.ts';
import type { ProjectState } from '../state.ts';
import { diffTables, type TableChange, type TableHints } from './diff.ts';
import { rebuildStatements } from './rebuild.ts';
import { alterStatements } from './statements.ts';

export interface Rendered {
  readonly registry: ModelRegistry;
  /** Every model's table, by label (the auto-created links of many-to-many fields included). */
  readonly tables: ReadonlyMap<string, TableSpec>;
}

export class SchemaEditor {
  private readonly cache = new WeakMap<ProjectState, Rendered>();
  /** What the database spells its own way. */
  readonly sqlDialect: SqlDialect;

  /**
   * @param background the models of apps without migrations: relations may point at them, and
   * their tables are made as before (when missing), never by a migration.
   */
  constructor(readonly dialect: DialectName, private readonly background: ProjectState) {
    this.sqlDialect = dialectOf(dialect);
  }

  render(state: ProjectState): Rendered {
    let rendered = this.cache.get(state);
    if (rendered === undefined) {
      const registry = state.merged(this.usableBackground(state)).render();
      const tables = new Map(registry.all().map((meta) => [meta.label, meta.tableSpec()]));
      for (const label of this.background.models.keys()) tables.delete(label);
      for (const meta of registry.all()) {
        if (!this.background.has(meta.label)) continue;
        for (const field of meta.manyToManyFields) if (field.through.autoCreated) tables.delete(field.through.label);
      }
      rendered = { registry, tables };
      this.cache.set(state, rendered);
    }
    return rendered;
  }

  /**
   * The models of apps without migrations that can exist beside `state`: one that points at a
   * model the migrations have not made yet (or no longer have) is left out; its table is not
   * the migrations' business anyway.
   */
  private usableBackground(state: ProjectState): ProjectState {
    let background = this.background;
    for (;;) {
      const known = (label: string) => state.has(label) || background.has(label);
      const broken = [...background.models.values()].filter((model) =>
        [...model.fields.values()].some((field) => (field.to !== undefined && !known(field.to)) || (typeof field.options.through === 'string' && !known(field.options.through))));
      if (broken.length === 0) return background;
      for (const model of broken) background = background.with(model.label, undefined);
    }
  }

  /** How the tables change when `operation` takes `from` to `to` (or back, for `backwards`). */
  changes(operation: Operation, from: ProjectState, to: ProjectState, direction: Direction): TableChange[] {
    const before = this.render(from);
    const after = this.render(to);
    return diffTables(before.tables, after.tables, this.tableHints(operation.hints(direction, direction === 'forwards' ? from : to, direction === 'forwards' ? to : from), before, after));
  }

  /** The statements for `changes` on this database: in place, or by rebuilding the tables (SQLite). */
  statements(changes: readonly TableChange[], options: { concurrently?: boolean } = {}): string[] {
    if (this.sqlDialect.rebuildsTableToAlter) return rebuildStatements(this.sqlDialect, changes);
    return alterStatements(this.sqlDialect, changes, options);
  }

  /** Hints in table terms: columns instead of fields, database values instead of JavaScript ones. */
  tableHints(hints: SchemaHints, before: Rendered, after: Rendered): TableHints {
    const renamedTables = new Map<string, string>();
    const renamedColumns = new Map<string, Map<string, string>>();
    const fills = new Map<string, Map<string, unknown>>();
    const renameColumn = (label: string, from: string, to: string) => {
      if (from === to) return;
      let columns = renamedColumns.get(label);
      if (columns === undefined) renamedColumns.set(label, (columns = new Map()));
      columns.set(from, to);
    };
    for (const [from, to] of hints.renamedModels ?? []) {
      renamedTables.set(to, from);
      // The links of its many-to-many fields are named after it: they follow.
      for (const field of after.registry.get(to).manyToManyFields) {
        if (field.through.autoCreated) renamedTables.set(field.through.label, `${from}_${field.name}`);
      }
    }
    for (const [label, from, to] of hints.renamedFields ?? []) {
      const oldLabel = renamedTables.get(label) ?? label;
      const oldField = before.registry.get(oldLabel).field(from);
      const newField = after.registry.get(label).field(to);
      if (oldField === undefined || newField === undefined) throw new MigrationError(`Cannot rename ${label}.${from} to ${to}: no such field.`);
      if (newField instanceof ManyToManyField) {
        if (newField.through.autoCreated) renamedTables.set(newField.through.label, (oldField as ManyToManyField).through.label);
      } else {
        renameColumn(label, oldField.column!, newField.column!);
      }
    }
    // A field that keeps its name keeps its values when its column changes (`dbColumn` set or
    // dropped): that is a column rename, not a drop and an add.
    for (const meta of after.registry.all()) {
      if (meta.autoCreated) continue;
      const old = before.registry.find(renamedTables.get(meta.label) ?? meta.label);
      if (old === undefined) continue;
      for (const field of meta.fields) {
        const was = old.field(field.name);
        if (was?.column === undefined || field.column === undefined || renamedColumns.get(meta.label)?.has(was.column)) continue;
        renameColumn(meta.label, was.column, field.column);
      }
    }
    // A link table's columns are named after the models it links: match them by position.
    for (const meta of after.registry.all()) {
      if (!meta.autoCreated) continue;
      const old = before.registry.find(renamedTables.get(meta.label) ?? meta.label);
      if (old === undefined) continue;
      const links = meta.fields.filter((f) => f instanceof ForeignKeyField);
      const oldLinks = old.fields.filter((f) => f instanceof ForeignKeyField);
      links.forEach((link, i) => renameColumn(meta.label, oldLinks[i]!.column!, link.column!));
    }
    for (const [label, name, value] of hints.fills ?? []) {
      const field = after.registry.get(label).field(name);
      if (field === undefined || field.column === undefined) throw new MigrationError(`${label} has no column for '${name}' to fill.`);
      let stored: unknown;
      try {
        stored = value === null ? null : field.toDb(field.clean(value), this.dialect);
      } catch (error) {
        throw new MigrationError(`The fill for ${label}.${name} is not a valid value: ${(error as Error).message}`);
      }
      let columns = fills.get(label);
      if (columns === undefined) fills.set(label, (columns = new Map()));
      columns.set(field.column, stored);
    }
    return { renamedTables, renamedColumns, fills };
  }
}
