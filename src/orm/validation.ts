/**
 * Model validation, as Django's `full_clean()`: each field's checks (type, length, blank, null,
 * choices, its validators), then the model's own `clean()`, then unique rules against the
 * database. Every problem is collected; one ValidationError maps field names to messages.
 * `save()` does not call it (as in Django); forms and the admin do.
 */
import { isLoaded } from './instance.ts';
import type { Database, DialectName } from '../db/index.ts';
import { ValidationError, NON_FIELD_ERRORS } from './errors.ts';
import type { Field } from './fields/field.ts';
import { ForeignKeyField } from './fields/relations.ts';
import type { InstanceLike } from './instance.ts';
import type { ModelMeta } from './meta.ts';
import { capitalise } from './naming.ts';
import { prepareSelect } from './query/compiler.ts';
import { and, liveRows, type WhereNode } from './query/where.ts';


export interface FullCleanOptions {
  /** Fields not to check (Django's `exclude`). */
  exclude?: readonly string[];
  /** Check unique fields and `uniqueTogether` against the database (default true). */
  validateUnique?: boolean;
}

/** Dates set on save (`autoNow`, `autoNowAdd`) may be empty before it, as Django makes them blank. */
function allowsBlank(field: Field): boolean {
  const options = field.options as { blank?: boolean; autoNow?: boolean; autoNowAdd?: boolean };
  return options.blank === true || options.autoNow === true || options.autoNowAdd === true;
}

/** The values Django treats as empty for `blank`. */
function isEmpty(value: unknown): boolean {
  return value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0);
}


/**
 * The errors of one field's value; the cleaned value is written back when it passes. The field's
 * own checks come first (its column's range on `dialect`), then the user's validators.
 */
function cleanField(field: Field, instance: InstanceLike, dialect: DialectName): string[] {
  const raw = instance[field.attname];
  // As Django: an empty value is an error unless the field allows blank, and then it is not checked further.
  if (isEmpty(raw)) return allowsBlank(field) ? [] : ['This field cannot be blank.'];
  let value: unknown;
  try {
    value = field.toPython(raw);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    // A field's error holds the user's message (Django's wording) under the field's name.
    return error.errors[field.name] ?? Object.values(error.errors).flat();
  }
  instance[field.attname] = value;
  const messages: string[] = [];
  const choices = field.options.choices;
  if (choices !== undefined && !isEmpty(value) && !choices.some((c) => (Array.isArray(c) ? c[0] : c) === value)) {
    messages.push(`Value ${JSON.stringify(value)} is not a valid choice.`);
  }
  for (const validator of [...field.builtinValidators(dialect), ...(field.options.validators ?? [])]) {
    try {
      const message = validator(value);
      if (typeof message === 'string') messages.push(message);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      messages.push(error.message);
    }
  }
  return messages;
}

function addError(errors: Record<string, string[]>, key: string, messages: readonly string[]): void {
  if (messages.length > 0) (errors[key] ??= []).push(...messages);
}

async function exists(db: Database, meta: ModelMeta, where: WhereNode): Promise<boolean> {
  const { query } = prepareSelect(db, { meta, where, order: [], limit: 1, offset: undefined, related: [], values: undefined, mode: 'exists' });
  return (await db.execute(query)).rows.length > 0;
}

/** Django's `validate_unique`: another live row with the same value(s) is an error. */
async function uniqueErrors(db: Database, meta: ModelMeta, instance: InstanceLike, skip: Set<string>): Promise<Record<string, string[]>> {
  const errors: Record<string, string[]> = {};
  const pk = instance[meta.pk.attname];
  const rules: { key: string; fields: Field[] }[] = [
    ...meta.concreteFields.filter((f) => f.unique && !(f.primaryKey && meta.pk.kind === 'auto')).map((f) => ({ key: f.name, fields: [f] })),
    ...meta.uniqueSets.map((names) => ({ key: NON_FIELD_ERRORS, fields: names.map((n) => meta.field(n)!) })),
  ];
  for (const { key, fields } of rules) {
    if (fields.some((f) => skip.has(f.name) || !isLoaded(instance, f.attname) || instance[f.attname] === null || instance[f.attname] === undefined)) continue;
    const conditions: WhereNode[] = fields.map((f) => ({ kind: 'compare', field: f, column: f.column!, lookup: 'exact', value: instance[f.attname] }));
    if (pk !== null && pk !== undefined) conditions.push({ kind: 'not', child: { kind: 'compare', field: meta.pk, column: meta.pk.column!, lookup: 'exact', value: pk } });
    const live = liveRows(meta);
    if (live !== undefined) conditions.push(live);
    if (!(await exists(db, meta, and(conditions)))) continue;
    const labels = fields.map((f) => capitalise(f.verboseName)).join(' and ');
    addError(errors, key, [`${capitalise(meta.verboseName)} with this ${labels} already exists.`]);
  }
  return errors;
}

/** A foreign key must point at a (live) row, as Django's ForeignKey.validate checks. */
async function relationErrors(db: Database, meta: ModelMeta, instance: InstanceLike, skip: Set<string>): Promise<Record<string, string[]>> {
  const errors: Record<string, string[]> = {};
  for (const field of meta.foreignKeys) {
    const value = instance[field.attname];
    if (skip.has(field.name) || value === null || value === undefined || !(field instanceof ForeignKeyField)) continue;
    const target = field.target;
    const where = and([{ kind: 'compare', field: target.pk, column: target.pk.column!, lookup: 'exact', value }, ...(liveRows(target) ? [liveRows(target)!] : [])]);
    if (!(await exists(db, target, where))) addError(errors, field.name, [`${target.verboseName} instance with ${target.pk.name} ${JSON.stringify(value)} does not exist.`]);
  }
  return errors;
}

/**
 * Validates `instance`; throws a ValidationError whose `errors` maps each failing field name
 * (or `__all__`) to its messages. `clean` is the model's own check, run once the fields pass.
 */
export async function fullClean(db: Database, meta: ModelMeta, instance: InstanceLike, clean: () => unknown, options: FullCleanOptions = {}): Promise<void> {
  const skip = new Set(options.exclude ?? []);
  const errors: Record<string, string[]> = {};
  for (const field of meta.concreteFields) {
    // A field that only() or defer() left out is not checked (Django excludes deferred fields).
    if (!isLoaded(instance, field.attname)) continue;
    if (skip.has(field.name) || (field === meta.pk && meta.pk.kind === 'auto') || (meta.softDelete && (field.name === 'deletedAt' || field.name === 'deletionId'))) continue;
    addError(errors, field.name, cleanField(field, instance, db.dialect));
  }
  // Django runs clean() even when fields failed; its errors join the others.
  try {
    await clean();
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    for (const [key, messages] of Object.entries(error.errors)) addError(errors, key, messages);
  }
  const failed = new Set([...Object.keys(errors), ...skip]);
  for (const found of [await relationErrors(db, meta, instance, failed), options.validateUnique === false ? {} : await uniqueErrors(db, meta, instance, failed)]) {
    for (const [key, messages] of Object.entries(found)) addError(errors, key, messages);
  }
  if (Object.keys(errors).length > 0) throw new ValidationError(errors);
}
