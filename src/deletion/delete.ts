import { atomic } from '../db/index.ts';
import { ManyToManyField, pkIn, prepareDelete, STATE, type DeleteResult, type InstanceLike, type QuerySet, type WhereNode } from '../orm/index.ts';
import { postDelete, preDelete } from '../signals.ts';

/** Deletes the rows of a queryset with their auto-created many-to-many links, in one transaction. */
export async function deleteQuerySet(qs: QuerySet<unknown>, origin: unknown): Promise<DeleteResult> {
  const meta = qs.meta;
  const db = qs.db;
  const sender = meta.modelClass;
  return atomic(async () => {
    const byModel: Record<string, number> = {};
    let where: WhereNode | undefined = qs.state.where;
    let instances: InstanceLike[] = [];
    if (preDelete.hasReceivers(sender) || postDelete.hasReceivers(sender)) {
      instances = (await qs.orderBy().fetch()) as InstanceLike[];
      for (const instance of instances) await preDelete.send({ sender, instance, origin, using: db });
      where = pkIn(meta, instances.map((i) => i[meta.pk.attname]));
    }
    const selected: WhereNode = { kind: 'subquery', column: '', nullable: false, table: meta.table, selectColumn: meta.pk.column!, where };
    const links = [
      ...meta.manyToManyFields.map((f) => [f, f.sourceLink] as const),
      ...meta.reverseRelations.filter((r) => r.field instanceof ManyToManyField).map((r) => [r.field as ManyToManyField, (r.field as ManyToManyField).targetLink] as const),
    ];
    for (const [field, link] of links) {
      if (!field.through.autoCreated) continue;
      const result = await db.execute(prepareDelete(db, field.through, { ...selected, column: link.column! }));
      const n = Number(result.numAffectedRows ?? 0);
      if (n > 0) byModel[field.through.label] = (byModel[field.through.label] ?? 0) + n;
    }
    const result = await db.execute(prepareDelete(db, meta, where));
    const n = Number(result.numAffectedRows ?? 0);
    if (n > 0) byModel[meta.label] = n;
    for (const instance of instances) {
      await postDelete.send({ sender, instance, origin, using: db });
    }
    return { total: Object.values(byModel).reduce((a, b) => a + b, 0), byModel };
  }, { using: db });
}

export async function deleteInstance(instance: InstanceLike & { meta: QuerySet<unknown>['meta'] }): Promise<DeleteResult> {
  const meta = instance.meta;
  const { Manager } = await import('../orm/index.ts');
  const qs = new Manager<unknown>(meta.modelClass).getQuerySet().where(pkIn(meta, [instance[meta.pk.attname]]));
  const result = await deleteQuerySet(qs, instance);
  instance[meta.pk.attname] = null;
  instance[STATE].adding = true;
  return result;
}
