/**
 * A table's shape as the database itself reports it (not as Trove meant it): columns with their
 * types, nullability and defaults, indexes by the columns they cover, foreign keys and checks.
 * Names the database or Trove chose for indexes and keys are left out, so that a table made by
 * migrations and one made by createTables() compare equal exactly when they behave the same.
 */
import { sql } from 'kysely';
import type { Database } from '../../src/index.ts';
import { BACKEND } from './database.ts';

export interface TableShape {
  /** `name type [null] [default]`, sorted. */
  readonly columns: string[];
  /** `unique|index [partial] (a, b)`, sorted; the primary key is `primary (id)`. */
  readonly indexes: string[];
  /** `column -> table.column`, sorted. */
  readonly foreignKeys: string[];
  /** Check constraints by name, sorted. */
  readonly checks: string[];
}

/** The shapes of `tables` that exist, by name. */
export async function shapesOf(db: Database, tables: readonly string[]): Promise<Record<string, TableShape>> {
  const existing = new Set((await db.kysely.introspection.getTables()).map((t) => t.name));
  const shapes: Record<string, TableShape> = {};
  for (const table of [...tables].sort()) {
    if (!existing.has(table)) continue;
    shapes[table] = BACKEND === 'sqlite' ? await sqliteShape(db, table) : BACKEND === 'postgres' ? await postgresShape(db, table) : await mariadbShape(db, table);
  }
  return shapes;
}

type Row = Record<string, unknown>;

async function rows(db: Database, query: ReturnType<typeof sql>): Promise<Row[]> {
  return (await query.execute(db.kysely)).rows as Row[];
}

function column(name: string, type: string, nullable: boolean, hasDefault: boolean): string {
  return `${name} ${type.toLowerCase()}${nullable ? ' null' : ''}${hasDefault ? ' default' : ''}`;
}

function index(kind: 'primary' | 'unique' | 'index', columns: readonly string[], partial: boolean): string {
  return `${kind}${partial ? ' partial' : ''} (${columns.join(', ')})`;
}

function shape(columns: string[], indexes: string[], foreignKeys: string[], checks: string[]): TableShape {
  return { columns: columns.sort(), indexes: indexes.sort(), foreignKeys: foreignKeys.sort(), checks: checks.sort() };
}

async function sqliteShape(db: Database, table: string): Promise<TableShape> {
  const info = await rows(db, sql`select * from pragma_table_info(${table})`);
  const columns = info.map((c) => column(String(c.name), String(c.type), Number(c.notnull) === 0 && Number(c.pk) === 0, c.dflt_value !== null));
  const primary = info.filter((c) => Number(c.pk) > 0).sort((a, b) => Number(a.pk) - Number(b.pk)).map((c) => String(c.name));
  const indexes = primary.length > 0 ? [index('primary', primary, false)] : [];
  for (const listed of await rows(db, sql`select * from pragma_index_list(${table})`)) {
    if (listed.origin === 'pk') continue;
    const covered = (await rows(db, sql`select * from pragma_index_info(${listed.name})`)).sort((a, b) => Number(a.seqno) - Number(b.seqno)).map((c) => String(c.name));
    indexes.push(index(Number(listed.unique) === 1 ? 'unique' : 'index', covered, Number(listed.partial) === 1));
  }
  const foreignKeys = (await rows(db, sql`select * from pragma_foreign_key_list(${table})`)).map((k) => `${k.from} -> ${k.table}.${k.to}`);
  const ddl = String((await rows(db, sql`select sql from sqlite_master where type = 'table' and name = ${table}`))[0]?.sql ?? '');
  const checks = [...ddl.matchAll(/constraint\s+"([^"]+)"\s+check/gi)].map((m) => m[1]!);
  return shape(columns, indexes, foreignKeys, checks);
}

async function postgresShape(db: Database, table: string): Promise<TableShape> {
  const info = await rows(db, sql`
    select a.attname as name, format_type(a.atttypid, a.atttypmod) as type, not a.attnotnull as nullable,
      a.atthasdef as has_default, a.attidentity <> '' as identity
    from pg_attribute a join pg_class t on t.oid = a.attrelid
    where t.relname = ${table} and t.relnamespace = current_schema()::regnamespace and a.attnum > 0 and not a.attisdropped`);
  const columns = info.map((c) => column(String(c.name), `${c.type}${c.identity ? ' identity' : ''}`, c.nullable === true, c.has_default === true));
  const indexes = (await rows(db, sql`
    select ix.indisprimary as primary, ix.indisunique as unique, ix.indpred is not null as partial,
      array_to_string(array(select a.attname from unnest(ix.indkey) with ordinality k(attnum, ord)
        join pg_attribute a on a.attrelid = ix.indrelid and a.attnum = k.attnum order by k.ord), ',') as columns
    from pg_index ix join pg_class t on t.oid = ix.indrelid
    where t.relname = ${table} and t.relnamespace = current_schema()::regnamespace`))
    .map((i) => index(i.primary ? 'primary' : i.unique ? 'unique' : 'index', String(i.columns).split(','), i.partial === true));
  const foreignKeys = (await rows(db, sql`
    select a.attname as column, ft.relname as ref_table, fa.attname as ref_column
    from pg_constraint c join pg_class t on t.oid = c.conrelid join pg_class ft on ft.oid = c.confrelid
      join pg_attribute a on a.attrelid = c.conrelid and a.attnum = c.conkey[1]
      join pg_attribute fa on fa.attrelid = c.confrelid and fa.attnum = c.confkey[1]
    where c.contype = 'f' and t.relname = ${table} and t.relnamespace = current_schema()::regnamespace`))
    .map((k) => `${k.column} -> ${k.ref_table}.${k.ref_column}`);
  const checks = (await rows(db, sql`
    select c.conname as name from pg_constraint c join pg_class t on t.oid = c.conrelid
    where c.contype = 'c' and t.relname = ${table} and t.relnamespace = current_schema()::regnamespace`)).map((c) => String(c.name));
  return shape(columns, indexes, foreignKeys, checks);
}

async function mariadbShape(db: Database, table: string): Promise<TableShape> {
  const info = await rows(db, sql`
    select column_name as name, column_type as type, is_nullable as nullable, column_default as dflt, extra
    from information_schema.columns where table_schema = database() and table_name = ${table}`);
  const columns = info.map((c) => column(String(c.name), `${c.type}${String(c.extra).includes('auto_increment') ? ' auto_increment' : ''}${/generated|virtual|stored/i.test(String(c.extra)) ? ' generated' : ''}`,
    c.nullable === 'YES', c.dflt !== null && c.dflt !== 'NULL'));
  const byIndex = new Map<string, { unique: boolean; columns: Array<[number, string]> }>();
  for (const s of await rows(db, sql`
    select index_name as name, non_unique, column_name as col, seq_in_index as seq
    from information_schema.statistics where table_schema = database() and table_name = ${table}`)) {
    const name = String(s.name);
    const entry = byIndex.get(name) ?? { unique: Number(s.non_unique) === 0, columns: [] };
    entry.columns.push([Number(s.seq), String(s.col)]);
    byIndex.set(name, entry);
  }
  const indexes = [...byIndex].map(([name, i]) => index(name === 'PRIMARY' ? 'primary' : i.unique ? 'unique' : 'index', i.columns.sort((a, b) => a[0] - b[0]).map(([, c]) => c), false));
  const foreignKeys = (await rows(db, sql`
    select column_name as col, referenced_table_name as ref_table, referenced_column_name as ref_column
    from information_schema.key_column_usage
    where table_schema = database() and table_name = ${table} and referenced_table_name is not null`))
    .map((k) => `${k.col} -> ${k.ref_table}.${k.ref_column}`);
  const checks = (await rows(db, sql`
    select constraint_name as name from information_schema.table_constraints
    where constraint_schema = database() and table_name = ${table} and constraint_type = 'CHECK'`)).map((c) => String(c.name));
  return shape(columns, indexes, foreignKeys, checks);
}
