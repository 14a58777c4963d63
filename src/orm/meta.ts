import type { CheckSpec, ColumnSpec, ForeignKeySpec, IndexSpec, TableSpec } from '../db/index.ts';
import type { Field } from './fields/field.ts';
import { ForeignKeyField, ManyToManyField, OneToOneField } from './fields/relations.ts';
import { identifier, snakeCase } from './naming.ts';
import { defaultRegistry, type ModelRegistry } from './registry.ts';

export interface ModelOptions {
  /** Keep deleted rows in a trash that can be restored (see the soft-delete docs). */
  softDelete?: boolean;
  /** Default ordering of querysets, e.g. `['-createdAt']`. */
  ordering?: string[];
  /** The table's name when `app_model` will not do. */
  table?: string;
  verboseName?: string;
  verboseNamePlural?: string;
  /** Sets of fields whose combined values must be unique. */
  uniqueTogether?: string[][];
  /** Extra indexes: lists of field names. */
  indexes?: string[][];
  /**
   * Rules the database enforces: `{ name: 'rating_range', check: 'rating between 0 and 5' }`
   * (SQL over the table's columns) or `{ name: 'one_slug_per_author', unique: ['author', 'slug'] }`.
   */
  constraints?: ModelConstraint[];
  /** The model's old label (or name within its app), when it was renamed: `makemigrations` then renames its table and keeps its rows. */
  renamedFrom?: string;
  /** A framework work table: no permissions, fixtures or shell name (Trove's own scratch table). */
  internal?: boolean;
}

/** A relation seen from the model it points at: `author.posts`, `tag.posts`. */
export interface ReverseRelation {
  /** The instance property holding the manager (or the object, for one-to-one). */
  accessorName: string;
  /** The name used in lookups: the related name, or the model's name in lower case. */
  queryName: string;
  field: ForeignKeyField | ManyToManyField;
  /** The model that declares the field. */
  relatedModel: ModelMeta;
  /** False for one-to-one: at most one object on the other side. */
  multiple: boolean;
  /** `relatedName: '+'`, and the links of auto-created many-to-many tables: no accessor, no lookup name. */
  hidden: boolean;
}

/** A named rule the database enforces: a CHECK over columns, or fields unique together. */
export type ModelConstraint = { readonly name: string; readonly check: string } | { readonly name: string; readonly unique: readonly string[] };

let historicalModels = 0;

/** What Trove knows about a model: its label, table, fields and relations. */
export class ModelMeta {
  readonly appLabel: string;
  /** The class name part of the label, e.g. `Post`. */
  readonly objectName: string;
  readonly table: string;
  readonly pk: Field;
  readonly concreteFields: Field[];
  readonly fieldsByName = new Map<string, Field>();
  private readonly reverse: ReverseRelation[] = [];
  private readonly reverseByName = new Map<string, ReverseRelation>();
  /** The most derived class seen for this model: the one whose instances queries build. */
  modelClass: any;
  /** True for the link model that a many-to-many field creates for itself. */
  autoCreated = false;
  /** Names this model in caches of compiled SQL: the label, made unique for historical models. */
  readonly cacheKey: string;

  constructor(
    readonly label: string,
    readonly fields: Field[],
    readonly options: ModelOptions = {},
    /** The models this one resolves labels among: the application's, or a migration's historical set. */
    readonly registry: ModelRegistry = defaultRegistry,
  ) {
    const [app, name] = label.split('.') as [string, string];
    this.appLabel = app;
    this.objectName = name;
    this.table = options.table ?? `${app}_${name}`.toLowerCase();
    this.cacheKey = registry === defaultRegistry ? label : `${label}#${++historicalModels}`;
    for (const field of fields) {
      field.model = this;
      if (field.column === '') field.column = field.options.dbColumn ?? (field instanceof ForeignKeyField ? `${snakeCase(field.name)}_id` : snakeCase(field.name));
      this.fieldsByName.set(field.name, field);
      if (field.attname !== field.name) this.fieldsByName.set(field.attname, field);
    }
    this.pk = fields.find((f) => f.primaryKey)!;
    this.concreteFields = fields.filter((f) => f.column !== undefined);
  }

  get modelName(): string {
    return this.objectName.toLowerCase();
  }

  get verboseName(): string {
    return this.options.verboseName ?? this.objectName.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  }

  get verboseNamePlural(): string {
    return this.options.verboseNamePlural ?? `${this.verboseName}s`;
  }

  get softDelete(): boolean {
    return this.options.softDelete === true;
  }

  get foreignKeys(): ForeignKeyField[] {
    return this.fields.filter((f): f is ForeignKeyField => f instanceof ForeignKeyField);
  }

  get manyToManyFields(): ManyToManyField[] {
    return this.fields.filter((f): f is ManyToManyField => f instanceof ManyToManyField);
  }

  /** Relations declared on other models that point at this one. */
  get reverseRelations(): readonly ReverseRelation[] {
    this.registry.ensureRelationsResolved();
    return this.reverse;
  }

  field(name: string): Field | undefined {
    return this.fieldsByName.get(name);
  }

  reverseRelation(name: string): ReverseRelation | undefined {
    this.registry.ensureRelationsResolved();
    return this.reverseByName.get(name);
  }

  /** Called by the registry once the declaring model's field is resolved. */
  addReverseRelation(relation: ReverseRelation): void {
    this.reverse.push(relation);
    if (relation.hidden) return;
    this.reverseByName.set(relation.accessorName, relation);
    if (!this.reverseByName.has(relation.queryName)) this.reverseByName.set(relation.queryName, relation);
  }

  tableSpec(): TableSpec {
    const columns: ColumnSpec[] = this.concreteFields.map((field) => ({
      name: field.column!,
      type: field.columnType!,
      nullable: field.nullable,
      primaryKey: field.primaryKey,
      autoIncrement: field.kind === 'auto',
      maxLength: (field as { maxLength?: number }).maxLength,
      maxDigits: (field.options as { maxDigits?: number }).maxDigits,
      decimalPlaces: (field.options as { decimalPlaces?: number }).decimalPlaces,
    }));
    const foreignKeys: ForeignKeySpec[] = [];
    const indexes: IndexSpec[] = [];
    for (const field of this.concreteFields) {
      const column = field.column!;
      if (field instanceof ForeignKeyField) {
        if (field.dbConstraint) {
          foreignKeys.push({
            name: identifier(this.table, column, 'fk'),
            column,
            refTable: field.target.table,
            refColumn: field.target.pk.column!,
          });
        }
        if (!(field instanceof OneToOneField)) indexes.push({ name: identifier(this.table, column, 'idx'), columns: [column], unique: false });
      }
      if (field.unique && !field.primaryKey) {
        indexes.push({ name: identifier(this.table, column, 'uniq'), columns: [column], unique: true, ...this.liveOnly });
      } else if (field.options.dbIndex && !(field instanceof ForeignKeyField)) {
        indexes.push({ name: identifier(this.table, column, 'idx'), columns: [column], unique: false });
      }
    }
    for (const names of this.options.uniqueTogether ?? []) {
      const cols = names.map((n) => this.columnOf(n));
      indexes.push({ name: identifier(this.table, ...cols, 'uniq'), columns: cols, unique: true, ...this.liveOnly });
    }
    const checks: CheckSpec[] = [];
    for (const constraint of this.options.constraints ?? []) {
      if ('check' in constraint) checks.push({ name: constraint.name, sql: constraint.check });
      else indexes.push({ name: constraint.name, columns: constraint.unique.map((n) => this.columnOf(n)), unique: true, ...this.liveOnly });
    }
    for (const names of this.options.indexes ?? []) {
      const cols = names.map((n) => this.columnOf(n));
      indexes.push({ name: identifier(this.table, ...cols, 'idx'), columns: cols, unique: false });
    }
    return { name: this.table, columns, foreignKeys, indexes, ...(checks.length > 0 ? { checks } : {}) };
  }

  /** Sets of fields whose values must be unique together: `uniqueTogether` and unique constraints. */
  get uniqueSets(): string[][] {
    const constraints = (this.options.constraints ?? []).filter((c): c is { name: string; unique: string[] } => 'unique' in c);
    return [...(this.options.uniqueTogether ?? []), ...constraints.map((c) => [...c.unique])];
  }

  /** Unique rules of a soft-delete model hold among live rows: the trash may repeat a value. */
  private get liveOnly(): { onlyWhereNull?: string } {
    return this.softDelete ? { onlyWhereNull: 'deleted_at' } : {};
  }

  private columnOf(name: string): string {
    const column = this.field(name)?.column;
    if (column === undefined) throw new Error(`${this.label}: no column for '${name}' in its options`);
    return column;
  }

  toString(): string {
    return this.label;
  }
}
