/**
 * Adding and changing an object: the form built from its fields, validated by `fullClean()`
 * (nothing is saved while any field has an error), saved with its many-to-many links, and
 * recorded in the history with the old and new value of each changed field.
 */
import { atomic } from '../db/index.ts';
import { ManyToManyField } from '../orm/index.ts';
import { addError, cleanOnto, initialValues, messages, postedValues, redirect, render, type ViewRequest } from '../web/index.ts';
import { checkPreservedFilters } from './changelist.ts';
import { formFields, relatedLabels, type AutocompleteSource, type FormField } from './forms.ts';
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
  if (request.method !== 'POST') return page(await initialValues(fields, object), {});
  if (!canSave) return new Response('Your account may not change this.', { status: 403 });

  const form = await request.form();
  const editable = fields.filter((f) => !f.readonly);
  const ModelClass = admin.meta.modelClass as new (data?: object) => Instance;
  const target: Instance = adding ? new ModelClass({}) : object;
  const before = adding ? {} : await initialValues(fields, object);
  const { errors, links, revert } = await cleanOnto(target, editable.map((f) => f.field), form, {
    exclude: fields.filter((f) => f.readonly).map((f) => f.name),
    // The ModelAdmin's own check of the whole form (UserAdmin's two passwords), before the model's.
    clean: async (found, values) => {
      const posted = new Map(editable.filter((f) => f.field instanceof ManyToManyField && values.has(f.name)).map((f) => [f.name, values.get(f.name) as unknown[]]));
      for (const [key, list] of Object.entries(await admin.cleanForm(request, target, posted))) for (const message of list) addError(found, key, message);
    },
  });
  if (Object.keys(errors).length > 0) {
    // Nothing is saved; an object being changed keeps its stored values.
    revert();
    return page(postedValues(fields, form), errors);
  }
  const user = request.user.isAuthenticated ? String(request.user.username) : '';
  await atomic(async () => {
    if (admin.options.saveModel) await admin.options.saveModel(request, target, !adding);
    else await target.save();
    for (const [name, keys] of links) await target[name].set(keys);
    const after = await initialValues(fields, target);
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
