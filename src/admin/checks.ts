/**
 * The admin's system checks (Django's `admin.E0xx`): each ModelAdmin option that names fields
 * is checked against the model when the project starts, not when a page is first opened. Ids
 * follow Django's where Django has the check; those from admin.E150 on are Trove's own.
 */
import { checkError, type CheckMessage } from '../checks/index.ts';
import {
  closestPath, DateField, DateTimeField, FieldError, ForeignKeyField, ManyToManyField, resolveOrdering, type Field,
} from '../orm/index.ts';
import { canFilterBy } from './filters.ts';
import { fieldAtPath, filterTargetAt, isPasswordField } from './lookups.ts';
import type { ModelAdmin } from './options.ts';
import type { AdminSite } from './site.ts';
import { kindOf } from './value-filter.ts';

/** What the sidebar can filter by, for the hint of admin.E150. */
const FILTERABLE = 'The sidebar filters by fields with choices, booleans, dates, text, numbers, decimals, UUIDs, and relations (foreign keys, many-to-many and reverse relations). Filter by another field, or give this one choices.';

export function checkAdminSite(site: AdminSite): CheckMessage[] {
  const admins = site.modelAdmins();
  const registered = new Map(admins.map((admin) => [admin.meta.label, admin]));
  return admins.flatMap((admin) => checkModelAdmin(admin, (label) => registered.get(label)));
}

/** What one registration's options name that the model does not have. */
export function checkModelAdmin(admin: ModelAdmin, adminFor: (label: string) => ModelAdmin | undefined = () => undefined): CheckMessage[] {
  const meta = admin.meta;
  const o = admin.options;
  const messages: CheckMessage[] = [];
  const object = `admin ${meta.label}`;
  const problem = (id: string, text: string, hint?: string) => messages.push(checkError(id, text, { object, ...(hint === undefined ? {} : { hint }) }));
  // Path by path, segment by segment: for `author__nmae`, `author__name`.
  const didYouMean = (name: string, forwardOnly = false) => {
    const closest = closestPath(meta, name, { forwardOnly });
    return closest === undefined ? undefined : `Did you mean '${closest}'?`;
  };
  const ownField = (option: string, name: string, index: number): Field | undefined => {
    const field = meta.field(name);
    if (field === undefined) problem('admin.E035', `The value of '${option}[${index}]' refers to '${name}', which is not a field of '${meta.label}'.`, didYouMean(name, true));
    return field;
  };

  const display = o.listDisplay ?? [];
  display.forEach((entry, i) => {
    if (typeof entry !== 'string' || entry === '__str__') return;
    const field = fieldAtPath(meta, entry, true);
    if (field === undefined) problem('admin.E108', `The value of 'listDisplay[${i}]' refers to '${entry}', which is not a field of '${meta.label}' or a path through its foreign keys.`, didYouMean(entry, true) ?? 'Name a field, a path such as author__name, or give a computed column { label, value }.');
    else if (field instanceof ManyToManyField) problem('admin.E109', `The value of 'listDisplay[${i}]' must not be a many-to-many field ('${entry}').`, 'Give a computed column { label, value } that lists the related objects.');
  });
  (o.listDisplayLinks ?? []).forEach((name, i) => {
    if (!display.includes(name)) problem('admin.E111', `The value of 'listDisplayLinks[${i}]' refers to '${name}', which is not defined in 'listDisplay'.`);
  });
  (o.listFilter ?? []).forEach((name, i) => {
    const target = filterTargetAt(meta, name);
    if (target === undefined) problem('admin.E116', `The value of 'listFilter[${i}]' refers to '${name}', which does not refer to a field.`, didYouMean(name));
    else if ('reverse' in target) return;
    else if (isPasswordField(target.field)) problem('admin.E116', `The value of 'listFilter[${i}]' refers to '${name}', a password field, which the admin never filters by.`);
    else if (!canFilterBy(target.field)) {
      problem('admin.E150', `The value of 'listFilter[${i}]' refers to '${name}', ${kindOf(target.field)}: filtering by it is not supported (yet).`, FILTERABLE);
    }
  });
  (o.searchFields ?? []).forEach((entry, i) => {
    const name = entry.replace(/^[\^=@]/, '');
    const field = fieldAtPath(meta, name);
    if (field === undefined) problem('admin.E151', `The value of 'searchFields[${i}]' refers to '${name}', which is not a field or a path of '${meta.label}'.`, didYouMean(name));
    else if (isPasswordField(field)) problem('admin.E151', `The value of 'searchFields[${i}]' refers to '${name}', a password field, which the admin never searches.`);
  });
  (o.ordering ?? []).forEach((name, i) => {
    if (name === '?') return;
    try {
      resolveOrdering(meta, [name]);
    } catch (error) {
      if (!(error instanceof FieldError)) throw error;
      problem('admin.E033', `The value of 'ordering[${i}]' refers to '${name}', which is not a field or a path of '${meta.label}'.`, didYouMean(name.replace(/^-/, ''), true));
    }
  });
  if (o.dateHierarchy !== undefined) {
    const field = fieldAtPath(meta, o.dateHierarchy, true);
    if (field === undefined) problem('admin.E127', `The value of 'dateHierarchy' refers to '${o.dateHierarchy}', which does not refer to a field.`, didYouMean(o.dateHierarchy, true));
    else if (!(field instanceof DateField || field instanceof DateTimeField)) problem('admin.E128', `The value of 'dateHierarchy' must be a date or a date-time field ('${o.dateHierarchy}').`);
  }
  const formNames = o.fields ?? o.fieldsets?.flatMap(([, group]) => group.fields) ?? [];
  const option = o.fields !== undefined ? 'fields' : 'fieldsets';
  // A field no one edits (the automatic key, a date set on save) is shown read-only, never as an input.
  formNames.forEach((name, i) => ownField(option, name, i));
  const repeated = formNames.filter((name, i) => formNames.indexOf(name) !== i);
  if (repeated.length > 0) problem(o.fields !== undefined ? 'admin.E006' : 'admin.E012', `There are duplicate field(s) in '${option}': ${[...new Set(repeated)].join(', ')}.`);
  (o.exclude ?? []).forEach((name, i) => ownField('exclude', name, i));
  (o.readonlyFields ?? []).forEach((name, i) => ownField('readonlyFields', name, i));
  for (const [option, names] of [['rawIdFields', o.rawIdFields ?? []], ['autocompleteFields', o.autocompleteFields ?? []]] as const) {
    names.forEach((name, i) => {
      const field = ownField(option, name, i);
      if (field === undefined) return;
      if (!(field instanceof ForeignKeyField || field instanceof ManyToManyField)) {
        problem(option === 'rawIdFields' ? 'admin.E003' : 'admin.E038', `The value of '${option}[${i}]' must be a foreign key or a many-to-many field ('${name}').`);
      } else if (option === 'autocompleteFields') {
        const target = adminFor(field.target.label);
        if (target === undefined) problem('admin.E039', `An admin for model '${field.target.label}' has to be registered to be referenced by 'autocompleteFields[${i}]'.`);
        else if ((target.options.searchFields ?? []).length === 0) problem('admin.E040', `The admin of '${field.target.label}' must define 'searchFields', because it's referenced by '${admin.meta.label}' admin's 'autocompleteFields[${i}]'.`);
      }
    });
  }
  (o.filterHorizontal ?? []).forEach((name, i) => {
    const field = ownField('filterHorizontal', name, i);
    if (field !== undefined && !(field instanceof ManyToManyField)) problem('admin.E020', `The value of 'filterHorizontal[${i}]' must be a many-to-many field ('${name}').`);
  });
  const actions = (o.actions ?? []).map((action) => action.name);
  const twice = actions.filter((name, i) => actions.indexOf(name) !== i);
  if (twice.length > 0) problem('admin.E130', `The names of the actions in 'actions' must be unique; ${[...new Set(twice)].join(', ')} is used more than once.`);
  return messages;
}
