/**
 * Adding and changing an object: the form built from its fields, validated by `fullClean()`
 * (nothing is saved while any field has an error), saved with its many-to-many links, and
 * recorded in the history with the old and new value of each changed field.
 */
import { atomic } from '../db/index.ts';
import { ForeignKeyField, ManyToManyField, ValidationError, type Field } from '../orm/index.ts';
import { messages, redirect, render, type ViewRequest } from '../web/index.ts';
import { checkPreservedFilters } from './changelist.ts';
import { cleanRelatedKeys, FormValueError, formFields, formValue, parseValue, relatedLabels, type AutocompleteSource, type FormField } from './forms.ts';
import { ADDITION, CHANGE, logAction, type FieldChange } from './log.ts';
import type { ModelAdmin } from './options.ts';
import { ChangeFormPage } from './form-pages.tsx';
import type { AdminFrame } from './pages.tsx';

type Instance = Record<string, any> & { save(): Promise<unknown>; toString(): string };

export interface ChangeFormContext {
  frame: AdminFrame;
  crumbs: [string, string | undefined][];
  changelistUrl: string;
  addUrl: string;
  changeUrl: (pk: unknown) => string;
  historyUrl: (pk: unknown) => string;
  deleteUrl: (pk: unknown) => string;
  autocomplete: AutocompleteSource;
}

/** The attribute a form field reads and writes: `authorId` for a foreign key. */
function attname(field: Field): string {
  return field instanceof ForeignKeyField ? field.attname : field.name;
}

async function currentValues(fields: FormField[], object: Instance | undefined): Promise<Record<string, string | string[]>> {
  const values: Record<string, string | string[]> = {};
  for (const { field, name } of fields) {
    if (field instanceof ManyToManyField) {
      values[name] = object === undefined ? [] : ((await object[name].all()) as Record<string, unknown>[]).map((o) => String(o[field.target.pk.attname]));
    } else {
      const value = object === undefined ? field.getDefault() : object[attname(field)];
      values[name] = field.kind === 'boolean' ? String(value === true) : formValue(field, value);
    }
  }
  return values;
}

/** What the form posted, as the inputs should show it again after an error. */
function postedValues(fields: FormField[], form: FormData): Record<string, string | string[]> {
  const values: Record<string, string | string[]> = {};
  for (const { field, name } of fields) {
    if (field instanceof ManyToManyField) values[name] = form.getAll(name).map(String);
    else if (field.kind === 'boolean') values[name] = String(form.get(name) !== null);
    else values[name] = String(form.get(name) ?? '');
  }
  return values;
}

function noun(admin: ModelAdmin): string {
  return admin.meta.verboseName;
}

function withFilters(url: string, filters: string | undefined): string {
  return filters ? `${url}?${new URLSearchParams({ _changelist_filters: filters })}` : url;
}

/** GET shows the form; POST validates, saves and redirects as the pressed button says. */
export async function changeForm(admin: ModelAdmin, request: ViewRequest<any>, object: Instance | undefined, context: ChangeFormContext): Promise<Response> {
  const adding = object === undefined;
  const canSave = adding ? await admin.hasAddPermission(request) : await admin.hasChangePermission(request, object);
  const fields = await admin.formFieldsFor(request, object, await formFields(admin, canSave, context.autocomplete));
  const filters = request.method === 'POST' ? String((await request.form()).get('_changelist_filters') ?? '') || undefined : request.url.searchParams.get('_changelist_filters') ?? undefined;
  checkPreservedFilters(admin, filters, request);
  const title = `${adding ? 'Add' : canSave ? 'Change' : 'View'} ${noun(admin)}`;
  const page = async (values: Record<string, string | string[]>, errors: Record<string, string[]>, status = 200) =>
    render(request, ChangeFormPage({
      frame: context.frame, title, crumbs: [...context.crumbs, [adding ? `Add ${noun(admin)}` : String(object), undefined]], fields, values, errors,
      labels: await relatedLabels(fields, values),
      canSave, adding, historyUrl: adding ? undefined : context.historyUrl(object![admin.meta.pk.attname]), changelistFilters: filters,
      deleteUrl: !adding && (await admin.hasDeletePermission(request, object)) ? withFilters(context.deleteUrl(object![admin.meta.pk.attname]), filters) : undefined,
      ...(admin.options.fieldsets && { fieldsets: admin.options.fieldsets }),
    }), status);
  if (request.method !== 'POST') return page(await currentValues(fields, object), {});
  if (!canSave) return new Response('Your account may not change this.', { status: 403 });

  const form = await request.form();
  const editable = fields.filter((f) => !f.readonly);
  const errors: Record<string, string[]> = {};
  const ModelClass = admin.meta.modelClass as new (data?: object) => Instance;
  const target: Instance = adding ? new ModelClass({}) : object;
  const before = adding ? {} : await currentValues(fields, object);
  const links = new Map<string, unknown[]>();
  const saved: Record<string, unknown> = {};
  for (const { field, name } of editable) {
    try {
      const value = parseValue(field, form);
      if (field instanceof ManyToManyField) links.set(name, await cleanRelatedKeys(field, value as string[]));
      else {
        saved[attname(field)] = target[attname(field)];
        target[attname(field)] = value;
      }
    } catch (error) {
      if (!(error instanceof FormValueError)) throw error;
      errors[name] = [error.message];
    }
  }
  for (const [key, list] of Object.entries(await admin.cleanForm(request, target, links))) (errors[key] ??= []).push(...list);
  try {
    await (target as unknown as { fullClean(options: object): Promise<void> }).fullClean({ exclude: [...Object.keys(errors), ...fields.filter((f) => f.readonly).map((f) => f.name)] });
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    for (const [key, list] of Object.entries(error.errors)) (errors[key] ??= []).push(...list);
  }
  if (Object.keys(errors).length > 0) {
    // Nothing is saved; an object being changed keeps its stored values.
    if (!adding) for (const [key, value] of Object.entries(saved)) target[key] = value;
    return page(postedValues(fields, form), errors);
  }
  const user = request.user.isAuthenticated ? String(request.user.username) : '';
  await atomic(async () => {
    if (admin.options.saveModel) await admin.options.saveModel(request, target, !adding);
    else await target.save();
    for (const [name, keys] of links) await target[name].set(keys);
    const after = await currentValues(fields, target);
    const changed = editable.filter((f) => JSON.stringify(before[f.name]) !== JSON.stringify(after[f.name]));
    const [labelsBefore, labelsAfter] = [await relatedLabels(changed, before), await relatedLabels(changed, after)];
    const changes: FieldChange[] = changed.map((f) => ({ field: f.label, old: shown(f, before[f.name], labelsBefore[f.name]), new: shown(f, after[f.name], labelsAfter[f.name]) }));
    await logAction(user, admin.meta, target[admin.meta.pk.attname], String(target), adding ? ADDITION : CHANGE, adding ? {} : { changes });
  }, { using: admin.getQueryset(request).db });

  const pk = target[admin.meta.pk.attname];
  const name = `The ${noun(admin)} “${String(target)}” was ${adding ? 'added' : 'changed'} successfully.`;
  if (form.has('_continue')) {
    messages.success(request, `${name} You may edit it again below.`);
    return redirect(withFilters(context.changeUrl(pk), filters));
  }
  if (form.has('_addanother')) {
    messages.success(request, `${name} You may add another ${noun(admin)} below.`);
    return redirect(withFilters(context.addUrl, filters));
  }
  messages.success(request, name);
  return redirect(filters ? `${context.changelistUrl}?${filters}` : context.changelistUrl);
}

/** A value as the history shows it: a choice's label, a related object's text, `-` for none. */
function shown(field: FormField, value: string | string[] | undefined, related: Record<string, string> = {}): string {
  const widget = field.widget;
  const list = Array.isArray(value) ? value : [value ?? ''];
  const labels = list.map((v) => (widget.kind === 'select' ? widget.options.find(([k]) => k === v)?.[1] ?? v : widget.kind === 'key' ? related[v] ?? v : field.field.kind === 'boolean' ? (v === 'true' ? 'Yes' : 'No') : v));
  const text = labels.filter((l) => l !== '').join(', ');
  return text === '' ? '-' : text;
}
