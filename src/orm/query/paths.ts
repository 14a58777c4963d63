/** Resolving names that walk forward relations: orderBy('-author__name'), selectRelated, values(). */
import { Expression, OrderByExpression, resolveExpression } from '../expressions.ts';
import { FieldError } from '../errors.ts';
import type { Field } from '../fields/field.ts';
import { ForeignKeyField, ManyToManyField } from '../fields/relations.ts';
import type { ModelMeta } from '../meta.ts';
import type { FieldOrderTerm, OrderTerm, RelationPath, ValueColumn } from './compiler.ts';
import type { Annotations } from './where.ts';

/** Follows `a__b__c` through forward foreign keys; returns the path and the final field. */
function walk(meta: ModelMeta, name: string, purpose: string): { path: ForeignKeyField[]; field: Field } {
  const parts = name.split('__');
  const path: ForeignKeyField[] = [];
  let current = meta;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    const field = part === 'pk' ? current.pk : current.field(part);
    if (field === undefined || field instanceof ManyToManyField) {
      const why = field instanceof ManyToManyField || current.reverseRelation(part) ? ' (only forward foreign keys can be followed here)' : '';
      throw new FieldError(`Cannot ${purpose} by '${name}': ${current.label} has no field '${part}'${why}.`);
    }
    const last = i === parts.length - 1;
    if (last) return { path, field };
    if (!(field instanceof ForeignKeyField) || part === field.attname) {
      throw new FieldError(`Cannot ${purpose} by '${name}': '${part}' is not a relation of ${current.label}.`);
    }
    path.push(field);
    current = field.target;
  }
  throw new FieldError(`Cannot ${purpose} by an empty name.`);
}

export function resolveOrdering(meta: ModelMeta, names: readonly string[]): FieldOrderTerm[] {
  return resolveOrderingWith(meta, names, new Map()) as FieldOrderTerm[];
}

/** Ordering by fields, or by the queryset's annotations (`-postCount`). */
export function resolveOrderingWith(meta: ModelMeta, names: ReadonlyArray<string | Expression | OrderByExpression>, annotations: Annotations): OrderTerm[] {
  return names.map((raw) => {
    if (raw instanceof OrderByExpression) return { expression: resolveExpression(meta, raw.expression), descending: raw.descending, nulls: raw.nulls };
    if (raw instanceof Expression) return { expression: resolveExpression(meta, raw), descending: false, nulls: {} };
    if (typeof raw !== 'string' || raw === '' || raw === '-') throw new FieldError(`orderBy() takes field names like 'title' or '-title', not ${JSON.stringify(raw)}.`);
    const descending = raw.startsWith('-');
    const name = descending ? raw.slice(1) : raw;
    const annotation = annotations.get(name);
    if (annotation !== undefined) return { annotation, descending };
    const { path, field } = walk(meta, name, 'order');
    return { path, field, descending };
  });
}

export function resolveRelatedPath(meta: ModelMeta, name: string): RelationPath {
  const parts = name.split('__');
  const path: ForeignKeyField[] = [];
  let current = meta;
  for (const part of parts) {
    const field = current.field(part);
    if (!(field instanceof ForeignKeyField) || part !== field.name) {
      throw new FieldError(
        `selectRelated() follows foreign keys and one-to-one fields; '${part}' in '${name}' is not one of ${current.label}'s (use prefetchRelated() for many-valued relations).`,
      );
    }
    path.push(field);
    current = field.target;
  }
  return path;
}

export function resolveValueColumns(meta: ModelMeta, names: readonly string[]): ValueColumn[] {
  const chosen = names.length > 0 ? names : meta.concreteFields.map((f) => f.attname);
  return chosen.map((name) => {
    const { path, field } = walk(meta, name, 'select values');
    return { name, path, field };
  });
}
