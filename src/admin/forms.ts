/**
 * The add and change forms, built from the model's fields: which fields a form shows and the
 * widget each gets, as the ModelAdmin's options say. Widgets, posted values and validation are
 * the web layer's form machinery (what `modelForm()` uses); validation itself is the model's
 * `fullClean()`.
 */
import { FieldError, ForeignKeyField, ManyToManyField, type Field } from '../orm/index.ts';
import { formFieldFor, isEditable, relatedChoices, widgetFor, type FormField } from '../web/index.ts';
import type { ModelAdmin } from './options.ts';

export { SELECT_LIMIT, relatedLabels, formValue, FormValueError, cleanRelatedKeys, parseValue, type Widget, type FormField } from '../web/index.ts';

/** The URL of the autocomplete endpoint for a relation, when its model is registered with search fields. */
export type AutocompleteSource = (field: ForeignKeyField | ManyToManyField) => string | undefined;

/**
 * The form's fields and their widgets. A relation is a select up to SELECT_LIMIT related rows,
 * and above it an autocomplete when the related model's admin can search (Django asks for
 * `autocompleteFields`; Trove does it unasked where a select would list thousands of rows);
 * `rawIdFields` always get a plain key input.
 */
export async function formFields(admin: ModelAdmin, canChange: boolean, autocompleteSource: AutocompleteSource = () => undefined): Promise<FormField[]> {
  const meta = admin.meta;
  const { exclude = [], readonlyFields = [], fieldsets, rawIdFields = [], autocompleteFields = [] } = admin.options;
  const chosen = admin.options.fields ?? fieldsets?.flatMap(([, group]) => group.fields);
  const candidates = [...meta.concreteFields, ...meta.manyToManyFields].filter((f) => (chosen === undefined ? isEditable(meta, f) : chosen.includes(f.name)) && !exclude.includes(f.name));
  const ordered = chosen === undefined ? candidates : chosen.map((name) => candidates.find((f) => f.name === name)).filter((f): f is Field => f !== undefined);
  const fields: FormField[] = [];
  for (const field of ordered) {
    const readonly = !canChange || readonlyFields.includes(field.name);
    if (field instanceof ForeignKeyField || field instanceof ManyToManyField) {
      const raw = rawIdFields.includes(field.name);
      const url = raw ? undefined : autocompleteSource(field);
      if (autocompleteFields.includes(field.name) && url === undefined) throw new FieldError(`${meta.label} admin: autocompleteFields names '${field.name}', but ${field.target.label} is not registered with searchFields.`);
      const listed = !raw && !autocompleteFields.includes(field.name);
      // A raw key input never offers the search box; a relation too large to list, or named in autocompleteFields, does.
      fields.push(await formFieldFor(meta, field, { readonly, widget: widgetFor(field, listed ? await relatedChoices(field) : undefined, url) }));
    } else fields.push(await formFieldFor(meta, field, { readonly }));
  }
  const filtered = admin.options.filterHorizontal ?? [];
  for (const [i, { widget, name }] of fields.entries()) {
    if (widget.kind === 'select' && widget.multiple && filtered.includes(name)) fields[i] = { ...fields[i]!, widget: { ...widget, filter: true } };
  }
  return fields;
}
