/**
 * The deletion graph: which models a delete reaches and how. Built from model metadata alone,
 * so its size depends on the shape of the schema, never on the number of rows.
 *
 * Collect: starting at the deleted model, follow every relation that points at a model in the
 * graph and apply its onDelete rule. Sort: order the models so that referring models are
 * deleted before the models they point at; models that refer to each other in a cycle form a
 * group deleted together.
 */
import { ForeignKeyField, type ModelMeta } from '../orm/index.ts';
import { ON_DELETE_RULES } from './rules.ts';

export interface Check {
  /** NO_TRASH: a soft delete reaching, through CASCADE, a model without a trash (see rules.ts). */
  kind: 'PROTECT' | 'RESTRICT' | 'NO_TRASH';
  field: ForeignKeyField;
}

/**
 * A DO_NOTHING key the database checks: the delete leaves it alone, and the database refuses a
 * delete that leaves it pointing at no row.
 */
export function isCheckedDoNothing(field: unknown): field is ForeignKeyField {
  return field instanceof ForeignKeyField && field.dbConstraint && field.onDelete.rule === 'DO_NOTHING';
}

export interface FieldUpdate {
  field: ForeignKeyField;
  value: () => unknown;
  /** SET(fn): call fn only if some row refers to a deleted one. */
  needsRows: boolean;
}

/** Models whose rows refer to each other in a CASCADE cycle, deleted as one closure. */
export interface Group {
  models: ModelMeta[];
  /** CASCADE fields from a model of the group to a model of the group. */
  cyclic: ForeignKeyField[];
}

export class DeletionGraph {
  /** Models whose rows may be deleted, by label. */
  readonly models = new Map<string, ModelMeta>();
  /** CASCADE fields between models of the graph, by the label of the model they point at. */
  readonly cascadesInto = new Map<string, ForeignKeyField[]>();
  readonly checks: Check[] = [];
  readonly updates: FieldUpdate[] = [];
  /** Groups in deletion order: referring models first. */
  readonly order: Group[];

  constructor(
    readonly root: ModelMeta,
    /** A soft delete follows CASCADE into soft-delete models only, and applies no SET_* rule. */
    readonly mode: 'hard' | 'soft' = 'hard',
  ) {
    this.collect();
    this.order = this.sort();
  }

  has(meta: ModelMeta): boolean {
    return this.models.has(meta.label);
  }

  /** Called by the CASCADE rule. */
  addCascade(field: ForeignKeyField): void {
    const list = this.cascadesInto.get(field.target.label) ?? [];
    list.push(field);
    this.cascadesInto.set(field.target.label, list);
    this.pending.push(field.model);
  }

  /** The one CASCADE key through which the delete reaches `meta`; undefined when there are several (or none). */
  cascadeKeyOf(meta: ModelMeta): ForeignKeyField | undefined {
    const fields = [...this.cascadesInto.values()].flat().filter((field) => field.model === meta);
    return fields.length === 1 ? fields[0] : undefined;
  }

  groupOf(meta: ModelMeta): Group {
    return this.order.find((g) => g.models.includes(meta))!;
  }

  private pending: ModelMeta[] = [];

  private collect(): void {
    this.pending = [this.root];
    while (this.pending.length > 0) {
      const meta = this.pending.pop()!;
      if (this.models.has(meta.label)) continue;
      this.models.set(meta.label, meta);
      for (const relation of meta.reverseRelations) {
        // A many-to-many field is reached through its link model's foreign keys.
        if (relation.field instanceof ForeignKeyField) ON_DELETE_RULES[relation.field.onDelete.rule](this, relation.field);
      }
    }
  }

  /** Strongly connected components (Tarjan) of the "must be deleted before" relation. */
  private sort(): Group[] {
    const refersTo = (meta: ModelMeta): ModelMeta[] =>
      meta.foreignKeys.filter((f) => this.ordersDeletion(f)).map((f) => f.target);
    const index = new Map<string, number>();
    const low = new Map<string, number>();
    const onStack = new Set<string>();
    const stack: ModelMeta[] = [];
    const groups: Group[] = [];
    let counter = 0;
    const visit = (meta: ModelMeta): void => {
      index.set(meta.label, counter);
      low.set(meta.label, counter++);
      stack.push(meta);
      onStack.add(meta.label);
      for (const next of refersTo(meta)) {
        if (!index.has(next.label)) {
          visit(next);
          low.set(meta.label, Math.min(low.get(meta.label)!, low.get(next.label)!));
        } else if (onStack.has(next.label)) {
          low.set(meta.label, Math.min(low.get(meta.label)!, index.get(next.label)!));
        }
      }
      if (low.get(meta.label) === index.get(meta.label)) {
        const models: ModelMeta[] = [];
        let member: ModelMeta;
        do {
          member = stack.pop()!;
          onStack.delete(member.label);
          models.push(member);
        } while (member !== meta);
        const labels = new Set(models.map((m) => m.label));
        const cyclic = models.flatMap((m) => (this.cascadesInto.get(m.label) ?? []).filter((f) => labels.has(f.model.label)));
        groups.push({ models, cyclic });
      }
    };
    for (const meta of this.models.values()) if (!index.has(meta.label)) visit(meta);
    // Tarjan emits a group only after the groups it refers to: the reverse is deletion order.
    return groups.reverse();
  }

  /** A foreign key between graph models whose rows must go first; SET_* keys are cleared beforehand. */
  private ordersDeletion(field: ForeignKeyField): boolean {
    if (!this.has(field.target) || !this.has(field.model)) return false;
    const rule = field.onDelete.rule;
    return rule !== 'SET_NULL' && rule !== 'SET_DEFAULT' && rule !== 'SET';
  }
}
