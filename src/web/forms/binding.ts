/**
 * Between posted text and field values: a posted value as the field's value (an error the form
 * shows when it cannot be one, never an exception), and a value as the text its input shows.
 */
import { BooleanField, DateField, DateTimeField, FloatField, ForeignKeyField, IntegerField, JsonField, ManyToManyField, type Field } from '../../orm/index.ts';
import { parseWholeNumber, pythonStrip } from './python-text.ts';
import { parseDateInput, parseDateTimeInput } from './temporal-input.ts';
import type { FormField } from './widgets.ts';

/** What a form is bound to: FormData, URLSearchParams, or a plain object of strings. */
export interface PostedData {
  get(name: string): unknown;
  getAll(name: string): unknown[];
  has(name: string): boolean;
}

export type FormInput = PostedData | Record<string, string | readonly string[] | undefined>;

/** Posted data in one shape, whatever it came as. */
export function postedData(input: FormInput): PostedData {
  if (typeof (input as PostedData).getAll === 'function') return input as PostedData;
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(input as Record<string, string | readonly string[] | undefined>)) {
    for (const v of value === undefined ? [] : typeof value === 'string' ? [value] : value) params.append(name, v);
  }
  return params;
}

/** A posted value the field cannot take; its message is the field's error. */
export class FormValueError extends Error {}

/** Django's ProhibitNullCharactersValidator: no stored text holds a NUL, and PostgreSQL refuses one. */
const NULL_CHARACTER = 'Null characters are not allowed.';

/** The attribute a form field reads and writes: `authorId` for a foreign key. */
export function attnameOf(field: Field): string {
  return field instanceof ForeignKeyField ? field.attname : field.name;
}

/** The text an input shows for a value. */
export function formValue(field: Field, value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString().slice(0, 19);
  if (field instanceof JsonField) return JSON.stringify(value, null, 2);
  return String(value);
}

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

/**
 * Text Django's CharField strips before anything else (`strip=True`), so that blanks alone are
 * an empty input: char, text, email, URL, slug and UUID fields. Not a field with choices: its
 * input is a select, and Django's ChoiceField compares what was posted as it is.
 */
function isStripped(field: Field): boolean {
  return !(field instanceof ForeignKeyField) && field.options.choices === undefined && ['varchar', 'text', 'uuid'].includes(field.columnType ?? '');
}

/** A posted value as the field's value; an empty input is null (or '' for text). */
export function parseValue(field: Field, form: PostedData): unknown {
  if (field instanceof BooleanField) return form.get(field.name) !== null;
  // A select posts one value per row; a key input one comma-separated list.
  if (field instanceof ManyToManyField) return form.getAll(field.name).flatMap((v) => String(v).split(',')).map((v) => v.trim()).filter((v) => v !== '');
  const raw = form.get(field.name);
  const posted = typeof raw === 'string' ? raw : '';
  if (posted.includes('\u0000')) throw new FormValueError(NULL_CHARACTER);
  const text = isStripped(field) ? pythonStrip(posted) : posted;
  const isText = !(field instanceof ForeignKeyField) && field.columnType !== undefined && ['varchar', 'text'].includes(field.columnType) && !(field.options.choices !== undefined && field.nullable);
  if (text === '') return isText && !field.nullable ? '' : null;
  if (field instanceof DateTimeField) {
    const date = parseDateTimeInput(text);
    if (date === undefined) throw new FormValueError('Enter a valid date and time.');
    return date;
  }
  if (field instanceof DateField) {
    const day = parseDateInput(text);
    if (day === undefined) throw new FormValueError('Enter a valid date.');
    return day;
  }
  if (field instanceof JsonField) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new FormValueError('Enter valid JSON.');
    }
    // `1e999` parses as Infinity, which JSON cannot hold: it would be stored as null.
    if (!allFinite(value)) throw new FormValueError('Enter valid JSON.');
    return value;
  }
  if (field instanceof ForeignKeyField) {
    // Blanks alone are no key (PostgreSQL refuses '' for a bigint): as an empty input.
    const key = text.trim();
    return key === '' ? null : key;
  }
  if (field instanceof IntegerField) {
    // The range is the model's rule, checked by fullClean() for this database's column.
    const whole = parseWholeNumber(text);
    if (whole === undefined) throw new FormValueError('Enter a whole number.');
    return whole;
  }
  if (field instanceof FloatField) {
    const n = Number(text);
    if (text.trim() === '' || !Number.isFinite(n)) throw new FormValueError('Enter a number.');
    return n;
  }
  return text;
}

/** True when every number in a parsed JSON value is finite. */
function allFinite(value: unknown): boolean {
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(allFinite);
  if (value !== null && typeof value === 'object') return Object.values(value).every(allFinite);
  return true;
}

type Instance = Record<string, any>;

/**
 * What each input shows for an object (its stored values, its links), or for a new one (the
 * fields' defaults, then `initial`).
 */
export async function initialValues(fields: readonly FormField[], object: Instance | undefined, initial: Record<string, unknown> = {}): Promise<Record<string, string | string[]>> {
  const values: Record<string, string | string[]> = {};
  for (const { field, name } of fields) {
    const given = initial[name];
    if (field instanceof ManyToManyField) {
      if (given !== undefined) values[name] = (given as unknown[]).map((v) => keyText(field, v));
      else values[name] = object === undefined ? [] : ((await object[name].all()) as Record<string, unknown>[]).map((o) => String(o[field.target.pk.attname]));
    } else {
      const value = given !== undefined ? (field instanceof ForeignKeyField ? keyText(field, given) : given) : object === undefined ? field.getDefault() : object[attnameOf(field)];
      values[name] = field.kind === 'boolean' ? String(value === true) : formValue(field, value);
    }
  }
  return values;
}

/** A related object or its key, as the key's text. */
function keyText(field: ForeignKeyField | ManyToManyField, value: unknown): string {
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) return String((value as Instance)[field.target.pk.attname]);
  return value === null || value === undefined ? '' : String(value);
}

/** What the form posted, as the inputs should show it again after an error. */
export function postedValues(fields: readonly FormField[], form: PostedData): Record<string, string | string[]> {
  const values: Record<string, string | string[]> = {};
  for (const { field, name } of fields) {
    if (field instanceof ManyToManyField) values[name] = form.getAll(name).map(String);
    else if (field.kind === 'boolean') values[name] = String(form.get(name) !== null);
    else values[name] = String(form.get(name) ?? '');
  }
  return values;
}
