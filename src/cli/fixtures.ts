/**
 * Fixtures in Django's JSON format: a list of `{ model, pk, fields }`, foreign keys as the key
 * they hold, many-to-many fields (auto-created links) as lists of keys. Soft-deleted rows are
 * dumped too (with their `deletedAt` and `deletionId`), so a dump is a backup of every row.
 */
import { CompiledQuery } from 'kysely';
import { atomic, getDatabase, type Database } from '../db/index.ts';
import { allModels, FieldError, Manager, ValidationError, type Field, type InstanceLike, type ManyToManyField, type ModelMeta } from '../orm/index.ts';

export interface FixtureObject {
  model: string;
  pk: unknown;
  fields: Record<string, unknown>;
}

const CHUNK = 500;

/** Django names models `app.model` in lower case in fixtures. */
export function fixtureLabel(meta: ModelMeta): string {
  return meta.label.toLowerCase();
}

/** Models with rows of their own: every registered one but many-to-many links and work tables. */
export function dumpableModels(): ModelMeta[] {
  return allModels().filter((meta) => !meta.autoCreated && meta.options.internal !== true);
}

/** The model a fixture label names, in any case: 'blog.post' or 'blog.Post'. */
export function modelByLabel(label: string): ModelMeta {
  const found = allModels().find((meta) => meta.label.toLowerCase() === label.toLowerCase() && meta.options.internal !== true);
  if (found === undefined) throw new FieldError(`Unknown model '${label}' (models: ${dumpableModels().map((m) => m.label).join(', ')}).`);
  return found;
}

function jsonValue(value: unknown): unknown {
  return value instanceof Date ? value.toISOString() : value;
}

/** Every row of the models, in key order, a chunk at a time: memory stays flat however big the tables. */
export async function* dumpObjects(models: readonly ModelMeta[]): AsyncGenerator<FixtureObject> {
  for (const meta of models) {
    const manager = new Manager<InstanceLike>(meta.modelClass, 'all');
    const fields = meta.concreteFields.filter((f) => f !== meta.pk);
    const links = meta.manyToManyFields.filter((f) => f.through.autoCreated);
    for await (const chunk of chunks(manager.all().orderBy(meta.pk.name as never) as AsyncIterable<InstanceLike>)) {
      const keys = chunk.map((row) => row[meta.pk.attname]);
      const linked = new Map<string, Map<unknown, unknown[]>>();
      for (const field of links) {
        const through = new Manager<InstanceLike>(field.through.modelClass);
        const { sourceLink, targetLink } = field;
        const rows = await through.filter({ [`${sourceLink.name}__in`]: keys } as never).orderBy(field.through.pk.name as never);
        const byKey = new Map<unknown, unknown[]>();
        for (const link of rows) {
          const list = byKey.get(link[sourceLink.attname]) ?? [];
          list.push(link[targetLink.attname]);
          byKey.set(link[sourceLink.attname], list);
        }
        linked.set(field.name, byKey);
      }
      for (const row of chunk) {
        const out: Record<string, unknown> = {};
        for (const field of fields) out[field.name] = jsonValue(row[field.attname]);
        for (const field of links) out[field.name] = linked.get(field.name)!.get(row[meta.pk.attname]) ?? [];
        yield { model: fixtureLabel(meta), pk: row[meta.pk.attname], fields: out };
      }
    }
  }
}

async function* chunks<T>(rows: AsyncIterable<T>): AsyncGenerator<T[]> {
  let chunk: T[] = [];
  for await (const row of rows) {
    chunk.push(row);
    if (chunk.length === CHUNK) {
      yield chunk;
      chunk = [];
    }
  }
  if (chunk.length > 0) yield chunk;
}

interface PreparedObject {
  meta: ModelMeta;
  key: unknown;
  /** Column values, ready for the database. */
  row: Record<string, unknown>;
  /** Many-to-many field name -> target keys. */
  links: Map<string, unknown[]>;
}

/** A fixture's objects, readable more than once: a list, or a function that reads them afresh (a file, streamed). */
export type FixtureSource = readonly unknown[] | (() => AsyncIterable<unknown>);

async function* objectsOf(source: FixtureSource): AsyncGenerator<unknown> {
  if (typeof source === 'function') yield* source();
  else yield* source;
}

/** Models by fixture label, and their fields by name: looked up once per load, not once per row. */
class FixtureModels {
  private readonly byLabel = new Map<string, ModelMeta>();
  private readonly fields = new Map<ModelMeta, { concrete: Map<string, Field>; links: Map<string, ManyToManyField> }>();

  model(label: string): ModelMeta {
    let meta = this.byLabel.get(label);
    if (meta === undefined) this.byLabel.set(label, (meta = modelByLabel(label)));
    return meta;
  }

  fieldsOf(meta: ModelMeta): { concrete: Map<string, Field>; links: Map<string, ManyToManyField> } {
    let found = this.fields.get(meta);
    if (found === undefined) {
      found = {
        concrete: new Map(meta.concreteFields.filter((f) => f !== meta.pk).map((f) => [f.name, f])),
        links: new Map(meta.manyToManyFields.map((f) => [f.name, f])),
      };
      this.fields.set(meta, found);
    }
    return found;
  }
}

/** One object checked against its model and turned into column values; a problem is a ValidationError naming the object. */
export function prepareObject(object: unknown, index: number, db: Database = getDatabase(), models = new FixtureModels()): PreparedObject {
  const where = `object ${index + 1}`;
  if (typeof object !== 'object' || object === null || typeof (object as FixtureObject).model !== 'string') {
    throw new ValidationError(`${where}: expected { model, pk, fields }.`);
  }
  const { model, pk, fields = {} } = object as FixtureObject;
  let meta: ModelMeta;
  try {
    meta = models.model(model);
  } catch (error) {
    throw new ValidationError(`${where}: ${(error as Error).message}`);
  }
  if (pk === undefined || pk === null) throw new ValidationError(`${where} (${model}): a pk is required.`);
  const row: Record<string, unknown> = {};
  const links = new Map<string, unknown[]>();
  const fail = (error: unknown) => new ValidationError(`${where} (${model} ${String(pk)}): ${(error as Error).message}`);
  try {
    row[meta.pk.column!] = meta.pk.toDb(meta.pk.clean(pk), db.dialect);
  } catch (error) {
    throw fail(error);
  }
  const { concrete, links: linkFields } = models.fieldsOf(meta);
  for (const [name, value] of Object.entries(fields)) {
    const m2m = linkFields.get(name);
    if (m2m !== undefined) {
      if (!Array.isArray(value)) throw fail(new Error(`'${name}' must be a list of keys`));
      try {
        links.set(name, value.map((key) => m2m.target.pk.clean(key)));
      } catch (error) {
        throw fail(error);
      }
      continue;
    }
    const field = concrete.get(name);
    if (field === undefined) throw fail(new Error(`${meta.objectName} has no field '${name}'`));
    try {
      row[field.column!] = field.toDb(field.clean(value) as never, db.dialect);
    } catch (error) {
      throw fail(error);
    }
  }
  // Fields left out get their defaults, as a new object would.
  for (const field of concrete.values()) {
    if (field.name in fields) continue;
    const stamped = (field.options as { autoNow?: boolean; autoNowAdd?: boolean }).autoNow === true || (field.options as { autoNowAdd?: boolean }).autoNowAdd === true;
    const value = stamped ? (field as unknown as { now(): unknown }).now() : field.hasDefault() ? field.getDefault() : field.nullable ? null : undefined;
    if (value === undefined) throw fail(new Error(`'${field.name}' is missing and has no default`));
    row[field.column!] = field.toDb(value as never, db.dialect);
  }
  return { meta, key: meta.pk.clean(pk), row, links };
}

export interface LoadResult {
  total: number;
  byModel: Record<string, number>;
}

/**
 * Writes the objects in one transaction: rows whose key exists are updated, others inserted;
 * many-to-many fields are set to exactly the listed keys. Keys may point forward in the file.
 * The objects are read twice, a chunk at a time: first every one is checked (bad input is
 * refused before any SQL runs), then they are written.
 */
export async function loadObjects(source: FixtureSource, options: { onProgress?: (done: number, total: number) => void } = {}): Promise<LoadResult> {
  if (typeof source !== 'function' && !Array.isArray(source)) throw new ValidationError('A fixture is a JSON list of { model, pk, fields } objects.');
  const db = getDatabase();
  const models = new FixtureModels();
  let total = 0;
  for await (const object of objectsOf(source)) prepareObject(object, total++, db, models);
  const byModel: Record<string, number> = {};
  await atomic(async () => {
    // Where foreign keys are checked row by row (MySQL), a fixture may name a row before the one it points at.
    const unchecked = !db.sqlDialect.deferrableForeignKeys;
    if (unchecked) await db.setForeignKeyChecks(false);
    try {
      let done = 0;
      let chunk: PreparedObject[] = [];
      const write = async () => {
        for (const [meta, group] of groupByModel(chunk)) {
          await writeRows(db, meta, group);
          byModel[meta.label] = (byModel[meta.label] ?? 0) + group.length;
        }
        done += chunk.length;
        chunk = [];
        options.onProgress?.(done, total);
      };
      for await (const object of objectsOf(source)) {
        chunk.push(prepareObject(object, done + chunk.length, db, models));
        if (chunk.length === CHUNK) await write();
      }
      if (chunk.length > 0) await write();
    } finally {
      if (unchecked) await db.setForeignKeyChecks(true);
    }
    // Inside the transaction: if moving a sequence fails, no row is loaded either.
    await resetSequences(db, Object.keys(byModel).map((label) => modelByLabel(label)));
  }, { using: db });
  return { total, byModel };
}

function groupByModel(objects: PreparedObject[]): Map<ModelMeta, PreparedObject[]> {
  const groups = new Map<ModelMeta, PreparedObject[]>();
  for (const object of objects) groups.set(object.meta, [...(groups.get(object.meta) ?? []), object]);
  return groups;
}

async function writeRows(db: Database, meta: ModelMeta, objects: PreparedObject[]): Promise<void> {
  const pkColumn = meta.pk.column!;
  const keys = objects.map((o) => o.row[pkColumn]);
  const existing = new Set(
    (await db.execute<Record<string, unknown>>(db.kysely.selectFrom(meta.table).select(pkColumn).where(pkColumn, 'in', keys).compile())).rows.map((r) => String(r[pkColumn])),
  );
  const inserts = objects.filter((o) => !existing.has(String(o.row[pkColumn])));
  if (inserts.length > 0) await db.execute(db.kysely.insertInto(meta.table).values(inserts.map((o) => o.row)).compile());
  for (const object of objects) {
    if (!existing.has(String(object.row[pkColumn]))) continue;
    const { [pkColumn]: key, ...rest } = object.row;
    if (Object.keys(rest).length > 0) await db.execute(db.kysely.updateTable(meta.table).set(rest).where(pkColumn, '=', key).compile());
  }
  for (const field of meta.manyToManyFields) {
    const listed = objects.filter((o) => o.links.has(field.name));
    if (listed.length > 0) await setLinks(db, field, listed, pkColumn);
  }
}

/** Sets each object's links to exactly the listed keys, touching only those that change. */
async function setLinks(db: Database, field: ManyToManyField, objects: PreparedObject[], pkColumn: string): Promise<void> {
  const { through, sourceLink, targetLink } = field;
  const [source, target] = [sourceLink.column!, targetLink.column!];
  const pair = (from: unknown, to: unknown) => `${String(from)}\u0000${String(to)}`;
  const current = await db.execute<Record<string, unknown>>(
    db.kysely.selectFrom(through.table).select([through.pk.column!, source, target]).where(source, 'in', objects.map((o) => o.row[pkColumn])).compile(),
  );
  const wanted = new Map<string, Record<string, unknown>>();
  for (const object of objects) {
    for (const key of object.links.get(field.name)!) {
      const to = targetLink.toDb(key, db.dialect);
      wanted.set(pair(object.row[pkColumn], to), { [source]: object.row[pkColumn], [target]: to });
    }
  }
  const stale: unknown[] = [];
  for (const row of current.rows) {
    if (!wanted.delete(pair(row[source], row[target]))) stale.push(row[through.pk.column!]);
  }
  if (stale.length > 0) await db.execute(db.kysely.deleteFrom(through.table).where(through.pk.column!, 'in', stale).compile());
  if (wanted.size > 0) await db.execute(db.kysely.insertInto(through.table).values([...wanted.values()]).compile());
}

/** After explicit keys, sequences that do not follow them (PostgreSQL's) must move past them, or the next insert collides. */
async function resetSequences(db: Database, models: ModelMeta[]): Promise<void> {
  const tables = new Set<ModelMeta>();
  for (const meta of models) {
    tables.add(meta);
    for (const field of meta.manyToManyFields) if (field.through.autoCreated) tables.add(field.through);
  }
  for (const meta of tables) {
    if (meta.pk.kind !== 'auto') continue;
    const statement = db.sqlDialect.resetSequenceSql(meta.table, meta.pk.column!);
    if (statement !== undefined) await db.execute(CompiledQuery.raw(statement));
  }
}
