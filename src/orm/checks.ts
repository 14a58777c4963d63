/**
 * The models' system checks (Django's `fields.E3xx` and `models.E0xx`): what model definitions
 * allow but a project cannot mean. Relations whose target does not exist, two relations that
 * give a model the same reverse name (the second would silently shadow the first) or one of
 * its instances' methods, and a default ordering that names no field.
 */
import { checkError, type CheckMessage } from '../checks/index.ts';
import { closestName, closestPath } from './did-you-mean.ts';
import { FieldError } from './errors.ts';
import { ForeignKeyField, ManyToManyField } from './fields/relations.ts';
import { instanceMember } from './instance-members.ts';
import type { ModelMeta, ReverseRelation } from './meta.ts';
import { resolveOrdering } from './query/paths.ts';

export function checkModels(models: readonly ModelMeta[]): CheckMessage[] {
  const labels = models.map((m) => m.label);
  return [
    ...models.flatMap((meta) => unresolvedRelations(meta, labels)),
    ...models.flatMap(reverseNameClashes),
    ...models.flatMap(reverseAccessorsShadowingMembers),
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
 * The registry keeps the first (`author.books` would reach one of them only). And fields.E302
 * and E303: a reverse accessor or query name that is also a field of the model pointed at (the
 * field wins: `author.title` stays the field, `{ title: … }` filters by it).
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
  for (const relation of visible) {
    const source = relation.field.qualifiedName;
    const fieldClash = (id: string, name: string, message: (clashName: string) => string) => {
      const field = meta.field(name);
      if (field === undefined) return;
      const clashName = `${meta.label}.${field.name}`;
      messages.push(checkError(id, message(clashName), {
        object: source,
        hint: `Rename field '${clashName}', or add/change a relatedName argument to the definition for field '${source}'.`,
      }));
    };
    fieldClash('fields.E302', relation.accessorName, (clashName) => `Reverse accessor '${meta.objectName}.${relation.accessorName}' for '${source}' clashes with field name '${clashName}'.`);
    fieldClash('fields.E303', relation.queryName, (clashName) => `Reverse query name for '${source}' clashes with field name '${clashName}'.`);
  }
  clash('fields.E304', 'accessor', (r) => r.accessorName);
  clash('fields.E305', 'query name', (r) => r.queryName);
  return messages;
}

/**
 * fields.E350 (Trove's own; ids from fields.E350 on are): a reverse accessor named like a
 * member of the instances it would sit on, `relatedName: 'save'` making `writer.save` a manager.
 * The member keeps its name (the accessor is not installed) and the relation has no accessor,
 * so the check asks for another relatedName. Fields are E302's.
 */
function reverseAccessorsShadowingMembers(meta: ModelMeta): CheckMessage[] {
  const messages: CheckMessage[] = [];
  for (const relation of meta.reverseRelations) {
    const name = relation.accessorName;
    if (relation.hidden || meta.field(name) !== undefined) continue;
    const kind = instanceMember(meta.modelClass.prototype as object, name);
    if (kind === undefined) continue;
    const source = relation.field.qualifiedName;
    messages.push(checkError('fields.E350', `Reverse accessor '${meta.objectName}.${name}' for '${source}' clashes with ${kind} '${name}' of '${meta.label}' instances.`, {
      object: source,
      hint: `Add or change a relatedName argument to the definition for field '${source}'.`,
    }));
  }
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
      const closest = closestPath(meta, name.replace(/^-/, ''), { forwardOnly: true });
      messages.push(checkError('models.E015', `'ordering' refers to '${name}', which is not a field or a path of ${meta.label}.`, { object: meta.label, hint: closest === undefined ? error.message : `Did you mean '${closest}'?` }));
    }
  }
  return messages;
}
