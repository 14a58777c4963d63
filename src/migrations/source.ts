/** Writes values and fields as TypeScript source, for migration files. */
import type { OnDelete } from '../orm/index.ts';
import type { FieldState } from './state.ts';

/** The names a migration file imports from 'trove' and from 'trove/migrations'. */
export class Imports {
  readonly fromTrove = new Set<string>();
  readonly fromMigrations = new Set<string>();
}

/** A string literal in single quotes, as the project's own code writes them. */
export function stringSource(text: string): string {
  return `'${JSON.stringify(text).slice(1, -1).replaceAll('\\"', '"').replaceAll("'", "\\'")}'`;
}

export function valueSource(value: unknown, imports?: Imports): string {
  if (value === undefined) return 'undefined';
  if (value instanceof Date) return `new Date(${stringSource(value.toISOString())})`;
  if (Array.isArray(value)) return `[${value.map((v) => valueSource(v, imports)).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    if (isOnDelete(value)) return onDeleteSource(value, imports);
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return '{}';
    return `{ ${entries.map(([k, v]) => `${/^[A-Za-z_$][\w$]*$/.test(k) ? k : stringSource(k)}: ${valueSource(v, imports)}`).join(', ')} }`;
  }
  if (typeof value === 'string') return stringSource(value);
  return JSON.stringify(value);
}

function isOnDelete(value: object): value is OnDelete {
  const keys = Object.keys(value);
  return typeof (value as OnDelete).rule === 'string' && keys.every((k) => k === 'rule' || k === 'value');
}

function onDeleteSource(onDelete: OnDelete, imports?: Imports): string {
  if (onDelete.rule === 'SET') {
    imports?.fromTrove.add('SET');
    return `SET(${valueSource(onDelete.value, imports)})`;
  }
  imports?.fromTrove.add(onDelete.rule);
  return onDelete.rule;
}

/** `f.char({ maxLength: 200 })`, `f.foreignKey('blog.Author', { onDelete: CASCADE })`. */
export function fieldSource(field: FieldState, imports?: Imports): string {
  imports?.fromTrove.add('fields as f');
  // The auto-increment key is always the primary key and takes no options.
  if (field.kind === 'auto') return 'f.auto()';
  const options = Object.keys(field.options).length === 0 ? '' : valueSource(field.options, imports);
  const args = field.to === undefined ? [options] : [stringSource(field.to), options];
  return `f.${field.kind}(${args.filter((a) => a !== '').join(', ')})`;
}

export function fieldsSource(fields: ReadonlyMap<string, FieldState>, imports: Imports, indent: string): string {
  if (fields.size === 0) return '{}';
  const lines = [...fields].map(([name, field]) => `${indent}  ${/^[A-Za-z_$][\w$]*$/.test(name) ? name : stringSource(name)}: ${fieldSource(field, imports)},`);
  return `{\n${lines.join('\n')}\n${indent}}`;
}
