/**
 * Validating posted data onto an instance, as Django's ModelForm does: each field's posted text
 * becomes its value (or the field's error: "This field is required." when a required one is
 * empty), then the model's `fullClean()` (lengths, choices,
 * validators, `clean()`, foreign keys and unique rules against the database) adds its errors.
 * The admin's add and change forms and ModelForm both validate here.
 */
import { ManyToManyField, NON_FIELD_ERRORS, ValidationError, type Field } from '../../orm/index.ts';
import { attnameOf, cleanRelatedKeys, FormValueError, parseValue, type PostedData } from './binding.ts';
import { isRequired } from './widgets.ts';

/**
 * Django's forms say this of a required input left empty; "This field cannot be blank." is the
 * model's message, for values set in code and checked by `fullClean()`.
 */
export const REQUIRED = 'This field is required.';

/** What a form field counts as empty (Django's `EMPTY_VALUES`). */
function isEmptyInput(value: unknown): boolean {
  return value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0);
}

export type FormErrors = Record<string, string[]>;

export interface CleanedOnto {
  /** Messages by field name, `__all__` for those of no one field; empty when valid. */
  errors: FormErrors;
  /** Each field's value as written to the instance (many-to-many: the related keys, written on save). */
  values: Map<string, unknown>;
  /** The keys each many-to-many field is to be set to once the instance is saved. */
  links: Map<string, unknown[]>;
  /** Puts back what the instance held before: nothing changes on an object a form refused. */
  revert(): void;
}

export interface CleanOntoOptions {
  /** Fields fullClean() leaves alone, besides those already in error (read-only ones, those not on the form). */
  exclude?: readonly string[];
  /** The form's own check (Django's `Form.clean()`), run after the fields and before the model's. */
  clean?: (errors: FormErrors, values: ReadonlyMap<string, unknown>) => void | Promise<void>;
}

export function addError(errors: FormErrors, name: string | null, message: string): void {
  (errors[name ?? NON_FIELD_ERRORS] ??= []).push(message);
}

/** Binds `data` for `fields` onto `target` and validates it; writes nothing to the database. */
export async function cleanOnto(target: Record<string, any>, fields: readonly Field[], data: PostedData, options: CleanOntoOptions = {}): Promise<CleanedOnto> {
  const errors: FormErrors = {};
  const values = new Map<string, unknown>();
  const links = new Map<string, unknown[]>();
  const saved = new Map<string, unknown>();
  for (const field of fields) {
    try {
      const value = parseValue(field, data);
      // Left empty, the field is not set: the instance keeps its value, as in Django.
      if (isRequired(field) && isEmptyInput(value)) throw new FormValueError(REQUIRED);
      if (field instanceof ManyToManyField) {
        const keys = await cleanRelatedKeys(field, value as string[]);
        links.set(field.name, keys);
        values.set(field.name, keys);
      } else {
        const attname = attnameOf(field);
        if (!saved.has(attname)) saved.set(attname, target[attname]);
        target[attname] = value;
        values.set(field.name, value);
      }
    } catch (error) {
      if (!(error instanceof FormValueError)) throw error;
      addError(errors, field.name, error.message);
    }
  }
  try {
    await options.clean?.(errors, values);
  } catch (error) {
    // A clean() may also refuse by throwing, as in Django.
    if (!(error instanceof ValidationError)) throw error;
    for (const [key, list] of Object.entries(error.errors)) for (const m of list) addError(errors, key, m);
  }
  try {
    await (target as { fullClean(options: object): Promise<void> }).fullClean({ exclude: [...Object.keys(errors), ...(options.exclude ?? [])] });
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    for (const [key, list] of Object.entries(error.errors)) for (const m of list) addError(errors, key, m);
  }
  // fullClean() writes each value back in its canonical form (a date's text, a key's number).
  for (const field of fields) if (!(field instanceof ManyToManyField) && values.has(field.name) && errors[field.name] === undefined) values.set(field.name, target[attnameOf(field)]);
  return {
    errors,
    values,
    links,
    revert: () => {
      for (const [attname, value] of saved) target[attname] = value;
    },
  };
}
