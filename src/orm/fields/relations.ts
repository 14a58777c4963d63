import type { ColumnType, DialectName } from '../../db/index.ts';
import { FieldError, ValidationError } from '../errors.ts';
import type { ModelMeta } from '../meta.ts';
import { Field, describe, type FieldOptions } from './field.ts';
import type { OnDelete } from './on-delete.ts';

/** Something with model metadata: a model class. Kept structural so fields need not import models. */
export interface ModelLike {
  readonly meta: ModelMeta;
}

/** How a relation names its target: a thunk (`() => Author`), a label (`'blog.Author'`) or `'self'`. */
export type ModelRef = (() => ModelLike) | string;

export interface ForeignKeyOptions extends FieldOptions<unknown> {
  onDelete: OnDelete;
  relatedName?: string;
  /** Set false to leave out the database constraint (the index stays). */
  dbConstraint?: boolean;
}

/** Resolves model references; installed by the registry to keep this module free of it. */
export let resolveModelRef: (ref: ModelRef, from: ModelMeta) => ModelMeta | undefined = () => undefined;
export function setModelRefResolver(resolver: typeof resolveModelRef): void {
  resolveModelRef = resolver;
}

abstract class RelationField<TValue> extends Field<TValue> {
  constructor(
    readonly to: ModelRef,
    override readonly options: FieldOptions<unknown> & { relatedName?: string },
  ) {
    super(options);
  }

  private resolvedTarget: ModelMeta | undefined;

  /** The model at the other end; resolved lazily because it may be defined later. */
  get target(): ModelMeta {
    const meta = (this.resolvedTarget ??= resolveModelRef(this.to, this.model));
    if (meta === undefined) {
      const name = typeof this.to === 'string' ? `'${this.to}'` : 'its target';
      throw new FieldError(`${this.qualifiedName} refers to ${name}, which is not defined (yet).`);
    }
    return meta;
  }

  get isResolved(): boolean {
    return (this.resolvedTarget ??= resolveModelRef(this.to, this.model)) !== undefined;
  }

  get relatedName(): string | undefined {
    return this.options.relatedName;
  }
}

export class ForeignKeyField extends RelationField<unknown> {
  readonly kind: string = 'foreignKey';
  protected readonly expected = 'expected a saved instance or a primary key';

  constructor(to: ModelRef, override readonly options: ForeignKeyOptions) {
    super(to, options);
    if (options?.onDelete === undefined || typeof options.onDelete.rule !== 'string') {
      throw new TypeError('f.foreignKey() needs onDelete, e.g. { onDelete: CASCADE }');
    }
  }

  override get attname(): string {
    return `${this.name}Id`;
  }

  get onDelete(): OnDelete {
    return this.options.onDelete;
  }

  get dbConstraint(): boolean {
    return this.options.dbConstraint !== false;
  }

  get columnType(): ColumnType {
    const pk = this.target.pk;
    return pk.kind === 'auto' ? 'bigint' : (pk.columnType as ColumnType);
  }

  /** A key to a `char` primary key holds as many characters as it (Django's rel_db_type). */
  get maxLength(): number | undefined {
    return (this.target.pk as { maxLength?: number }).maxLength;
  }

  /** Accepts a saved instance of the target or its primary key; returns the key. */
  protected cleanValue(value: unknown): unknown {
    const target = this.target;
    const meta = modelMetaOf(value);
    if (meta !== undefined) {
      if (meta.label !== target.label) {
        throw this.error(`expected a ${target.objectName} but got a ${meta.objectName}`);
      }
      const pk = (value as Record<string, unknown>)[target.pk.attname];
      if (pk === null || pk === undefined) {
        throw new ValidationError(
          `Cannot use an unsaved ${target.objectName} for '${this.qualifiedName}': save it first.`,
          this.qualifiedName,
        );
      }
      return pk;
    }
    try {
      return target.pk.clean(value);
    } catch {
      throw this.error(`expected a ${target.objectName} or its primary key but got ${describe(value)}`);
    }
  }

  override toDb(value: unknown, dialect: DialectName): unknown {
    return this.target.pk.toDb(value, dialect);
  }

  override fromDb(value: unknown, dialect: DialectName): unknown {
    return this.target.pk.fromDb(value, dialect);
  }
}

export class OneToOneField extends ForeignKeyField {
  override readonly kind: string = 'oneToOne';
  override get unique(): boolean {
    return true;
  }
}

export interface ManyToManyOptions extends Omit<FieldOptions<never>, 'null' | 'default' | 'primaryKey' | 'unique'> {
  relatedName?: string;
  /** An explicit link model with foreign keys to both sides. */
  through?: ModelRef;
}

export class ManyToManyField extends RelationField<never> {
  readonly kind: string = 'manyToMany';
  readonly columnType = undefined;
  override column = undefined;
  protected readonly expected = 'expected related objects';
  /** The link model, auto-created unless `through` names one; set by the registry. */
  throughMeta: ModelMeta | undefined;

  constructor(to: ModelRef, override readonly options: ManyToManyOptions = {}) {
    super(to, options);
  }

  get through(): ModelMeta {
    if (this.throughMeta === undefined) {
      throw new FieldError(`The link model of ${this.qualifiedName} is not ready: is its target defined?`);
    }
    return this.throughMeta;
  }

  /** The link model's foreign key to this field's model. */
  get sourceLink(): ForeignKeyField {
    return this.linkTo(this.model, 0);
  }

  /** The link model's foreign key to the target. */
  get targetLink(): ForeignKeyField {
    return this.linkTo(this.target, 1);
  }

  private linkTo(meta: ModelMeta, position: 0 | 1): ForeignKeyField {
    const links = this.through.fields.filter(
      (f): f is ForeignKeyField => f instanceof ForeignKeyField && f.target.label === meta.label,
    );
    // For a link between a model and itself, the first key is the source and the second the target.
    const link = links.length > 1 ? links[position] : links[0];
    if (link === undefined) {
      throw new FieldError(`${this.through.label} has no foreign key to ${meta.label}, as ${this.qualifiedName} needs.`);
    }
    return link;
  }

  protected cleanValue(): never {
    throw this.error('is a many-to-many relation: use its manager (add, remove, set)');
  }
}

/** The model metadata of a model instance; undefined for anything else. */
export function modelMetaOf(value: unknown): ModelMeta | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  return (value.constructor as Partial<ModelLike> | undefined)?.meta;
}
