/**
 * The changelist's sidebar filters (Django's list_filter) for choices, booleans and foreign
 * keys: each choice is a link to the same list with its lookup set, and "All" clears it.
 */
import { BooleanField, FieldError, ForeignKeyField, type Field } from '../orm/index.ts';
import type { ModelAdmin } from './options.ts';

export interface FilterSpec {
  title: string;
  choices: { label: string; url: string; selected: boolean }[];
}

/** Foreign-key filters list the related objects up to this many. */
const RELATED_CHOICES = 200;

type Link = (changes: Record<string, string | undefined>) => string;

function option(params: URLSearchParams, link: Link, key: string, value: string | undefined, label: string, others: string[]) {
  const changes: Record<string, string | undefined> = { p: undefined, [key]: value };
  for (const other of others) if (other !== key) changes[other] = undefined;
  const selected = value === undefined ? others.every((k) => !params.has(k)) : params.get(key) === value;
  return { label, url: link(changes), selected };
}

export async function buildFilters(admin: ModelAdmin, params: URLSearchParams, link: Link): Promise<FilterSpec[]> {
  const specs: FilterSpec[] = [];
  for (const name of admin.options.listFilter ?? []) {
    const field: Field | undefined = admin.meta.field(name);
    if (field === undefined) throw new FieldError(`${admin.meta.label} admin: listFilter names '${name}', which is not a field.`);
    const title = field.verboseName;
    if (field instanceof ForeignKeyField) {
      const key = `${field.name}__${field.target.pk.name}__exact`;
      const keys = [key, `${field.name}__isnull`];
      const related = (await (field.target.modelClass.objects.all().slice(0, RELATED_CHOICES) as Promise<any[]>)) as Record<string, unknown>[];
      specs.push({
        title,
        choices: [
          option(params, link, key, undefined, 'All', keys),
          ...related.map((o) => option(params, link, key, String(o[field.target.pk.attname]), String(o), keys)),
          ...(field.nullable ? [option(params, link, `${field.name}__isnull`, 'True', 'None', keys)] : []),
        ],
      });
    } else if (field instanceof BooleanField) {
      const key = `${field.name}__exact`;
      const keys = [key, `${field.name}__isnull`];
      specs.push({
        title,
        choices: [
          option(params, link, key, undefined, 'All', keys),
          option(params, link, key, '1', 'Yes', keys),
          option(params, link, key, '0', 'No', keys),
          ...(field.nullable ? [option(params, link, `${field.name}__isnull`, 'True', 'Unknown', keys)] : []),
        ],
      });
    } else if (field.options.choices !== undefined) {
      const key = `${field.name}__exact`;
      const keys = [key, `${field.name}__isnull`];
      specs.push({
        title,
        choices: [
          option(params, link, key, undefined, 'All', keys),
          ...field.options.choices.map((c) => {
            const [value, label] = Array.isArray(c) ? c : [c, c];
            return option(params, link, key, String(value), String(label), keys);
          }),
        ],
      });
    } else {
      throw new FieldError(`${admin.meta.label} admin: listFilter '${name}' needs choices, a boolean or a foreign key.`);
    }
  }
  return specs;
}
