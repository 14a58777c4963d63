/** Writing instances: INSERT (one or many, ids read back) and UPDATE by primary key. */
import type { Database } from '../db/index.ts';
import type { Field } from './fields/field.ts';
import { TimestampField } from './fields/scalar.ts';
import { isLoaded, STATE, type InstanceLike } from './instance.ts';
import type { ModelMeta } from './meta.ts';
import { prepareUpdate } from './query/writes.ts';

/** SQLite allows 32,766 bound values in one statement; PostgreSQL and MySQL 65,535. */
const MAX_PARAMS = 30_000;

/** Fills `autoNow` / `autoNowAdd` dates and cleans every value, as save() does before writing. */
export function prepareForSave(meta: ModelMeta, instance: InstanceLike, inserting: boolean): void {
  for (const field of meta.concreteFields) {
    if (!isLoaded(instance, field.attname)) continue;
    if (field instanceof TimestampField && (field.options.autoNow || (inserting && field.options.autoNowAdd))) {
      instance[field.attname] = field.now();
    }
    const value = instance[field.attname];
    if (field === meta.pk && field.kind === 'auto' && (value === null || value === undefined)) continue;
    instance[field.attname] = field.clean(value);
  }
}

function insertableFields(meta: ModelMeta, instance: InstanceLike): Field[] {
  const pk = meta.pk;
  const hasPk = instance[pk.attname] !== null && instance[pk.attname] !== undefined;
  return meta.concreteFields.filter((f) => f !== pk || pk.kind !== 'auto' || hasPk);
}

/** Inserts the instances (already prepared) and sets their generated primary keys. */
export async function insertInstances(db: Database, meta: ModelMeta, instances: InstanceLike[], batchSize?: number): Promise<void> {
  if (instances.length === 0) return;
  // Rows with and without explicit ids take different column lists, so insert them apart.
  const groups = new Map<string, { fields: Field[]; rows: InstanceLike[] }>();
  for (const instance of instances) {
    const fields = insertableFields(meta, instance);
    const key = fields.length.toString();
    const group = groups.get(key) ?? { fields, rows: [] };
    group.rows.push(instance);
    groups.set(key, group);
  }
  for (const { fields, rows } of groups.values()) {
    const perBatch = Math.max(1, Math.min(batchSize ?? Infinity, Math.floor(MAX_PARAMS / Math.max(1, fields.length))));
    for (let start = 0; start < rows.length; start += perBatch) {
      await insertBatch(db, meta, fields, rows.slice(start, start + perBatch));
    }
  }
}

async function insertBatch(db: Database, meta: ModelMeta, fields: Field[], rows: InstanceLike[]): Promise<void> {
  const pk = meta.pk;
  const generated = !fields.includes(pk);
  const values = rows.map((instance) => {
    const row: Record<string, unknown> = {};
    for (const field of fields) row[field.column!] = field.toDb(instance[field.attname] as never, db.dialect);
    return row;
  });
  let query = db.kysely.insertInto(meta.table) as any;
  if (fields.length === 0) {
    query = db.sqlDialect.insertsDefaultValues ? query.defaultValues() : query.values(rows.map(() => ({ [pk.column!]: null })));
  } else {
    query = query.values(values);
  }
  if (generated && db.features.returning) query = query.returning(pk.column!);
  const result = await db.execute<Record<string, unknown>>(query.compile());
  if (generated) {
    if (db.features.returning) {
      result.rows.forEach((row, i) => (rows[i]![pk.attname] = pk.fromDb(row[pk.column!], db.dialect)));
    } else {
      // MySQL gives the first id of a multi-row insert; InnoDB hands out consecutive ids to one statement.
      const first = Number(result.insertId);
      rows.forEach((instance, i) => (instance[pk.attname] = first + i));
    }
  }
  for (const instance of rows) {
    instance[STATE].adding = false;
    instance[STATE].db = db;
  }
}

/** Updates the instance's row; returns how many rows matched (0 when it no longer exists). */
export async function updateInstance(db: Database, meta: ModelMeta, instance: InstanceLike, only?: readonly Field[]): Promise<number> {
  const pk = meta.pk;
  const fields = (only ?? meta.concreteFields).filter((f) => f !== pk);
  if (fields.length === 0) return 1;
  const query = prepareUpdate(
    db,
    meta,
    fields.map((field) => ({ field, value: instance[field.attname] })),
    { kind: 'compare', field: pk, column: pk.column!, lookup: 'exact', value: instance[pk.attname] },
  );
  const result = await db.execute(query);
  return Number(result.numAffectedRows ?? 0);
}
