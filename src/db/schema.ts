import { sql, type Kysely } from 'kysely';
import { addForeignKeySql, addTwinSql, createIndexSql, createTableSql, twinsOf } from './ddl.ts';
import type { SqlDialect } from './dialect.ts';

/** Column types in the database's terms; each dialect spells them its own way. */
export type ColumnType =
  | 'varchar' | 'text' | 'integer' | 'bigint' | 'float' | 'decimal' | 'boolean'
  | 'date' | 'datetime' | 'json' | 'uuid';

export interface ColumnSpec {
  name: string;
  type: ColumnType;
  nullable: boolean;
  primaryKey?: boolean;
  autoIncrement?: boolean;
  maxLength?: number;
  maxDigits?: number;
  decimalPlaces?: number;
}

export interface ForeignKeySpec {
  name: string;
  column: string;
  refTable: string;
  refColumn: string;
}

export interface IndexSpec {
  name: string;
  columns: string[];
  unique: boolean;
  /**
   * Only rows where this column IS NULL count: uniqueness among live rows of a soft-delete
   * table. A partial index on SQLite and PostgreSQL; MySQL has none, so there each column gets a
   * generated twin that is NULL for other rows, and the index covers the twins.
   */
  onlyWhereNull?: string;
}

/** A CHECK constraint: a condition in SQL over the table's columns. */
export interface CheckSpec {
  name: string;
  sql: string;
}

export interface TableSpec {
  name: string;
  columns: ColumnSpec[];
  foreignKeys: ForeignKeySpec[];
  indexes: IndexSpec[];
  checks?: CheckSpec[];
}

type SchemaSource = () => TableSpec[];
let schemaSource: SchemaSource = () => [];

/** The ORM tells the database layer which tables its models need, keeping imports pointing down. */
export function setSchemaSource(source: SchemaSource): void {
  schemaSource = source;
}

export function registeredTables(): TableSpec[] {
  return schemaSource();
}

/**
 * Creates the tables that do not exist yet, then their foreign keys and indexes, with the DDL
 * migrations use (./ddl.ts), so that a table is the same however it was made. Foreign keys are
 * added after every table exists so that models may point at each other in a cycle; SQLite
 * cannot add constraints later but accepts references to tables created afterwards.
 */
export async function createTables(db: Kysely<any>, dialect: SqlDialect, tables: TableSpec[]): Promise<string[]> {
  const existing = new Set((await db.introspection.getTables()).map((t) => t.name));
  const created = tables.filter((t) => !existing.has(t.name));
  const run = (statement: string) => sql.raw(statement).execute(db);
  for (const table of created) await run(createTableSql(dialect, table));
  for (const table of created) {
    if (!dialect.foreignKeysInCreateTable) for (const fk of table.foreignKeys) await run(addForeignKeySql(dialect, table.name, fk));
    if (!dialect.partialIndexes) {
      for (const [column, condition] of twinsOf(table)) await run(addTwinSql(table.name, table.columns.find((c) => c.name === column)!, condition, dialect));
    }
    for (const index of table.indexes) await run(createIndexSql(dialect, table.name, index));
  }
  return created.map((t) => t.name);
}
