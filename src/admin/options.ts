/**
 * What a registered model looks like in the admin: Django's ModelAdmin options in camelCase,
 * and the hooks a project may override (getQueryset, the has*Permission checks).
 */
import type { FieldMap, ForeignKeyField, ManyRelatedManager, ModelMeta, QuerySet, RelatedManager } from '../orm/index.ts';
import type { ViewRequest } from '../web/index.ts';
import type { AdminAction } from './actions.ts';
import type { ChangeFormContext } from './changeform.ts';
import type { FormField } from './forms.ts';
import { userPermissions } from './permissions.ts';

/** A page of one object beyond change, delete and history (UserAdmin's `<pk>/password/`). */
export type ObjectView<T = any> = (request: ViewRequest<any>, object: T, context: ChangeFormContext) => Promise<Response>;

/** A computed column: `{ label: 'Words', value: (post) => post.content.split(' ').length }`. */
export interface ListColumn<T = any> {
  label: string;
  value: (object: T) => unknown;
}

/**
 * A field of the model, as its type knows it: `listDisplay: ['borrower']` does not compile once
 * the field is renamed. Any text for a model whose fields the types cannot see.
 */
export type AdminFieldName<F> = string extends keyof F ? string : (keyof F & string) | 'id' | 'pk';
/**
 * A field, or a path from it (`author__name`). Lone names are checked by the compiler; paths,
 * which may run through reverse relations, by `trove check` when the project starts.
 */
export type AdminPath<F> = AdminFieldName<F> | `${string}__${string}`;
/**
 * A reverse relation the model's type declares (`ModelRelations`: `'library.Shelf': { books:
 * RelatedManager<Book> }`), by its accessor, which is its query name when it has a relatedName:
 * `listFilter: ['books']` lists books and filters the shelves holding one.
 */
export type ReverseRelationName<T> = { [K in keyof T & string]: T[K] extends RelatedManager<any> | ManyRelatedManager<any> ? K : never }[keyof T & string];

/**
 * A foreign key by its column's name (`authorId`): Django's get_field() finds a key by its
 * attname too, so `list_filter = ['author_id']` is the filter by `author`.
 */
export type ForeignKeyColumnName<F> = string extends keyof F ? string : { [K in keyof F & string]: F[K] extends ForeignKeyField ? `${K}Id` : never }[keyof F & string];

export interface ModelAdminOptions<T = any, F = FieldMap> {
  /** Columns of the changelist: field names, `author__name`, or computed columns (default: the object's text). */
  listDisplay?: ReadonlyArray<AdminPath<F> | '__str__' | ListColumn<T>>;
  /** Columns that link to the change page (default: the first). */
  listDisplayLinks?: ReadonlyArray<AdminPath<F> | '__str__'>;
  /**
   * From how many objects (what the plan takes, cascade included) `delete_selected` also offers
   * "Delete in the background": an online operation that workers carry out in batches (default
   * 100,000). It is always offered for "Select all". See docs/deleting-at-scale.md.
   */
  onlineDeleteThreshold?: number;
  /** Fields to filter by in the sidebar: choices, booleans, dates, relations (reverse ones too) and plain values. */
  listFilter?: ReadonlyArray<AdminPath<F> | ReverseRelationName<T> | ForeignKeyColumnName<F>>;
  /** Fields searched by `q`: `icontains` by default, `^name` istartswith, `=name` iexact. */
  searchFields?: ReadonlyArray<AdminPath<F> | `${'^' | '=' | '@'}${AdminPath<F>}`>;
  /**
   * The most words a search may have (default 10): each word is a condition on every search
   * field, so a search of 900 words is 2,700 conditions (see docs/admin.md, "Search").
   */
  searchMaxTerms?: number;
  /** The longest search, in characters (default 200). */
  searchMaxLength?: number;
  /**
   * Whether the changelist's address may filter by `lookup` (Django's `lookup_allowed`), given
   * what the default rule says (`byDefault`: the model's own fields, a relation's key, and paths
   * that listFilter and dateHierarchy name). A password field is refused whatever this returns.
   */
  lookupAllowed?: (lookup: string, value: string, request: ViewRequest<any>, byDefault: boolean) => boolean;
  /** Default order of the changelist (default: the model's, else `-pk`). */
  ordering?: ReadonlyArray<AdminPath<F> | `-${AdminPath<F>}` | '?'>;
  /** A date or date-time field to drill into above the list: years, then months, then days. */
  dateHierarchy?: AdminPath<F>;
  /** Actions on ticked rows, beside the site's: `{ name: 'publish', description: 'Publish selected posts', permissions: ['change'], run }`. */
  actions?: readonly AdminAction<T>[];
  /** Rows per changelist page (default 100). */
  listPerPage?: number;
  /** "Show all" is offered up to this many rows (default 200). */
  listMaxShowAll?: number;
  /**
   * How the changelist counts rows: `exact` (COUNT, as Django), `estimated` (PostgreSQL's planner
   * statistics for an unfiltered list, "about 10,000,000"), `none` (next/previous only), or `auto`
   * (the default): exact, except on a PostgreSQL table the planner puts above 100,000 rows, whose
   * unfiltered count and total are estimated. Filtered lists are always counted exactly.
   */
  countStrategy?: 'auto' | 'exact' | 'estimated' | 'none';
  /** The fields of the add and change forms, in order (default: every editable field). */
  fields?: ReadonlyArray<AdminFieldName<F>>;
  /** Django's fieldsets: `[['Content', { fields: ['title', 'content'] }], ['Publishing', { fields: ['status'], description: '…' }]]`. */
  fieldsets?: ReadonlyArray<readonly [string | null, { readonly fields: ReadonlyArray<AdminFieldName<F>>; readonly description?: string }]>;
  /** Fields left out of the forms. */
  exclude?: ReadonlyArray<AdminFieldName<F>>;
  /**
   * Many-to-many fields shown as a multiple select with a box that filters its options (Django's
   * filter_horizontal; without JavaScript, the plain select).
   */
  filterHorizontal?: ReadonlyArray<AdminFieldName<F>>;
  /** Fields shown but not editable. */
  readonlyFields?: ReadonlyArray<AdminFieldName<F>>;
  /** Foreign keys and many-to-many fields edited as keys rather than a select (large tables). */
  rawIdFields?: ReadonlyArray<AdminFieldName<F>>;
  /**
   * Relations edited with a search box fed by `/admin/autocomplete/` (the related model's admin
   * needs searchFields). Relations to more than 1,000 rows get one without being named here.
   */
  autocompleteFields?: ReadonlyArray<AdminFieldName<F>>;
  /** Saves the object from the form (default: `obj.save()`); `change` is false when adding. */
  saveModel?: (request: ViewRequest<any>, object: T, change: boolean) => Promise<void>;
  /** The rows the admin shows and acts on (default: the model's default manager, all rows). */
  getQueryset?: (request: ViewRequest<any>) => QuerySet<T>;
  hasViewPermission?: (request: ViewRequest<any>, object?: T) => boolean | Promise<boolean>;
  hasAddPermission?: (request: ViewRequest<any>) => boolean | Promise<boolean>;
  hasChangePermission?: (request: ViewRequest<any>, object?: T) => boolean | Promise<boolean>;
  hasDeletePermission?: (request: ViewRequest<any>, object?: T) => boolean | Promise<boolean>;
}

/** A model class as the admin takes it. */
export interface AdminModel {
  readonly meta: ModelMeta;
  readonly objects: { all(): object };
}

/** A model as registered: its options with Django's defaults filled in. */
export class ModelAdmin<T = any> {
  readonly listPerPage: number;
  readonly listMaxShowAll: number;
  readonly searchMaxTerms: number;
  readonly searchMaxLength: number;
  readonly onlineDeleteThreshold: number;

  constructor(
    readonly model: AdminModel,
    readonly options: ModelAdminOptions<T> = {},
  ) {
    this.listPerPage = options.listPerPage ?? 100;
    this.listMaxShowAll = options.listMaxShowAll ?? 200;
    this.searchMaxTerms = options.searchMaxTerms ?? 10;
    this.searchMaxLength = options.searchMaxLength ?? 200;
    this.onlineDeleteThreshold = options.onlineDeleteThreshold ?? 100_000;
    for (const name of ['listPerPage', 'searchMaxTerms', 'searchMaxLength', 'onlineDeleteThreshold'] as const) {
      if (!Number.isInteger(this[name]) || this[name] <= 0) throw new TypeError(`${model.meta.label}: ${name} must be a positive whole number.`);
    }
  }

  get meta(): ModelMeta {
    return this.model.meta;
  }

  getQueryset(request: ViewRequest<any>): QuerySet<T> {
    return this.options.getQueryset?.(request) ?? (this.model.objects.all() as QuerySet<T>);
  }

  private async may(request: ViewRequest<any>, action: string): Promise<boolean> {
    return (await userPermissions(request)).has(`${this.meta.appLabel}.${action}_${this.meta.modelName}`);
  }

  async hasViewPermission(request: ViewRequest<any>, object?: T): Promise<boolean> {
    if (this.options.hasViewPermission) return this.options.hasViewPermission(request, object);
    // As Django: who may change may also view.
    return (await this.may(request, 'view')) || (await this.hasChangePermission(request, object));
  }

  async hasAddPermission(request: ViewRequest<any>): Promise<boolean> {
    return this.options.hasAddPermission ? this.options.hasAddPermission(request) : this.may(request, 'add');
  }

  async hasChangePermission(request: ViewRequest<any>, object?: T): Promise<boolean> {
    return this.options.hasChangePermission ? this.options.hasChangePermission(request, object) : this.may(request, 'change');
  }

  async hasDeletePermission(request: ViewRequest<any>, object?: T): Promise<boolean> {
    return this.options.hasDeletePermission ? this.options.hasDeletePermission(request, object) : this.may(request, 'delete');
  }

  /**
   * The add page, for an admin that adds with a form of its own (UserAdmin: a username and the
   * password twice); without it, the change form.
   */
  addView?(request: ViewRequest<any>, context: ChangeFormContext): Promise<Response>;

  /** Pages of one object at `<pk>/<name>/`, by name (Django's get_urls): UserAdmin's `password`. */
  objectViews(): Readonly<Record<string, ObjectView<T>>> {
    return {};
  }

  /** The form's fields as this user sees them (Django's get_form): a subclass may swap widgets or make fields read-only. */
  async formFieldsFor(_request: ViewRequest<any>, _object: T | undefined, fields: FormField[]): Promise<FormField[]> {
    return fields;
  }

  /**
   * Checks the posted form as a whole before anything is saved (Django's ModelForm.clean): messages
   * by field name. `links` holds the many-to-many keys posted; the object's stored links are unchanged yet.
   */
  async cleanForm(_request: ViewRequest<any>, _object: T, _links: ReadonlyMap<string, unknown[]>): Promise<Record<string, string[]>> {
    return {};
  }

  /** Restoring from the trash: a soft-delete model's `restore_<model>` permission. */
  async hasRestorePermission(request: ViewRequest<any>): Promise<boolean> {
    return this.meta.softDelete && (await this.may(request, 'restore'));
  }

  /** Deleting for good (purging the trash, "Delete permanently"): `purge_<model>`. */
  async hasPurgePermission(request: ViewRequest<any>): Promise<boolean> {
    return this.meta.softDelete && (await this.may(request, 'purge'));
  }
}
