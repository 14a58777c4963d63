/**
 * The add and change forms, built from the model's fields: which fields a form shows, the
 * widget each gets, and how a posted value becomes the field's value. Validation itself is the
 * model's `fullClean()`.
 */
import {
  BooleanField, capitalise, DateField, DateTimeField, DecimalField, FloatField, ForeignKeyField, IntegerField, JsonField, ManyToManyField,
  FieldError, TextField, type Field, type ModelMeta,
} from '../orm/index.ts';
import type { ModelAdmin } from './options.ts';

/** Relations to tables larger than this get an autocomplete (or a key input) instead of a select. */
export const SELECT_LIMIT = 1000;

export type Widget =
  | { kind: 'input'; type: string; step?: string; maxLength?: number; inputMode?: 'decimal' | 'numeric'; autocomplete?: string }
  | { kind: 'textarea' }
  | { kind: 'checkbox' }
  /** With `filter`, admin.js adds a box that narrows the options shown (ModelAdmin's filterHorizontal). */
  | { kind: 'select'; options: [string, string][]; multiple: boolean; allowEmpty: boolean; filter?: boolean }
  /** A stored password: what may be shown of it, and a link to the page that changes it (never an input). */
  | { kind: 'passwordHash'; summary: [string, string][] | undefined; changeUrl: string | undefined }
  /**
   * The related rows' keys, typed in (comma-separated for many-to-many), for a large table.
   * With `autocompleteUrl`, admin.js turns it into a search box fed by Django's JSON endpoint.
   */
  | { kind: 'key'; target: ModelMeta; multiple: boolean; autocompleteUrl: string | undefined };

/** The URL of the autocomplete endpoint for a relation, when its model is registered with search fields. */
export type AutocompleteSource = (field: ForeignKeyField | ManyToManyField) => string | undefined;

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
function editable(meta: ModelMeta, field: Field): boolean {
  if (field === meta.pk && meta.pk.kind === 'auto') return false;
  if (meta.softDelete && (field.name === 'deletedAt' || field.name === 'deletionId')) return false;
  const options = field.options as { autoNow?: boolean; autoNowAdd?: boolean };
  return options.autoNow !== true && options.autoNowAdd !== true;
}

function widgetFor(field: Field, related: Map<string, [string, string][] | undefined>, autocomplete: Map<string, string | undefined>): Widget {
  const choices = field.options.choices;
  if (choices !== undefined) {
    return { kind: 'select', multiple: false, allowEmpty: field.nullable || field.options.blank === true, options: choices.map((c) => (Array.isArray(c) ? [String(c[0]), String(c[1])] : [String(c), String(c)])) };
  }
  if (field instanceof ForeignKeyField || field instanceof ManyToManyField) {
    const options = related.get(field.name);
    if (options === undefined) return { kind: 'key', target: field.target, multiple: field instanceof ManyToManyField, autocompleteUrl: autocomplete.get(field.name) };
    return { kind: 'select', options, multiple: field instanceof ManyToManyField, allowEmpty: field instanceof ForeignKeyField && field.nullable };
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

/** The choices of a relation's select, or undefined when its table is too large to list. */
async function relatedChoices(field: ForeignKeyField | ManyToManyField): Promise<[string, string][] | undefined> {
  const target = field.target;
  const rows = (await target.modelClass.objects.all().slice(0, SELECT_LIMIT + 1)) as Record<string, unknown>[];
  if (rows.length > SELECT_LIMIT) return undefined;
  return rows.map((row) => [String(row[target.pk.attname]), String(row)]);
}

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
  const candidates = [...meta.concreteFields, ...meta.manyToManyFields].filter((f) => (chosen === undefined ? editable(meta, f) : chosen.includes(f.name)) && !exclude.includes(f.name));
  const ordered = chosen === undefined ? candidates : chosen.map((name) => candidates.find((f) => f.name === name)).filter((f): f is Field => f !== undefined);
  const related = new Map<string, [string, string][] | undefined>();
  const autocomplete = new Map<string, string | undefined>();
  for (const field of ordered) {
    if (!(field instanceof ForeignKeyField || field instanceof ManyToManyField)) continue;
    if (rawIdFields.includes(field.name)) {
      related.set(field.name, undefined);
      continue;
    }
    const url = autocompleteSource(field);
    if (autocompleteFields.includes(field.name)) {
      if (url === undefined) throw new FieldError(`${meta.label} admin: autocompleteFields names '${field.name}', but ${field.target.label} is not registered with searchFields.`);
      related.set(field.name, undefined);
    } else related.set(field.name, await relatedChoices(field));
    autocomplete.set(field.name, url);
  }
  const filtered = admin.options.filterHorizontal ?? [];
  return ordered.map((field) => {
    const readonly = !canChange || readonlyFields.includes(field.name) || !editable(meta, field);
    const widget = widgetFor(field, related, autocomplete);
    return {
      field,
      name: field.name,
      label: capitalise(field.verboseName),
      widget: widget.kind === 'select' && widget.multiple && filtered.includes(field.name) ? { ...widget, filter: true } : widget,
      required: !(field.options.blank === true || field instanceof BooleanField || field instanceof ManyToManyField),
      readonly,
      helpText: field.options.helpText,
    };
  });
}

/**
 * The text of the related rows a key input holds, by key: one query per relation, so a page
 * can show "Ann Archer" beside `3` and the history can say who, not which number.
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

/** The text an input shows for a value. */
export function formValue(field: Field, value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString().slice(0, 19);
  if (field instanceof JsonField) return JSON.stringify(value, null, 2);
  return String(value);
}

export class FormValueError extends Error {}

/** Django's ProhibitNullCharactersValidator: no stored text holds a NUL, and PostgreSQL refuses one. */
const NULL_CHARACTER = 'Null characters are not allowed.';

/**
 * The keys a many-to-many input posted, as keys of rows that exist: `abc` for an integer key is
 * Django's "“abc” is not a valid value.", a key of no row "Select a valid choice. 99999 is not
 * one of the available choices." Unchecked, the database refused them only as the links were
 * written, after the form had passed (a 500).
 */
export async function cleanRelatedKeys(field: ManyToManyField, keys: readonly string[]): Promise<unknown[]> {
  const target = field.target;
  const clean = new Map<string, unknown>();
  for (const key of keys) {
    if (key.includes('\u0000')) throw new FormValueError(NULL_CHARACTER);
    try {
      clean.set(String(target.pk.clean(key)), target.pk.clean(key));
    } catch {
      throw new FormValueError(`“${key}” is not a valid value.`);
    }
  }
  if (clean.size === 0) return [];
  const found = new Set(((await target.modelClass.objects.filter({ pk__in: [...clean.values()] }).values(target.pk.name)) as Record<string, unknown>[]).map((row) => String(row[target.pk.name])));
  const missing = [...clean.keys()].find((key) => !found.has(key));
  if (missing !== undefined) throw new FormValueError(`Select a valid choice. ${missing} is not one of the available choices.`);
  return [...clean.values()];
}

/** A posted value as the field's value; an empty input is null (or '' for text). */
export function parseValue(field: Field, form: FormData): unknown {
  if (field instanceof BooleanField) return form.get(field.name) !== null;
  // A select posts one value per row; a key input one comma-separated list.
  if (field instanceof ManyToManyField) return form.getAll(field.name).flatMap((v) => String(v).split(',')).map((v) => v.trim()).filter((v) => v !== '');
  const raw = form.get(field.name);
  const text = typeof raw === 'string' ? raw : '';
  if (text.includes('\u0000')) throw new FormValueError(NULL_CHARACTER);
  const isText = !(field instanceof ForeignKeyField) && field.columnType !== undefined && ['varchar', 'text'].includes(field.columnType) && !(field.options.choices !== undefined && field.nullable);
  if (text === '') return isText && !field.nullable ? '' : null;
  if (field instanceof DateTimeField) {
    // The browser sends local wall time without a zone: taken as UTC, as the form showed it.
    const date = new Date(/[zZ]|[+-]\d\d:\d\d$/.test(text) ? text : `${text}Z`);
    if (Number.isNaN(date.getTime())) throw new FormValueError('Enter a valid date and time.');
    return date;
  }
  if (field instanceof JsonField) {
    try {
      return JSON.parse(text);
    } catch {
      throw new FormValueError('Enter valid JSON.');
    }
  }
  if (field instanceof ForeignKeyField) return text.trim();
  if (field instanceof IntegerField) {
    if (!/^-?\d+$/.test(text.trim())) throw new FormValueError('Enter a whole number.');
    return Number(text);
  }
  if (field instanceof FloatField) {
    const n = Number(text);
    if (text.trim() === '' || !Number.isFinite(n)) throw new FormValueError('Enter a number.');
    return n;
  }
  return text;
}
