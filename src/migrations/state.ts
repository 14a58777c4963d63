/**
 * The state migrations build: the models as plain data (what a migration file can say), not as
 * classes. Operations change a ProjectState; the autodetector compares two of them; `render()`
 * turns one into working model classes (Django's historical models) in a registry of its own.
 */
import {
  Field, ForeignKeyField, ManyToManyField, ModelRegistry, fields as f, model,
  type ModelConstraint, type ModelMeta, type OnDelete,
} from '../orm/index.ts';
import { MigrationError } from './errors.ts';

/** A field as a migration file writes it: the `f` builder, the target of a relation, the options kept. */
export interface FieldState {
  readonly kind: string;
  /** Relations: the target's label. */
  readonly to?: string;
  readonly options: Readonly<Record<string, unknown>>;
}

/** The model options that shape tables. */
export interface ModelStateOptions {
  softDelete?: boolean;
  table?: string;
  uniqueTogether?: string[][];
  indexes?: string[][];
  constraints?: ModelConstraint[];
}

export interface ModelState {
  readonly label: string;
  /** Declared fields in order; the implicit `id` and the soft-delete columns are implied by the options. */
  readonly fields: ReadonlyMap<string, FieldState>;
  readonly options: Readonly<ModelStateOptions>;
}

/**
 * Field options a migration keeps: those that shape the table or the historical model's
 * relations. Choices, verbose names, help texts, validators and defaults live in the models
 * alone, so that changing them never writes a migration that does nothing.
 */
const KEPT_OPTIONS = [
  'primaryKey', 'null', 'unique', 'dbIndex', 'dbColumn', 'maxLength', 'maxDigits', 'decimalPlaces',
  'autoNow', 'autoNowAdd', 'onDelete', 'relatedName', 'dbConstraint', 'through',
] as const;

/** What a field is, as a migration file would write it. Relations name their target by label. */
export function describeField(field: Field, ownerLabel: string): FieldState {
  const options: Record<string, unknown> = {};
  const kept = new Set<string>(KEPT_OPTIONS);
  for (const [key, value] of Object.entries(field.options)) {
    if (!kept.has(key)) continue;
    if (value === undefined || value === false && key !== 'dbConstraint') continue;
    if (key === 'onDelete') options.onDelete = describeOnDelete(value as OnDelete);
    else if (key === 'through') options.through = labelOf(value, ownerLabel);
    else options[key] = value;
  }
  if (options.dbConstraint === true) delete options.dbConstraint;
  if (field instanceof ForeignKeyField || field instanceof ManyToManyField) {
    return { kind: field.kind, to: labelOf(field.to, ownerLabel), options };
  }
  return { kind: field.kind, options };
}

function describeOnDelete(onDelete: OnDelete): OnDelete {
  if (onDelete.rule !== 'SET') return { rule: onDelete.rule };
  // A function cannot be written into a file: the historical model sets what it gave now.
  const value = typeof onDelete.value === 'function' ? (onDelete.value as () => unknown)() : onDelete.value;
  return { rule: 'SET', value };
}

function labelOf(ref: unknown, ownerLabel: string): string {
  if (ref === 'self') return ownerLabel;
  if (typeof ref === 'string') return ref.includes('.') ? ref : `${ownerLabel.split('.')[0]}.${ref}`;
  const target = (ref as () => { meta: ModelMeta })();
  if (target?.meta === undefined) throw new MigrationError(`${ownerLabel}: a relation's target is not defined.`);
  return target.meta.label;
}

/** A model as the state holds it. */
export function describeModel(meta: ModelMeta): ModelState {
  const fields = new Map<string, FieldState>();
  const implied = new Set(meta.softDelete ? ['deletedAt', 'deletionId'] : []);
  for (const field of meta.fields) {
    if (field.kind === 'auto' && field.name === 'id') continue;
    if (implied.has(field.name)) continue;
    fields.set(field.name, describeField(field, meta.label));
  }
  const options: ModelStateOptions = {};
  if (meta.softDelete) options.softDelete = true;
  if (meta.options.table !== undefined) options.table = meta.options.table;
  if (meta.options.uniqueTogether?.length) options.uniqueTogether = meta.options.uniqueTogether.map((names) => [...names]);
  if (meta.options.indexes?.length) options.indexes = meta.options.indexes.map((names) => [...names]);
  if (meta.options.constraints?.length) options.constraints = meta.options.constraints.map(copyConstraint);
  return { label: meta.label, fields, options };
}

/** The models of a project at one point of its migrations. Immutable: changes return a new state. */
export class ProjectState {
  private constructor(readonly models: ReadonlyMap<string, ModelState>) {}

  static empty(): ProjectState {
    return new ProjectState(new Map());
  }

  /** The state of defined models (the auto-created links of many-to-many fields are implied). */
  static of(metas: Iterable<ModelMeta>): ProjectState {
    const models = new Map<string, ModelState>();
    for (const meta of metas) if (!meta.autoCreated) models.set(meta.label, describeModel(meta));
    return new ProjectState(models);
  }

  model(label: string): ModelState {
    const state = this.models.get(label);
    if (state === undefined) throw new MigrationError(`No model '${label}' exists at this point of the migrations.`);
    return state;
  }

  has(label: string): boolean {
    return this.models.has(label);
  }

  /** A state with `label` replaced by `change(old)`; `undefined` removes it. */
  with(label: string, next: ModelState | undefined): ProjectState {
    const models = new Map(this.models);
    if (next === undefined) models.delete(label);
    else models.set(label, next);
    return new ProjectState(models);
  }

  /** The models of these apps only. */
  only(apps: ReadonlySet<string>): ProjectState {
    return new ProjectState(new Map([...this.models].filter(([label]) => apps.has(appOf(label)))));
  }

  /** This state with the models of `other` added (those of apps that have no migrations). */
  merged(other: ProjectState): ProjectState {
    return new ProjectState(new Map([...other.models, ...this.models]));
  }

  /** Working model classes for this state, in a registry of their own. */
  render(): ModelRegistry {
    const registry = new ModelRegistry();
    for (const state of this.models.values()) renderModel(state, registry);
    const pending = registry.pendingRelations();
    if (pending.length > 0) throw new MigrationError(`These relations point at models that no migration creates: ${pending.join(', ')}.`);
    return registry;
  }
}

export function appOf(label: string): string {
  return label.slice(0, label.indexOf('.'));
}

export function buildField(state: FieldState): Field {
  const builders = f as unknown as Record<string, (...args: unknown[]) => Field>;
  const builder = builders[state.kind];
  if (builder === undefined) throw new MigrationError(`Unknown field kind '${state.kind}' in a migration.`);
  return state.to === undefined ? builder({ ...state.options }) : builder(state.to, { ...state.options });
}

function renderModel(state: ModelState, registry: ModelRegistry): ModelMeta {
  const fieldMap: Record<string, Field> = {};
  for (const [name, field] of state.fields) fieldMap[name] = buildField(field);
  const options = {
    ...state.options,
    uniqueTogether: state.options.uniqueTogether?.map((names) => [...names]),
    indexes: state.options.indexes?.map((names) => [...names]),
    constraints: state.options.constraints?.map(copyConstraint),
  };
  return model(state.label, fieldMap as never, options, registry).meta;
}

export function copyConstraint(constraint: ModelConstraint): ModelConstraint {
  return 'check' in constraint ? { name: constraint.name, check: constraint.check } : { name: constraint.name, unique: [...constraint.unique] };
}

/** Equality of plain data (field and option descriptions). */
export function sameData(a: unknown, b: unknown): boolean {
  return stableJson(a) === stableJson(b);
}

function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v instanceof Map) return Object.fromEntries(v);
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date)) {
      return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined).sort(([x], [y]) => x.localeCompare(y)));
    }
    return v;
  });
}
