/**
 * Many rows by key: `inBulk` (a map from key to instance) and `bulkUpdate` (saved instances'
 * fields written back in one UPDATE per batch, as Django's bulk_update: a CASE on the key).
 */
import { sql, type RawBuilder } from 'kysely';
import { atomic, columnTypeSql, type Database } from '../../db/index.ts';
import { FieldError, QueryUsageError } from '../errors.ts';
import type { Field } from '../fields/field.ts';
import { modelMetaOf } from '../fields/relations.ts';
import type { InstanceLike } from '../instance.ts';
import type { ModelMeta } from '../meta.ts';
import { TimestampField } from '../fields/scalar.ts';

/** Keys per statement: well under every database's limit on bound values. */
const KEYS_PER_QUERY = 1000;

/** The field `inBulk` keys by: the primary key, or a unique field. */
export function keyField(meta: ModelMeta, fieldName: string): Field {
  const field = fieldName === 'pk' ? meta.pk : meta.field(fieldName);
  if (field === undefined || field.column === undefined) throw new FieldError(`inBulk(): ${meta.label} has no field '${fieldName}'.`);
  if (!field.unique) throw new FieldError(`inBulk()'s field must be unique; ${field.qualifiedName} is not.`);
  return field;
}

/** Splits keys into the batches of one query each. */
export function batches<T>(items: readonly T[], size = KEYS_PER_QUERY): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export interface BulkUpdateOptions {
  /** Instances per UPDATE statement (default 500); several statements run in one transaction. */
  batchSize?: number;
}

/**
 * Writes `fields` of saved instances back, one UPDATE per batch, in one transaction. Values are
 * cleaned as save() cleans them (autoNow dates are set); signals are not sent. Returns how many
 * rows were updated.
 */
export async function bulkUpdate(db: Database, meta: ModelMeta, objects: readonly InstanceLike[], fieldNames: readonly string[], options: BulkUpdateOptions = {}): Promise<number> {
  const batchSize = options.batchSize ?? 500;
  if (!Number.isInteger(batchSize) || batchSize <= 0) throw new QueryUsageError('bulkUpdate(): batchSize must be a positive whole number.');
  if (fieldNames.length === 0) throw new QueryUsageError('bulkUpdate() needs at least one field name.');
  const fields = fieldNames.map((name) => {
    const field = meta.field(name);
    if (field === undefined || field.column === undefined) throw new FieldError(`bulkUpdate(): ${meta.label} has no concrete field '${name}'.`);
    if (field === meta.pk) throw new FieldError('bulkUpdate() cannot change primary keys.');
    return field;
  });
  const pk = meta.pk;
  for (const object of objects) {
    if (modelMetaOf(object)?.label !== meta.label) throw new QueryUsageError(`bulkUpdate() on ${meta.label} takes ${meta.objectName} instances only.`);
    if (object[pk.attname] === null || object[pk.attname] === undefined) throw new QueryUsageError(`bulkUpdate() takes saved instances; one ${meta.objectName} has no primary key.`);
    for (const field of fields) {
      if (field instanceof TimestampField && field.options.autoNow) object[field.attname] = field.now();
      object[field.attname] = field.clean(object[field.attname]);
    }
  }
  if (objects.length === 0) return 0;
  const columns = new Map(meta.tableSpec().columns.map((c) => [c.name, c]));
  const typed = (field: Field, value: unknown): RawBuilder<unknown> =>
    db.sqlDialect.typesCaseByBranches ? sql`cast(${value} as ${sql.raw(columnTypeSql(db.dialect, columns.get(field.column!)!))})` : sql`${value}`;
  const run = async () => {
    let updated = 0;
    for (const batch of batches(objects, batchSize)) {
      const keys = batch.map((o) => pk.toDb(o[pk.attname] as never, db.dialect));
      const set = fields.map((field) => {
        const cases = batch.map((o, i) => sql`when ${sql.ref(pk.column!)} = ${keys[i]} then ${typed(field, field.toDb(o[field.attname] as never, db.dialect))}`);
        return sql`${sql.ref(field.column!)} = case ${sql.join(cases, sql` `)} end`;
      });
      const result = await db.execute(sql`update ${sql.table(meta.table)} set ${sql.join(set)} where ${sql.ref(pk.column!)} in (${sql.join(keys)})`.compile(db.kysely));
      updated += Number(result.numAffectedRows ?? 0);
    }
    return updated;
  };
  return batchSize >= objects.length ? run() : atomic(run, { using: db });
}
