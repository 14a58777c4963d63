/**
 * The changelist's sidebar filters (Django's list_filter) for choices, booleans, relations and
 * dates, on the model's own fields or across relations (`author__status`): each choice is a link
 * to the same list with its lookup set, and "All" clears it.
 */
import { BooleanField, DateField, DateTimeField, FieldError, ForeignKeyField, ManyToManyField, type Field } from '../orm/index.ts';
import { dateFilter } from './dates.ts';
import { fieldAtPath, isPasswordField } from './lookups.ts';
import type { ModelAdmin } from './options.ts';

export interface FilterSpec {
  title: string;
  choices: { label: string; url: string; selected: boolean }[];
}

/** Foreign-key filters list the related objects up to this many. */
const RELATED_CHOICES = 200;

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

/** Whether the sidebar can filter by `field`: choices, a boolean, a date or a relation (what buildFilters knows how to list). */
export function canFilterBy(field: Field): boolean {
  return field instanceof ForeignKeyField || field instanceof ManyToManyField || field instanceof BooleanField || field instanceof DateField || field instanceof DateTimeField || field.options.choices !== undefined;
}

export async function buildFilters(admin: ModelAdmin, params: URLSearchParams, link: Link): Promise<FilterSpec[]> {
  const specs: FilterSpec[] = [];
  for (const name of admin.options.listFilter ?? []) {
    const field: Field | undefined = fieldAtPath(admin.meta, name);
    if (field === undefined) throw new FieldError(`${admin.meta.label} admin: listFilter names '${name}', which is not a field.`);
    // Its lookups are refused (lookups.ts): a filter would only list the hashes.
    if (isPasswordField(field)) throw new FieldError(`${admin.meta.label} admin: listFilter names '${name}', a password field, which the admin never filters by.`);
    const nullKey = `${name}__isnull`;
    const title = name.includes('__') ? name.split('__').join(' ') : field.verboseName;
    if (field instanceof ForeignKeyField || field instanceof ManyToManyField) {
      // In the related model's order, else by key: never in whatever order the table happens to hold.
      const order = [...(field.target.options.ordering ?? []), field.target.pk.name];
      const related = (await (field.target.modelClass.objects.all().orderBy(...order).slice(0, RELATED_CHOICES) as Promise<any[]>)) as Record<string, unknown>[];
      const values = related.map((o): [string, string] => [String(o[field.target.pk.attname]), String(o)]);
      specs.push(listFilter(params, link, title, `${name}__${field.target.pk.name}__exact`, nullKey, values, field.nullable ? 'None' : undefined));
    } else if (field instanceof BooleanField) {
      specs.push(listFilter(params, link, title, `${name}__exact`, nullKey, [['1', 'Yes'], ['0', 'No']], field.nullable ? 'Unknown' : undefined));
    } else if (field instanceof DateField || field instanceof DateTimeField) {
      specs.push(dateFilter(field, params, link, new Date(), name));
    } else if (field.options.choices !== undefined) {
      const values = field.options.choices.map((c): [string, string] => (Array.isArray(c) ? [String(c[0]), String(c[1])] : [String(c), String(c)]));
      specs.push(listFilter(params, link, title, `${name}__exact`, nullKey, values, undefined));
    } else {
      throw new FieldError(`${admin.meta.label} admin: listFilter '${name}' needs choices, a boolean, a date or a foreign key.`);
    }
  }
  return specs;
}
