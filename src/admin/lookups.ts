/**
 * Which lookups the address of a changelist may filter by: Django's `ModelAdmin.lookup_allowed`.
 * A filter is a question about the rows it reaches, so an unchecked one lets anyone who may view
 * posts read what posts point at, a letter at a time: `?author__email__startswith=an` (Django's
 * CVE-2010-4534). Allowed, as in Django:
 *
 * - lookups on the model's own fields (`status__exact`, `title__icontains`, `createdAt__year`),
 *   and on a relation's key or presence (`author__id__exact`, `author__isnull`), which read
 *   nothing beyond this model's own columns;
 * - lookups across relations that `listFilter` or `dateHierarchy` name, up to that name
 *   (`author__name` in listFilter allows `author__name__icontains`);
 * - what the ModelAdmin's `lookupAllowed` option says beyond that.
 *
 * Never a password field, wherever it sits, whatever the option says. Anything else is a
 * DisallowedModelAdminLookup: a 400, as Django's (a SuspiciousOperation). So is a lookup that reads a
 * model the user may not view (checkVisibleLookups), which Django would allow.
 */
import { ForeignKeyField, ManyToManyField, type Field, type ModelMeta, type ReverseRelation } from '../orm/index.ts';
import { BadRequest, type ViewRequest } from '../web/index.ts';
import type { ModelAdmin } from './options.ts';

export class DisallowedModelAdminLookup extends BadRequest {
  override name = 'DisallowedModelAdminLookup';
}

/** One name of a lookup path as it resolves on a model. */
interface Hop {
  field: Field | undefined;
  /** The model a relation leads to; undefined for a plain column (what follows is a lookup). */
  next: ModelMeta | undefined;
  /** The model's own primary key (not itself a relation): `author__id` reads the foreign key's column. */
  isOwnKey: boolean;
}

/** What `part` names on `meta`: a field, `pk`, a reverse relation, or (undefined) none of them. */
function hopOf(meta: ModelMeta, part: string): Hop | undefined {
  const field = part === 'pk' ? meta.pk : meta.field(part);
  if (field !== undefined) {
    // `authorId` is the column itself, not the relation.
    const relation = field instanceof ManyToManyField || (field instanceof ForeignKeyField && part === field.name);
    const next = relation ? (field as ForeignKeyField | ManyToManyField).target : undefined;
    return { field, next, isOwnKey: field === meta.pk && !relation };
  }
  const reverse = meta.reverseRelation(part);
  return reverse === undefined ? undefined : { field: undefined, next: reverse.relatedModel, isOwnKey: false };
}

/**
 * The field a listFilter or dateHierarchy path ends at (`shelf__label`: Shelf's label), through
 * any relations; undefined when a name on the way is no field or relation. `forwardOnly`: through
 * foreign keys alone, as ordering and values() follow them.
 */
export function fieldAtPath(meta: ModelMeta, path: string, forwardOnly = false): Field | undefined {
  const names = path.split('__');
  let model = meta;
  for (const [i, name] of names.entries()) {
    const hop = hopOf(model, name);
    if (hop === undefined) return undefined;
    if (i === names.length - 1) return hop.field;
    if (hop.next === undefined || (forwardOnly && !(hop.field instanceof ForeignKeyField))) return undefined;
    model = hop.next;
  }
  return undefined;
}

/**
 * What a listFilter path ends at: a field (`status`, `author__name`, `tags`), or a reverse
 * relation (`comment` on Post: the posts with a given comment); the model it is on, for the
 * filter that lists that model's values. Undefined when a name on the way is neither.
 */
export type FilterTarget = { field: Field; model: ModelMeta } | { reverse: ReverseRelation; model: ModelMeta };

export function filterTargetAt(meta: ModelMeta, path: string): FilterTarget | undefined {
  const names = path.split('__');
  let model = meta;
  for (const [i, name] of names.entries()) {
    const hop = hopOf(model, name);
    if (hop === undefined) return undefined;
    if (i === names.length - 1) {
      if (hop.field !== undefined) return { field: hop.field, model };
      const reverse = model.reverseRelation(name);
      return reverse === undefined ? undefined : { reverse, model };
    }
    if (hop.next === undefined) return undefined;
    model = hop.next;
  }
  return undefined;
}

/**
 * A listFilter name as the relation it names: `makerId` (a foreign key's column, which Django's
 * get_field() also finds by its attname, `maker_id`) is the filter by `maker`, with the same
 * links; any other name is itself.
 */
export function filterPath(meta: ModelMeta, name: string): string {
  const target = filterTargetAt(meta, name);
  if (target === undefined || !('field' in target) || !(target.field instanceof ForeignKeyField)) return name;
  const names = name.split('__');
  return names.at(-1) === target.field.attname ? [...names.slice(0, -1), target.field.name].join('__') : name;
}

/** Secrets are never a filter: a password hash read a character at a time is still a leak. */
export function isPasswordField(field: Field): boolean {
  return /password/i.test(field.name);
}

/**
 * Django's `relation_parts`: the names of the path that read another model's columns, and the
 * last name looked at. The first name always counts; after a relation, every name but that
 * model's own key. A name that is no field ends the path: the ORM judges the rest.
 */
export function relationParts(meta: ModelMeta, lookup: string): { parts: string[]; last: string; password: boolean } {
  const parts: string[] = [];
  let model = meta;
  let last = '';
  let password = false;
  for (const [i, part] of lookup.split('__').entries()) {
    last = part;
    const hop = hopOf(model, part);
    if (hop === undefined) break;
    if (hop.field !== undefined && isPasswordField(hop.field)) password = true;
    if (i === 0 || !hop.isOwnKey) parts.push(part);
    if (hop.next === undefined) break;
    model = hop.next;
  }
  return { parts, last, password };
}

/** The names listFilter and dateHierarchy open to lookups across relations. */
function namedPaths(admin: ModelAdmin): Set<string> {
  const names = new Set<string>((admin.options.listFilter ?? []).map((name) => filterPath(admin.meta, name)));
  if (admin.options.dateHierarchy !== undefined) names.add(admin.options.dateHierarchy);
  return names;
}

/** Django's rule alone: a local lookup, or one across relations that listFilter or dateHierarchy name. */
export function allowedByDefault(admin: ModelAdmin, lookup: string): boolean {
  const { parts, last } = relationParts(admin.meta, lookup);
  if (parts.length <= 1) return true;
  const named = namedPaths(admin);
  return named.has(parts.join('__')) || named.has([...parts, last].join('__'));
}

/** Whether the changelist may filter by `lookup` with `value` for this request. */
export function lookupAllowed(admin: ModelAdmin, lookup: string, value: string, request: ViewRequest<any>): boolean {
  if (relationParts(admin.meta, lookup).password) return false;
  const byDefault = allowedByDefault(admin, lookup);
  const option = admin.options.lookupAllowed;
  return option === undefined ? byDefault : option(lookup, value, request, byDefault);
}

/** Throws DisallowedModelAdminLookup (a 400) at the first lookup of `lookups` the list may not filter by. */
export function checkLookups(admin: ModelAdmin, lookups: Record<string, string>, request: ViewRequest<any>): void {
  for (const [lookup, value] of Object.entries(lookups)) {
    if (!lookupAllowed(admin, lookup, value, request)) throw new DisallowedModelAdminLookup(`Filtering by ${lookup} not allowed`);
  }
}

/** Whether the request's user may see a model's rows in the admin (permissions.ts: modelVisibility). */
export type ModelVisibility = (meta: ModelMeta) => Promise<boolean>;

/**
 * The models a lookup or a listFilter path reads besides the list's own rows: each one a relation
 * on the way leads to (`owner__name` and `owner__id__exact`: Owner, whose live rows decide where a
 * key points; `things`: Thing). `ownerId__exact` reads the list's own column: none.
 */
export function modelsAlong(meta: ModelMeta, path: string): ModelMeta[] {
  const reached: ModelMeta[] = [];
  let model = meta;
  for (const part of path.split('__')) {
    const hop = hopOf(model, part);
    if (hop?.next === undefined) break;
    reached.push(hop.next);
    model = hop.next;
  }
  return reached;
}

/**
 * Whether the user may view every model `path` reaches. Django lists any related model's
 * objects in a filter; Trove's admin never shows data of a model the user may not view, not even
 * as the rows a filter by it lets through.
 */
export async function visibleAlong(meta: ModelMeta, path: string, mayView: ModelVisibility): Promise<boolean> {
  for (const model of modelsAlong(meta, path)) if (!(await mayView(model))) return false;
  return true;
}

/** Throws DisallowedModelAdminLookup (a 400) at the first lookup that reads a model the user may not view. */
export async function checkVisibleLookups(admin: ModelAdmin, lookups: Record<string, string>, mayView: ModelVisibility): Promise<void> {
  for (const lookup of Object.keys(lookups)) {
    if (!(await visibleAlong(admin.meta, lookup, mayView))) throw new DisallowedModelAdminLookup(`Filtering by ${lookup} not allowed`);
  }
}
