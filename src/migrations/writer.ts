/** Writes a new migration as a TypeScript file a person can read and edit. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Dependency } from './graph.ts';
import type { Operation } from './operations/operation.ts';
import { Imports } from './source.ts';

export interface NewMigration {
  readonly app: string;
  readonly name: string;
  readonly dependencies: readonly Dependency[];
  readonly operations: readonly Operation[];
  /** Where it goes. */
  readonly folder: string;
  /** The command named in its first line (default `trove makemigrations`). */
  readonly madeBy?: string;
}

/** `0002_post_summary`: the next number, then what the operations say (or `auto_<time>` when that is long). */
export function migrationName(number: number, operations: readonly Operation[], initial: boolean, chosen?: string, now = new Date()): string {
  const prefix = String(number).padStart(4, '0');
  if (chosen !== undefined) return `${prefix}_${chosen}`;
  if (initial) return `${prefix}_initial`;
  const words = operations.map((o) => o.fragment()).join('_');
  if (words !== '' && words.length <= 52) return `${prefix}_${words}`;
  const stamp = now.toISOString().slice(0, 16).replace(/[-:]/g, '').replace('T', '_');
  return `${prefix}_auto_${stamp}`;
}

export function migrationSource(migration: NewMigration, now = new Date()): string {
  const imports = new Imports();
  imports.fromMigrations.add('type Dependency');
  imports.fromMigrations.add('type Operation');
  const operations = migration.operations.map((o) => `  ${o.toSource(imports, '  ')},`);
  const trove = [...imports.fromTrove].sort((a, b) => (a.startsWith('fields') ? -1 : b.startsWith('fields') ? 1 : a.localeCompare(b)));
  const helpers = [...imports.fromMigrations].sort((a, b) => a.replace('type ', '').localeCompare(b.replace('type ', '')));
  const lines = [
    `/** Made by \`${migration.madeBy ?? 'trove makemigrations'}\` on ${now.toISOString().slice(0, 16).replace('T', ' ')} UTC. */`,
    ...(trove.length > 0 ? [`import { ${trove.join(', ')} } from 'trove';`] : []),
    `import { ${helpers.join(', ')} } from 'trove/migrations';`,
    '',
    `export const dependencies: Dependency[] = [${migration.dependencies.map(([app, name]) => `['${app}', '${name}']`).join(', ')}];`,
    '',
    migration.operations.length === 0 ? 'export const operations: Operation[] = [];' : `export const operations: Operation[] = [\n${operations.join('\n')}\n];`,
    '',
  ];
  return lines.join('\n');
}

export function writeMigration(migration: NewMigration): string {
  mkdirSync(migration.folder, { recursive: true });
  const path = join(migration.folder, `${migration.name}.ts`);
  writeFileSync(path, migrationSource(migration));
  return path;
}
