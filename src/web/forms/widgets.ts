/**
 * The input a model field gets on a form (Django's form field and widget in one): its kind,
 * whether a person edits it at all, whether it is required, and a relation's choices.
 * The admin and ModelForm both build their fields here.
 */
import {
  BooleanField, capitalise, DateField, DateTimeField, DecimalField, FloatField, ForeignKeyField, IntegerField, JsonField, ManyToManyField,
  TextField, type Field, type ModelMeta,
} from '../../orm/index.ts';

/** Relations to tables larger than this get a key input (or the admin's autocomplete) instead of a select. */
export const SELECT_LIMIT = 1000;

export type Widget =
  | { kind: 'input'; type: string; step?: string; maxLength?: number; inputMode?: 'decimal' | 'numeric'; autocomplete?: string }
  | { kind: 'textarea' }
  | { kind: 'checkbox' }
  /** With `filter`, the page offers a box that narrows the options shown (the admin's filterHorizontal). */
  | { kind: 'select'; options: [string, string][]; multiple: boolean; allowEmpty: boolean; filter?: boolean }
  /** A stored password: what may be shown of it, and a link to the page that changes it (never an input). */
  | { kind: 'passwordHash'; summary: [string, string][] | undefined; changeUrl: string | undefined }
  /**
   * The related rows' keys, typed in (comma-separated for many-to-many), for a large table.
   * With `autocompleteUrl`, the admin's script turns it into a search box fed by a JSON endpoint.
   */
  | { kind: 'key'; target: ModelMeta; multiple: boolean; autocompleteUrl: string | undefined };

/** One input of a form: the model field behind it and how it is shown. */
export interface FormField {
  field: Field;
  name: string;
  label: string;
  widget: Widget;
  required: boolean;
  readonly: boolean;
  helpText: string | undefined;
}

/** Fields a person edits: not the automatic key, the trash stamps, or dates set on save. */
export function isEditable(meta: ModelMeta, field: Field): boolean {
  if (field === meta.pk && meta.pk.kind === 'auto') return false;
  if (meta.softDelete && (field.name === 'deletedAt' || field.name === 'deletionId')) return false;
  const options = field.options as { autoNow?: boolean; autoNowAdd?: boolean };
  return options.autoNow !== true && options.autoNowAdd !== true;
}

/**
 * Django's rule: a field must be filled unless it may be blank (a many-to-many too: Django's
 * ModelMultipleChoiceField is required unless `blank=True`); a checkbox may always be left empty.
 */
export function isRequired(field: Field): boolean {
  return !(field.options.blank === true || field instanceof BooleanField);
}

/**
 * The widget of a field. `choices` are a relation's rows as [key, text], or undefined when its
 * table is too large to list (then a key input, with `autocompleteUrl` when one serves it).
 */
export function widgetFor(field: Field, choices?: [string, string][], autocompleteUrl?: string): Widget {
  const fieldChoices = field.options.choices;
  if (fieldChoices !== undefined) {
    return { kind: 'select', multiple: false, allowEmpty: field.nullable || field.options.blank === true, options: fieldChoices.map((c) => (Array.isArray(c) ? [String(c[0]), String(c[1])] : [String(c), String(c)])) };
  }
  if (field instanceof ForeignKeyField || field instanceof ManyToManyField) {
    if (choices === undefined) return { kind: 'key', target: field.target, multiple: field instanceof ManyToManyField, autocompleteUrl };
    return { kind: 'select', options: choices, multiple: field instanceof ManyToManyField, allowEmpty: field instanceof ForeignKeyField && field.nullable };
  }
  if (field instanceof BooleanField) return { kind: 'checkbox' };
  if (field instanceof TextField || field instanceof JsonField) return { kind: 'textarea' };
  if (field instanceof DateTimeField) return { kind: 'input', type: 'datetime-local', step: '1' };
  if (field instanceof DateField) return { kind: 'input', type: 'date' };
  if (field instanceof DecimalField) return { kind: 'input', type: 'text', inputMode: 'decimal' };
  if (field instanceof IntegerField) return { kind: 'input', type: 'number', step: '1' };
  if (field instanceof FloatField) return { kind: 'input', type: 'number', step: 'any' };
  const maxLength = (field as { maxLength?: number }).maxLength;
  const type = field.kind === 'email' ? 'email' : field.kind === 'url' ? 'url' : 'text';
  return { kind: 'input', type, ...(maxLength !== undefined && { maxLength }) };
}

/** The choices of a relation's select (its model's live rows), or undefined when its table is too large to list. */
export async function relatedChoices(field: ForeignKeyField | ManyToManyField): Promise<[string, string][] | undefined> {
  const target = field.target;
  const rows = (await target.modelClass.objects.all().slice(0, SELECT_LIMIT + 1)) as Record<string, unknown>[];
  if (rows.length > SELECT_LIMIT) return undefined;
  return rows.map((row) => [String(row[target.pk.attname]), String(row)]);
}

/** A form field for a model field, its relation's choices loaded (unless given its widget). */
export async function formFieldFor(meta: ModelMeta, field: Field, overrides: { label?: string; helpText?: string; readonly?: boolean; widget?: Widget } = {}): Promise<FormField> {
  const related = field instanceof ForeignKeyField || field instanceof ManyToManyField;
  return {
    field,
    name: field.name,
    label: overrides.label ?? capitalise(field.verboseName),
    widget: overrides.widget ?? widgetFor(field, related ? await relatedChoices(field) : undefined),
    required: isRequired(field),
    readonly: overrides.readonly === true || !isEditable(meta, field),
    helpText: overrides.helpText ?? field.options.helpText,
  };
}

/**
 * The text of the related rows a key input holds, by key: one query per relation, so a page
 * can show "Ann Archer" beside `3` and a history can say who, not which number.
 */
export async function relatedLabels(fields: FormField[], values: Record<string, string | string[]>): Promise<Record<string, Record<string, string>>> {
  const labels: Record<string, Record<string, string>> = {};
  for (const { name, widget } of fields) {
    if (widget.kind !== 'key') continue;
    const value = values[name];
    const keys = (Array.isArray(value) ? value : [value ?? '']).flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
    const clean: unknown[] = [];
    for (const key of keys) {
      try {
        clean.push(widget.target.pk.clean(key));
      } catch {
        // A malformed key names no row; the form's own error says so.
      }
    }
    const rows = clean.length === 0 ? [] : ((await widget.target.modelClass.objects.filter({ pk__in: clean }).orderBy(widget.target.pk.name)) as Record<string, unknown>[]);
    labels[name] = Object.fromEntries(rows.map((row) => [String(row[widget.target.pk.attname]), String(row)]));
  }
  return labels;
}
