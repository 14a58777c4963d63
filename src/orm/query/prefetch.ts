/**
 * prefetchRelated: one extra query per relation, however many instances, with the results
 * stored on each instance so that `post.author` or `author.posts.all()` need no query.
 */
import type { Database } from '../../db/index.ts';
import { FieldError } from '../errors.ts';
import type { Field } from '../fields/field.ts';
import { ForeignKeyField, ManyToManyField } from '../fields/relations.ts';
import { relationCache, type InstanceLike } from '../instance.ts';
import type { ModelMeta } from '../meta.ts';
import type { WhereNode } from './where.ts';

/** Fetches the instances of a model that match a condition; supplied by the QuerySet. */
export type Fetch = (meta: ModelMeta, where: WhereNode) => Promise<InstanceLike[]>;
/** Fetches two columns of a link table. */
export type FetchPairs = (meta: ModelMeta, where: WhereNode, near: ForeignKeyField, far: ForeignKeyField) => Promise<Array<[unknown, unknown]>>;

/** Keeps each IN list well under every database's limit on bound values. */
const BATCH = 10_000;

export interface PrefetchIo {
  fetch: Fetch;
  fetchPairs: FetchPairs;
  db: Database;
}

export async function prefetchInto(meta: ModelMeta, instances: InstanceLike[], names: readonly string[], io: PrefetchIo): Promise<void> {
  if (instances.length === 0) return;
  // Group `posts` and `posts__comments` so each level is fetched once.
  const byHead = new Map<string, string[]>();
  for (const name of names) {
    const [head, ...rest] = name.split('__') as [string, ...string[]];
    const tails = byHead.get(head) ?? [];
    if (rest.length > 0) tails.push(rest.join('__'));
    byHead.set(head, tails);
  }
  for (const [head, tails] of byHead) {
    const { target, related } = await prefetchOne(meta, instances, head, io);
    if (tails.length > 0) await prefetchInto(target, related, tails, io);
  }
}

function inCondition(field: Field, values: unknown[]): WhereNode {
  return { kind: 'compare', field, column: field.column!, lookup: 'in', value: values };
}

async function fetchIn(io: PrefetchIo, meta: ModelMeta, field: Field, values: unknown[]): Promise<InstanceLike[]> {
  const out: InstanceLike[] = [];
  for (let i = 0; i < values.length; i += BATCH) out.push(...(await io.fetch(meta, inCondition(field, values.slice(i, i + BATCH)))));
  return out;
}

function unique(values: unknown[]): unknown[] {
  return [...new Set(values.filter((v) => v !== null && v !== undefined))];
}

async function prefetchOne(meta: ModelMeta, instances: InstanceLike[], name: string, io: PrefetchIo): Promise<{ target: ModelMeta; related: InstanceLike[] }> {
  const pkName = meta.pk.attname;
  const field = meta.field(name);
  if (field instanceof ForeignKeyField && name === field.name) {
    const target = field.target;
    const related = await fetchIn(io, target, target.pk, unique(instances.map((i) => i[field.attname])));
    const byPk = new Map(related.map((r) => [r[target.pk.attname], r]));
    for (const instance of instances) relationCache(instance).set(field.name, byPk.get(instance[field.attname]) ?? null);
    return { target, related };
  }
  if (field instanceof ManyToManyField) return prefetchMany(instances, name, field.through, field.sourceLink, field.targetLink, field.target, pkName, io);
  const relation = meta.reverseRelation(name);
  if (relation === undefined) {
    throw new FieldError(`Cannot prefetch '${name}': ${meta.label} has no relation of that name.`);
  }
  if (relation.field instanceof ManyToManyField) {
    const m2m = relation.field;
    return prefetchMany(instances, relation.accessorName, m2m.through, m2m.targetLink, m2m.sourceLink, m2m.model, pkName, io);
  }
  const fk = relation.field;
  const related = await fetchIn(io, relation.relatedModel, fk, unique(instances.map((i) => i[pkName])));
  const groups = new Map<unknown, InstanceLike[]>();
  for (const row of related) {
    const key = row[fk.attname];
    const group = groups.get(key) ?? [];
    group.push(row);
    groups.set(key, group);
  }
  for (const instance of instances) {
    const group = groups.get(instance[pkName]) ?? [];
    relationCache(instance).set(relation.accessorName, relation.multiple ? group : (group[0] ?? null));
    // The far side points back at the instance: no query needed for `post.author` either.
    for (const row of group) relationCache(row).set(fk.name, instance);
  }
  return { target: relation.relatedModel, related };
}

async function prefetchMany(
  instances: InstanceLike[], cacheName: string, through: ModelMeta, near: ForeignKeyField, far: ForeignKeyField,
  target: ModelMeta, pkName: string, io: PrefetchIo,
): Promise<{ target: ModelMeta; related: InstanceLike[] }> {
  const pks = unique(instances.map((i) => i[pkName]));
  const pairs: Array<[unknown, unknown]> = [];
  for (let i = 0; i < pks.length; i += BATCH) pairs.push(...(await io.fetchPairs(through, inCondition(near, pks.slice(i, i + BATCH)), near, far)));
  const related = await fetchIn(io, target, target.pk, unique(pairs.map(([, farId]) => farId)));
  const byPk = new Map(related.map((r) => [r[target.pk.attname], r]));
  const groups = new Map<unknown, InstanceLike[]>();
  for (const [nearId, farId] of pairs) {
    const object = byPk.get(farId);
    if (object === undefined) continue;
    const group = groups.get(nearId) ?? [];
    group.push(object);
    groups.set(nearId, group);
  }
  for (const instance of instances) relationCache(instance).set(cacheName, groups.get(instance[pkName]) ?? []);
  return { target, related };
}
