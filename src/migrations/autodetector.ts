/**
 * `makemigrations`: compares the state the migration files build with the models as they are,
 * and says what operations take one to the other, app by app. No database is involved.
 */
import type { ModelMeta } from '../orm/index.ts';
import { MigrationError } from './errors.ts';
import { addField, alterField, isImplicitId, removeField, renameField } from './operations/fields.ts';
import {
  addConstraint, addIndex, alterModelTable, alterSoftDelete, alterUniqueTogether, createModel, deleteModel, removeConstraint, removeIndex, renameModel,
} from './operations/models.ts';
import type { Operation } from './operations/operation.ts';
import type { Questioner } from './questioner.ts';
import { appOf, sameData, type FieldState, type ModelState, type ProjectState } from './state.ts';

/** Fields whose empty value is the empty string (Django's `empty_strings_allowed`). */
const TEXT_KINDS: ReadonlySet<string> = new Set(['char', 'text', 'email', 'slug', 'url']);

export interface DetectedChanges {
  /** The operations of each app that changed, in the order they must run. */
  readonly operations: ReadonlyMap<string, Operation[]>;
  /**
   * The models of other apps each operation needs: those its relations point at, and for a
   * renamed model those that point at it (their migrations must run before the rename).
   */
  readonly needs: ReadonlyMap<Operation, ReadonlySet<string>>;
  /** Every operation, of every app, in the order found: each after those it needs. */
  readonly sequence: readonly Operation[];
}

export interface DetectOptions {
  /** The models as defined (for `renamedFrom` and defaults), by label. */
  readonly models: ReadonlyMap<string, ModelMeta>;
  readonly questioner: Questioner;
}

export async function detectChanges(from: ProjectState, to: ProjectState, options: DetectOptions): Promise<DetectedChanges> {
  const detector = new Autodetector(from, to, options);
  await detector.run();
  return { operations: detector.operations, needs: detector.needs, sequence: detector.sequence };
}

class Autodetector {
  readonly operations = new Map<string, Operation[]>();
  readonly needs = new Map<Operation, Set<string>>();
  readonly sequence: Operation[] = [];
  /** `from` with the renames found so far applied: what the remaining comparisons start from. */
  private current: ProjectState;

  constructor(private readonly from: ProjectState, private readonly to: ProjectState, private readonly options: DetectOptions) {
    this.current = from;
  }

  /** Adds `operation` to its app's list; `fields` are those whose targets it needs to exist. */
  private emit(operation: Operation, fields: Iterable<FieldState> = [], alsoNeeds: Iterable<string> = []): void {
    this.current = operation.apply(this.current);
    const app = appOf(operation.label!);
    let list = this.operations.get(app);
    if (list === undefined) this.operations.set(app, (list = []));
    list.push(operation);
    this.sequence.push(operation);
    const needed = new Set<string>(alsoNeeds);
    for (const field of fields) {
      for (const label of [field.to, field.options.through as string | undefined]) if (label !== undefined) needed.add(label);
    }
    for (const label of needed) if (appOf(label) === app) needed.delete(label);
    if (needed.size > 0) this.needs.set(operation, needed);
  }

  async run(): Promise<void> {
    await this.renamedModels();
    const added = [...this.to.models.keys()].filter((label) => !this.current.has(label));
    const removed = [...this.current.models.keys()].filter((label) => !this.to.has(label));
    this.createModels(added.map((label) => this.to.model(label)));
    for (const label of [...this.to.models.keys()].filter((l) => !added.includes(l))) await this.alterModel(label);
    this.deleteModels(removed);
  }

  /** Models renamed by `renamedFrom`, or (asked on a terminal) removed and added with the same fields. */
  private async renamedModels(): Promise<void> {
    const added = () => [...this.to.models.keys()].filter((label) => !this.current.has(label));
    const removed = () => [...this.current.models.keys()].filter((label) => !this.to.has(label));
    for (const label of this.to.models.keys()) {
      const declared = this.options.models.get(label)?.options.renamedFrom;
      if (declared === undefined) continue;
      const old = declared.includes('.') ? declared : `${appOf(label)}.${declared}`;
      if (!this.current.has(old) || old === label) continue;
      if (this.current.has(label)) {
        // Both names are in the migrations: an old renamedFrom left in place, or a model dropped
        // and another renamed onto its name. Guessing either way could drop the wrong rows.
        if (this.to.has(old)) continue;
        throw new MigrationError(
          `${label} says renamedFrom: '${declared}', but ${label} is already in the migrations and ${old} is gone from the models.\n` +
          `  If ${old} was renamed to ${label}, delete the old ${label} in one migration and rename in the next; if renamedFrom is left over from an old rename, remove it.`,
        );
      }
      // Renamed first: a new model that takes the old name is created afterwards (Django's order).
      this.emitRename(old, label);
    }
    for (const label of added()) {
      const state = this.to.model(label);
      for (const old of removed()) {
        if (appOf(old) !== appOf(label) || !sameData(this.current.model(old).fields, state.fields)) continue;
        const yes = await this.options.questioner.askRename(
          `Model ${old} was removed and ${label} added with the same fields.`,
          `If you renamed it, say so in the model's options: { renamedFrom: '${old}' }. If you mean to drop ${old} and its rows, remove it in one migration and add ${label} in the next.`,
        );
        if (yes) {
          this.emitRename(old, label);
          break;
        }
      }
    }
  }

  /**
   * A model renamed. Models of other apps that point at it are renamed with it in the state, so
   * the rename must run after the migrations that made them point (Django's rename dependency):
   * on a new database, those migrations name the old label.
   */
  private emitRename(old: string, label: string): void {
    this.emit(renameModel(old, label), [], this.pointingAt(old, this.current));
  }

  /** The models of `state` with a relation to `label`. */
  private pointingAt(label: string, state: ProjectState): string[] {
    return [...state.models.values()].filter((m) => [...m.fields.values()].some((f) => f.to === label || f.options.through === label)).map((m) => m.label);
  }

  /**
   * New models, each after the models it points at (a many-to-many also waits for its through
   * model). In a cycle, a many-to-many is the link to leave out first: it is no column, so the
   * model can be created without it and the field added once the models it needs exist, as
   * Django writes it (CreateModel, CreateModel, AddField). Only a cycle of keys alone makes a
   * model created without one of its keys, added afterwards too.
   */
  private createModels(models: ModelState[]): void {
    const pending = new Map(models.map((m) => [m.label, m]));
    /** Models created without some of their keys, not yet added: no many-to-many goes through them meanwhile. */
    const unfinished = new Set<string>();
    const waits = (label: string, field: FieldState) => this.waitsFor(label, field, (other) => pending.has(other), (other) => unfinished.has(other));
    const keys: Array<[string, string, FieldState]> = [];
    const links: Array<[string, string, FieldState]> = [];
    while (pending.size > 0) {
      const candidates = [...pending.values()];
      const model = candidates.find((m) => ![...m.fields].some(([, f]) => waits(m.label, f)))
        ?? candidates.find((m) => [...m.fields].every(([, f]) => !waits(m.label, f) || f.kind === 'manyToMany'))
        ?? candidates[0]!;
      const fields = new Map<string, FieldState>();
      for (const [name, field] of model.fields) {
        if (!waits(model.label, field)) fields.set(name, field);
        else if (field.kind === 'manyToMany') links.push([model.label, name, field]);
        else keys.push([model.label, name, field]);
      }
      if (keys.some(([label]) => label === model.label)) unfinished.add(model.label);
      pending.delete(model.label);
      this.emit(createModel(model.label, fields, model.options), fields.values());
    }
    // Keys first: a many-to-many left out may go through a model whose keys were left out.
    for (const [label, name, field] of [...keys, ...links]) this.emit(addField(label, name, field), [field]);
  }

  /**
   * Whether `field` of `label` must wait: its target is `missing`, or a many-to-many's through
   * model is `missing` or `incomplete` (its keys to both sides are what make it a through model).
   */
  private waitsFor(label: string, field: FieldState, missing: (label: string) => boolean, incomplete: (label: string) => boolean = () => false): boolean {
    if (field.to !== undefined && field.to !== label && missing(field.to)) return true;
    const through = field.options.through as string | undefined;
    return through !== undefined && through !== label && (missing(through) || incomplete(through));
  }

  /**
   * Removed models, each after the models that still point at it (a through model after the
   * many-to-many that goes through it). In a cycle, the links of one model to the others go
   * first, its many-to-many fields alone when that is enough.
   */
  private deleteModels(labels: string[]): void {
    const pending = new Set(labels);
    const pointsAt = (label: string, field: FieldState, target: string) => this.waitsFor(label, field, (other) => other === target);
    while (pending.size > 0) {
      // A model nothing else still points at goes first.
      const next = [...pending].find((label) => ![...pending].some((other) => other !== label && [...this.current.model(other).fields].some(([, f]) => pointsAt(other, f, label))));
      if (next === undefined) {
        this.removeLinks(pending);
        continue;
      }
      pending.delete(next);
      // The models that pointed at it must stop first: in another app, that is another
      // migration, which this one follows (Django's DeleteModel dependency).
      this.emit(deleteModel(next), [], this.pointingAt(next, this.from));
    }
  }

  /**
   * Breaks a cycle of models to delete: removes one model's many-to-many fields to the others
   * when one has any (no column, and so no key to drop), or else its keys to them.
   */
  private removeLinks(pending: ReadonlySet<string>): void {
    const linksOf = (label: string) => [...this.current.model(label).fields].filter(([, f]) => this.waitsFor(label, f, (other) => pending.has(other)));
    const manyToMany = (label: string) => linksOf(label).filter(([, f]) => f.kind === 'manyToMany');
    // A model of the cycle, not one that merely points into it (it has links of its own to drop).
    const label = [...pending].find((l) => manyToMany(l).length > 0) ?? [...pending].find((l) => linksOf(l).length > 0)!;
    const links = manyToMany(label);
    for (const [name] of links.length > 0 ? links : linksOf(label)) this.emit(removeField(label, name));
  }

  private async alterModel(label: string): Promise<void> {
    const target = this.to.model(label);
    await this.renamedFields(label);
    const wantedConstraints = new Map((target.options.constraints ?? []).map((c) => [c.name, c]));
    for (const constraint of this.current.model(label).options.constraints ?? []) {
      if (!sameData(wantedConstraints.get(constraint.name), constraint)) this.emit(removeConstraint(label, constraint.name));
    }
    let model = this.current.model(label);
    if (model.options.table !== target.options.table) this.emit(alterModelTable(label, target.options.table));
    if (!!model.options.softDelete !== !!target.options.softDelete) this.emit(alterSoftDelete(label, !!target.options.softDelete));
    // The implicit `id` declared (with another type), or a declared `id` left out again: the same key altered.
    if (isImplicitId(model, 'id') && target.fields.get('id')?.options.primaryKey === true) this.emit(alterField(label, 'id', target.fields.get('id')!), [target.fields.get('id')!]);
    else if (model.fields.get('id')?.options.primaryKey === true && isImplicitId(target, 'id')) this.emit(alterField(label, 'id', { kind: 'auto', options: { primaryKey: true } }));
    model = this.current.model(label);
    for (const [name, field] of target.fields) {
      if (model.fields.has(name)) continue;
      this.emit(addField(label, name, field, await this.fillFor(label, name, field, 'is new and NOT NULL without a default')), [field]);
    }
    model = this.current.model(label);
    for (const [name, field] of target.fields) {
      const old = model.fields.get(name);
      if (old === undefined || sameData(old, field)) continue;
      // A many-to-many is a link table, a plain field a column: one becoming the other is a field
      // removed and another added (as Django writes it), and the column's old rows need a value.
      if (old.kind === 'manyToMany' && field.kind === 'manyToMany' && old.options.through !== field.options.through) {
        // The links live in one table or the other: no alteration can move them (Django refuses too).
        throw new MigrationError(
          `${label}.${name}: a many-to-many cannot change its through model (${old.options.through ?? 'its own link table'} to ${field.options.through ?? 'its own link table'}) in place; its links would be lost.\n` +
          `  Add the new field beside the old one (another name), copy the links in a runCode migration, then remove the old field.`,
        );
      }
      if ((old.kind === 'manyToMany') !== (field.kind === 'manyToMany')) {
        this.emit(removeField(label, name));
        this.emit(addField(label, name, field, await this.fillFor(label, name, field, 'is new and NOT NULL without a default')), [field]);
        continue;
      }
      const becomesRequired = old.options.null === true && field.options.null !== true;
      this.emit(alterField(label, name, field, becomesRequired ? await this.fillFor(label, name, field, 'becomes NOT NULL without a default') : {}), [field]);
    }
    // The sets and indexes wanted name fields that all exist now; removed fields go last.
    if (!sameData(this.current.model(label).options.uniqueTogether ?? [], target.options.uniqueTogether ?? [])) {
      this.emit(alterUniqueTogether(label, target.options.uniqueTogether ?? []));
    }
    const haveConstraints = new Set((this.current.model(label).options.constraints ?? []).map((c) => c.name));
    for (const constraint of target.options.constraints ?? []) if (!haveConstraints.has(constraint.name)) this.emit(addConstraint(label, constraint));
    const key = (set: string[]) => set.join(',');
    const wanted = new Set((target.options.indexes ?? []).map(key));
    for (const set of this.current.model(label).options.indexes ?? []) if (!wanted.has(key(set))) this.emit(removeIndex(label, set));
    const have = new Set((this.current.model(label).options.indexes ?? []).map(key));
    for (const set of target.options.indexes ?? []) if (!have.has(key(set))) this.emit(addIndex(label, set));
    for (const name of this.current.model(label).fields.keys()) if (!target.fields.has(name)) this.emit(removeField(label, name));
  }

  /** Fields renamed by `renamedFrom`, or (asked on a terminal) removed and added with the same definition. */
  private async renamedFields(label: string): Promise<void> {
    const target = this.to.model(label);
    const meta = this.options.models.get(label);
    const removed = () => [...this.current.model(label).fields.keys()].filter((n) => !target.fields.has(n));
    const added = () => [...target.fields.keys()].filter((n) => !this.current.model(label).fields.has(n));
    for (const name of added()) {
      const old = meta?.field(name)?.options.renamedFrom;
      if (old !== undefined && removed().includes(old)) this.emit(renameField(label, old, name));
    }
    for (const name of added()) {
      const field = target.fields.get(name)!;
      for (const old of removed()) {
        const was = this.current.model(label).fields.get(old)!;
        if (was.kind !== field.kind || was.to !== field.to) continue;
        const yes = await this.options.questioner.askRename(
          `${label}: field '${old}' was removed and '${name}' added, both ${field.kind} fields.`,
          `If you renamed it, say so on the field: ${name}: f.${field.kind}({ …, renamedFrom: '${old}' }). If you mean to drop '${old}' and its data, remove it in one migration (makemigrations) and add '${name}' in the next.`,
        );
        if (yes) {
          this.emit(renameField(label, old, name));
          break;
        }
      }
    }
  }

  /** What rows that exist get in a field that has no value for them: its default, or what the user says. */
  private async fillFor(label: string, name: string, field: FieldState, why: string): Promise<{ fill?: unknown }> {
    if (field.options.null === true || field.kind === 'manyToMany') return {};
    const defined = this.options.models.get(label)?.field(name);
    if (field.options.autoNow === true || field.options.autoNowAdd === true) return { fill: field.kind === 'date' ? new Date().toISOString().slice(0, 10) : new Date() };
    if (defined?.hasDefault()) {
      const value = defined.getDefault();
      if (value === undefined) throw new MigrationError(`${label}.${name}: its default gave undefined.`);
      return { fill: value };
    }
    // A blank text field's empty value is the empty string: old rows get it, and nobody is asked (as in Django).
    if (defined?.options.blank === true && TEXT_KINDS.has(field.kind)) return { fill: '' };
    return { fill: await this.options.questioner.askFill(label, name, why) };
  }
}
