/**
 * Where a migration hurts on PostgreSQL: statements that rewrite a table or hold a lock that
 * blocks writes (or reads) for as long as the table is big, and what to do instead.
 */
import { dialectOf, type ColumnSpec } from '../db/index.ts';
import type { TableChange } from './schema/diff.ts';

// These warnings are PostgreSQL's whatever the project runs on: its rewrites and locks are what they measure.
const POSTGRES = dialectOf('postgres');

export function postgresWarnings(changes: readonly TableChange[], options: { concurrently?: boolean } = {}): string[] {
  const warnings: string[] = [];
  for (const change of changes) {
    if (change.kind !== 'alter') continue;
    const table = change.after.name;
    for (const { before, after } of change.alteredColumns) {
      if (!cheapTypeChange(before, after)) {
        warnings.push(`${table}.${after.name}: changing the type rewrites the whole table under an ACCESS EXCLUSIVE lock (no reads or writes until it ends). On a big table, add a new column, copy the values across in batches, then swap the two in a later migration.`);
      }
      if (before.nullable && !after.nullable) {
        warnings.push(`${table}.${after.name}: SET NOT NULL reads every row under an ACCESS EXCLUSIVE lock. On a big table, first add a CHECK (${after.name} IS NOT NULL) NOT VALID constraint and VALIDATE it (runSql), which PostgreSQL then uses to skip the scan.`);
      }
    }
    for (const plan of change.addedColumns) {
      if (!plan.column.nullable && plan.fill === undefined) {
        warnings.push(`${table}.${plan.column.name}: a NOT NULL column without a default fails on a table that has rows. Give the field a default (existing rows get it, without a rewrite) or null: true.`);
      }
    }
    if (!options.concurrently) {
      for (const index of change.addedIndexes) {
        warnings.push(`${table}: building index ${index.name} blocks writes to the table until it is built. On a big table, build it in a migration of its own with addIndex('…', [${index.columns.map((c) => `'${c}'`).join(', ')}], { concurrently: true }).`);
      }
    }
    for (const fk of change.addedForeignKeys) {
      if (change.addedColumns.some((p) => p.column.name === fk.column && p.fill === undefined)) continue;
      warnings.push(`${table}.${fk.column}: adding a foreign key checks every row while writes to both tables wait. On a big table, add it NOT VALID and VALIDATE it afterwards (runSql).`);
    }
  }
  return warnings;
}

/** Changes PostgreSQL makes without a rewrite: a longer varchar, or varchar to text. */
function cheapTypeChange(before: ColumnSpec, after: ColumnSpec): boolean {
  const from = POSTGRES.columnType(before);
  const to = POSTGRES.columnType(after);
  if (from === to) return true;
  if (before.type === 'varchar' && after.type === 'text') return true;
  return before.type === 'varchar' && after.type === 'varchar' && (after.maxLength ?? 255) >= (before.maxLength ?? 255);
}
