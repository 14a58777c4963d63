/**
 * The changelist's sidebar filters (Django's list_filter) for choices, booleans, dates,
 * relations (forward and reverse) and plain values, on the model's own fields or across
 * relations (`author__status`): each choice is a link to the same list with its lookup set, and
 * "All" clears it. Every lookup a filter links to is one the list accepts (lookups.ts): a local
 * one, or one across the path listFilter names.
 */
import { BooleanField, DateField, DateTimeField, FieldError, ForeignKeyField, ManyToManyField, type Field, type ModelMeta, type QuerySet } from '../orm/index.ts';
import { dateFilter } from './dates.ts';
import { filterPath, filterTargetAt, isPasswordField, visibleAlong, type ModelVisibility } from './lookups.ts';
import type { ModelAdmin } from './options.ts';
import { distinctValues, isPlainValueField, valueLabel } from './value-filter.ts';

export interface FilterSpec {
  title: string;
  choices: { label: string; url: string; selected: boolean }[];
  /** Said under the choices: that the list of them is cut short. */
  note?: string;
}

/** Relation filters list the related objects up to this many. */
export const RELATED_CHOICES = 200;

export type Link = (changes: Record<string, string | undefined>) => string;

function option(params: URLSearchParams, link: Link, key: string, value: string | undefined, label: string, others: string[]) {
  const changes: Record<string, string | undefined> = { p: undefined, [key]: value };
  for (const other of others) if (other !== key) changes[other] = undefined;
  const selected = value === undefined ? others.every((k) => !params.has(k)) : params.get(key) === value;
  return { label, url: link(changes), selected };
}

/** "All", one link per value, and "None"/"Unknown" for a nullable field. */
function listFilter(params: URLSearchParams, link: Link, title: string, key: string, nullKey: string, values: [string, string][], nullLabel: string | undefined): FilterSpec {
  const keys = [key, nullKey];
  return {
    title,
    choices: [
      option(params, link, key, undefined, 'All', keys),
      ...values.map(([value, label]) => option(params, link, key, value, label, keys)),
      ...(nullLabel === undefined ? [] : [option(params, link, nullKey, 'True', nullLabel, keys)]),
    ],
  };
}

/**
 * A list cut at `limit`: the note that says so, and the value the address chose, kept as a
 * choice when it is beyond the cut (the user sees what the list is filtered by).
 */
function bounded(spec: FilterSpec, more: boolean, limit: number, what: string): FilterSpec {
  return more ? { ...spec, note: `Only the first ${limit} ${what} are listed.` } : spec;
}

function withChosen(values: [string, string][], params: URLSearchParams, key: string): [string, string][] {
  const chosen = params.get(key);
  return chosen === null || values.some(([value]) => value === chosen) ? values : [...values, [chosen, valueLabel(chosen)]];
}

/**
 * Whether the sidebar can filter by `field`: choices, a boolean, a date, a relation or a plain
 * value (what buildFilters knows how to list). JSON fields, and fields of custom kinds, cannot.
 */
export function canFilterBy(field: Field): boolean {
  return field instanceof ForeignKeyField || field instanceof ManyToManyField || field instanceof BooleanField || field instanceof DateField || field instanceof DateTimeField || field.options.choices !== undefined || isPlainValueField(field);
}

/** The related model's objects, in its order (else by key, never as the table happens to hold them), up to the bound. */
async function relatedChoices(target: ModelMeta): Promise<{ values: [string, string][]; more: boolean }> {
  const order = [...(target.options.ordering ?? []), target.pk.name];
  const related = (await (target.modelClass.objects.all().orderBy(...order).slice(0, RELATED_CHOICES + 1) as Promise<any[]>)) as Record<string, unknown>[];
  return { values: related.slice(0, RELATED_CHOICES).map((o): [string, string] => [String(o[target.pk.attname]), String(o)]), more: related.length > RELATED_CHOICES };
}

/**
 * The sidebar's filters. `base` is the list's queryset before its filters: the values of the
 * model's own plain fields are those its rows hold (as Django's); across a relation, those of
 * the related model's rows. A filter that reads a model the user may not view (its objects, its
 * values, or which rows it relates to) is left out, and its lookups are refused (lookups.ts).
 */
export async function buildFilters(admin: ModelAdmin, params: URLSearchParams, link: Link, base: QuerySet<any>, mayView: ModelVisibility): Promise<FilterSpec[]> {
  const specs: FilterSpec[] = [];
  for (const listed of admin.options.listFilter ?? []) {
    const target = filterTargetAt(admin.meta, listed);
    if (target === undefined) throw new FieldError(`${admin.meta.label} admin: listFilter names '${listed}', which is not a field.`);
    // `makerId` filters as `maker` does, by the same lookups.
    const name = filterPath(admin.meta, listed);
    if (!(await visibleAlong(admin.meta, name, mayView))) continue;
    const nullKey = `${name}__isnull`;
    const across = name.includes('__');
    if ('reverse' in target) {
      // The rows that some related row points at (Django's RelatedFieldListFilter on a reverse key), or none does.
      const related = target.reverse.relatedModel;
      const { values, more } = await relatedChoices(related);
      const key = `${name}__${related.pk.name}__exact`;
      specs.push(bounded(listFilter(params, link, across ? name.split('__').join(' ') : related.verboseName, key, nullKey, withChosen(values, params, key), 'None'), more, RELATED_CHOICES, related.verboseNamePlural));
      continue;
    }
    const field = target.field;
    // Its lookups are refused (lookups.ts): a filter would only list the hashes.
    if (isPasswordField(field)) throw new FieldError(`${admin.meta.label} admin: listFilter names '${name}', a password field, which the admin never filters by.`);
    const title = across ? name.split('__').join(' ') : field.verboseName;
    if (field instanceof ForeignKeyField || field instanceof ManyToManyField) {
      const { values, more } = await relatedChoices(field.target);
      const key = `${name}__${field.target.pk.name}__exact`;
      specs.push(bounded(listFilter(params, link, title, key, nullKey, withChosen(values, params, key), field.nullable ? 'None' : undefined), more, RELATED_CHOICES, field.target.verboseNamePlural));
    } else if (field instanceof BooleanField) {
      specs.push(listFilter(params, link, title, `${name}__exact`, nullKey, [['1', 'Yes'], ['0', 'No']], field.nullable ? 'Unknown' : undefined));
    } else if (field instanceof DateField || field instanceof DateTimeField) {
      specs.push(dateFilter(field, params, link, new Date(), name));
    } else if (field.options.choices !== undefined) {
      const values = field.options.choices.map((c): [string, string] => (Array.isArray(c) ? [String(c[0]), String(c[1])] : [String(c), String(c)]));
      specs.push(listFilter(params, link, title, `${name}__exact`, nullKey, values, undefined));
    } else if (isPlainValueField(field)) {
      const source = across ? (target.model.modelClass.objects.all() as QuerySet<any>) : base;
      const { values, more } = await distinctValues(source, field.name);
      const key = `${name}__exact`;
      const listed = values.map((v): [string, string] => [String(v), valueLabel(v)]);
      specs.push(bounded(listFilter(params, link, title, key, nullKey, withChosen(listed, params, key), field.nullable ? 'None' : undefined), more, values.length, 'values'));
    } else {
      throw new FieldError(`${admin.meta.label} admin: listFilter '${name}' cannot filter by this kind of field (not supported yet).`);
    }
  }
  return specs;
}
