import { FieldError } from './errors.ts';
import { ForeignKeyField, ManyToManyField, OneToOneField, setModelRefResolver, type ModelLike, type ModelRef } from './fields/relations.ts';
import type { ModelMeta, ReverseRelation } from './meta.ts';
import { camelCase } from './naming.ts';

interface RegistryHooks {
  /** Builds the link model of a many-to-many field that names no `through`. */
  createThroughModel(field: ManyToManyField): ModelMeta;
  /** Puts the reverse accessor (`author.posts`) on the target's instances. */
  installReverseAccessor(relation: ReverseRelation): void;
}
let hooks: RegistryHooks | undefined;

export function setRegistryHooks(h: RegistryHooks): void {
  hooks = h;
}

/**
 * The models that know each other: labels resolve, and relations contribute their reverse side,
 * within one registry. The application's models live in the default one; migrations build
 * registries of their own holding the models as an earlier migration left them (Django's
 * historical models), so that the same label can exist twice without a clash.
 */
export class ModelRegistry {
  private readonly models = new Map<string, ModelMeta>();
  /** Relation fields whose far side is not contributed yet, usually because the target is defined later. */
  private readonly pending: Array<ForeignKeyField | ManyToManyField> = [];
  private resolving = false;

  register(meta: ModelMeta): void {
    if (!/^[A-Za-z_][\w]*\.[A-Za-z_][\w]*$/.test(meta.label)) {
      throw new FieldError(`A model label is 'app.Model', e.g. 'blog.Post'; got '${meta.label}'.`);
    }
    if (this.models.has(meta.label)) throw new FieldError(`A model labelled '${meta.label}' is already defined.`);
    this.models.set(meta.label, meta);
    for (const field of meta.fields) {
      if (field instanceof ForeignKeyField || field instanceof ManyToManyField) this.pending.push(field);
    }
    this.ensureRelationsResolved();
  }

  get(label: string): ModelMeta {
    this.ensureRelationsResolved();
    const meta = this.models.get(label);
    if (meta === undefined) throw new FieldError(`No model is labelled '${label}'.`);
    return meta;
  }

  find(label: string): ModelMeta | undefined {
    return this.models.get(label);
  }

  all(): ModelMeta[] {
    this.ensureRelationsResolved();
    return [...this.models.values()];
  }

  /** Contributes every relation whose target is now known. Cheap when nothing is pending. */
  ensureRelationsResolved(): void {
    const pending = this.pending;
    if (pending.length === 0 || this.resolving) return;
    this.resolving = true;
    try {
      let progress = true;
      while (progress) {
        progress = false;
        for (let i = 0; i < pending.length; i++) {
          const field = pending[i]!;
          if (!field.isResolved) continue;
          if (field instanceof ManyToManyField && !attachThrough(field)) continue;
          pending.splice(i--, 1);
          contributeReverse(field);
          progress = true;
        }
      }
    } finally {
      this.resolving = false;
    }
  }

  pendingRelations(): string[] {
    return this.pending.map((f) => f.qualifiedName);
  }
}

/** The application's models: those `model()` defines unless told otherwise. */
export const defaultRegistry = new ModelRegistry();

export function registerModel(meta: ModelMeta): void {
  meta.registry.register(meta);
}

export function getModel(label: string): ModelMeta {
  return defaultRegistry.get(label);
}

export function allModels(): ModelMeta[] {
  return defaultRegistry.all();
}

export function ensureRelationsResolved(): void {
  defaultRegistry.ensureRelationsResolved();
}

export function pendingRelations(): string[] {
  return defaultRegistry.pendingRelations();
}

export function resolveModelRef(ref: ModelRef, from: ModelMeta): ModelMeta | undefined {
  if (ref === 'self') return from;
  if (typeof ref === 'string') return from.registry.find(ref.includes('.') ? ref : `${from.appLabel}.${ref}`);
  let cls: ModelLike | undefined;
  try {
    cls = ref();
  } catch (error) {
    // A class referred to before its declaration has run: resolve it later.
    if (error instanceof ReferenceError) return undefined;
    throw error;
  }
  if (cls === undefined || cls.meta === undefined) return undefined;
  noteModelClass(cls.meta, cls);
  return cls.meta;
}
setModelRefResolver(resolveModelRef);

/** Records `cls` as the class to instantiate when it extends the one known so far. */
export function noteModelClass(meta: ModelMeta, cls: unknown): void {
  if (cls !== meta.modelClass && typeof cls === 'function' && cls.prototype instanceof meta.modelClass) {
    meta.modelClass = cls;
  }
}

function attachThrough(field: ManyToManyField): boolean {
  if (field.throughMeta !== undefined) return true;
  const through = field.options.through;
  if (through === undefined) {
    if (hooks === undefined) return false;
    field.throughMeta = hooks.createThroughModel(field);
    return true;
  }
  const meta = resolveModelRef(through, field.model);
  if (meta === undefined) return false;
  field.throughMeta = meta;
  return true;
}

function contributeReverse(field: ForeignKeyField | ManyToManyField): void {
  const source = field.model;
  const target = field.target;
  const single = field instanceof OneToOneField;
  const hidden = field.relatedName === '+' || source.autoCreated;
  const accessorName = field.relatedName ?? (single ? camelCase(source.objectName) : `${camelCase(source.objectName)}Set`);
  const queryName = field.relatedName ?? camelCase(source.objectName);
  const relation: ReverseRelation = { accessorName, queryName, field, relatedModel: source, multiple: !single, hidden };
  target.addReverseRelation(relation);
  // An accessor named like one of the target's fields would hide that field on every instance
  // (and make assigning it throw): the field keeps its name, and `trove check` reports the
  // clash (fields.E302) rather than a throw here, wherever the relation happens to resolve.
  if (!hidden && target.field(accessorName) === undefined) hooks?.installReverseAccessor(relation);
}
