/**
 * The models' system checks (Django's `fields.E3xx` and `models.E0xx`): what model definitions
 * allow but a project cannot mean. Relations whose target does not exist, two relations that
 * give a model the same reverse name (the second would silently shadow the first), and a
 * default ordering that names no field.
 */
import { checkError, type CheckMessage } from '../checks/index.ts';
import { FieldError } from './errors.ts';
import { ForeignKeyField, ManyToManyField } from './fields/relations.ts';
import type { ModelMeta, ReverseRelation } from './meta.ts';
import { resolveOrdering } from './query/paths.ts';

export function checkModels(models: readonly ModelMeta[]): CheckMessage[] {
  const labels = models.map((m) => m.label);
  return [
    ...models.flatMap((meta) => unresolvedRelations(meta, labels)),
    ...models.flatMap(reverseNameClashes),
    ...models.flatMap(orderingProblems),
  ];
}

/** fields.E300: a relation to a label no model has, with the closest label as a hint. */
function unresolvedRelations(meta: ModelMeta, labels: readonly string[]): CheckMessage[] {
  const messages: CheckMessage[] = [];
  for (const field of meta.fields) {
    if (!(field instanceof ForeignKeyField || field instanceof ManyToManyField) || field.isResolved) continue;
    const named = typeof field.to === 'string' ? (field.to.includes('.') ? field.to : `${meta.appLabel}.${field.to}`) : 'a model class';
    const closest = typeof field.to === 'string' ? closestName(named, labels) : undefined;
    messages.push(checkError('fields.E300', `Field defines a relation with model '${named}', which is not defined.`, {
      object: field.qualifiedName,
      hint: closest === undefined ? `Define the model, or add the module that defines it to the project's apps.` : `Did you mean '${closest}'?`,
    }));
  }
  return messages;
}

/**
 * fields.E304 and E305: two relations to one model with the same reverse accessor or query name.
 * The registry keeps the first (`author.books` would reach one of them only).
 */
function reverseNameClashes(meta: ModelMeta): CheckMessage[] {
  const messages: CheckMessage[] = [];
  const visible = meta.reverseRelations.filter((r) => !r.hidden);
  const reported = new Set<ReverseRelation>();
  const clash = (id: string, what: string, nameOf: (r: ReverseRelation) => string) => {
    const seen = new Map<string, ReverseRelation>();
    for (const relation of visible) {
      const name = nameOf(relation);
      const first = seen.get(name);
      if (first === undefined) {
        seen.set(name, relation);
        continue;
      }
      // The same pair clashing by query name too is reported once, as E304.
      if (reported.has(relation)) continue;
      reported.add(relation);
      messages.push(checkError(id, `Reverse ${what} '${meta.objectName}.${name}' for '${relation.field.qualifiedName}' clashes with reverse ${what} for '${first.field.qualifiedName}'.`, {
        object: relation.field.qualifiedName,
        hint: `Add or change a relatedName argument to the definition for '${relation.field.qualifiedName}' or '${first.field.qualifiedName}'.`,
      }));
    }
  };
  clash('fields.E304', 'accessor', (r) => r.accessorName);
  clash('fields.E305', 'query name', (r) => r.queryName);
  return messages;
}

/** models.E015: the model's `ordering` names a field (or path) it does not have. */
function orderingProblems(meta: ModelMeta): CheckMessage[] {
  const messages: CheckMessage[] = [];
  for (const name of meta.options.ordering ?? []) {
    if (name === '?') continue;
    try {
      resolveOrdering(meta, [name]);
    } catch (error) {
      if (!(error instanceof FieldError)) throw error;
      const closest = closestName(name.replace(/^-/, ''), meta.fields.map((f) => f.name));
      messages.push(checkError('models.E015', `'ordering' refers to '${name}', which is not a field or a path of ${meta.label}.`, { object: meta.label, hint: closest === undefined ? error.message : `Did you mean '${closest}'?` }));
    }
  }
  return messages;
}

/** The name in `candidates` a typo most likely meant: at most a third of its letters off (two for short names). */
export function closestName(name: string, candidates: readonly string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance <= Math.max(2, Math.ceil(name.length / 3)) && (best === undefined || distance < best.distance)) best = { name: candidate, distance };
  }
  return best?.name;
}

/** Letters added, removed, changed or swapped with the next one (`titel` is one swap from `title`). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}
