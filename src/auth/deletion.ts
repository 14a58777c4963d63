/**
 * Who may make rows leave or return. One rule for everything a delete, purge or restore takes,
 * checked on its plan (what it will do, fixed before its first write) by every caller: the
 * admin, DeleteView, the trash views, a project's own views and the CLI.
 *
 *   delete   on every model whose rows go, to the trash or for good;
 *   purge    on every soft-delete model whose rows go for good (live rows or rows in the trash);
 *   restore  on every model whose rows a restore brings back;
 *   view     on every model whose rows a page shows.
 *
 * The engine calls `authorize(plan)` inside the transaction before writing, so what is checked is
 * exactly what happens: `await post.delete({ authorize: authorizeDelete(userMay(request.user)) })`.
 */
import { getModel, type ModelMeta } from '../orm/index.ts';

export type DeletionAction = 'view' | 'delete' | 'purge' | 'restore';

/** One permission a plan needs: an action on a model, for so many of its rows. */
export interface PermissionNeed {
  readonly action: DeletionAction;
  readonly model: ModelMeta;
  readonly rows: number;
}

/** Answers whether the user may do `action` on `model`: their permissions, or an admin's hooks. */
export type PermissionCheck = (action: DeletionAction, model: ModelMeta) => boolean | Promise<boolean>;

/** The permissions of `user` (a request's, a User): `'blog.delete_post'` and the like. */
export function userMay(user: { hasPerm(perm: string): Promise<boolean> }): PermissionCheck {
  // As Django's has_view_permission: the change permission lets one view too.
  return async (action, model) => (await user.hasPerm(permissionFor(action, model))) || (action === 'view' && user.hasPerm(`${model.appLabel}.change_${model.modelName}`));
}

export function permissionFor(action: DeletionAction, model: ModelMeta): string {
  return `${model.appLabel}.${action}_${model.modelName}`;
}

/** A delete's plan: `soft` when its rows go to the trash, and its rows per model label. */
export interface DeletePlanShape {
  readonly soft: boolean;
  readonly byModel: Readonly<Record<string, number>>;
}

/**
 * What a delete needs: delete on every model it takes rows of; purge too where they go for good.
 * Link rows of a many-to-many (an auto-created link model) go with their rows and need nothing
 * of their own: such a model has no permissions to grant.
 */
export function needsOfDelete(plan: DeletePlanShape): PermissionNeed[] {
  return Object.entries(plan.byModel).flatMap(([label, rows]) => {
    const model = getModel(label);
    if (model.autoCreated) return [];
    const needs: PermissionNeed[] = [{ action: 'delete', model, rows }];
    if (!plan.soft && model.softDelete) needs.push({ action: 'purge', model, rows });
    return needs;
  });
}

/** What a restore needs: restore on every model it brings rows back to. */
export function needsOfRestore(plan: { readonly byModel: Readonly<Record<string, number>> }): PermissionNeed[] {
  return Object.entries(plan.byModel).flatMap(([label, rows]) => {
    const model = getModel(label);
    return model.autoCreated ? [] : [{ action: 'restore' as const, model, rows }];
  });
}

/** What a purge needs: what a hard delete of the same rows would. */
export function needsOfPurge(plan: { readonly byModel: Readonly<Record<string, number>> }): PermissionNeed[] {
  return needsOfDelete({ soft: false, byModel: plan.byModel });
}

/** The needs the check refuses, in the order given. */
export async function missingPermissions(needs: readonly PermissionNeed[], may: PermissionCheck): Promise<PermissionNeed[]> {
  const missing: PermissionNeed[] = [];
  for (const need of needs) if (!(await may(need.action, need.model))) missing.push(need);
  return missing;
}

const VERBS: Record<DeletionAction, string> = { view: 'view', delete: 'delete', purge: 'delete for good', restore: 'restore' };

/** "delete comments", "delete for good posts": what a page lists under "you may not". */
export function describeNeed(need: PermissionNeed): string {
  return `${VERBS[need.action]} ${need.model.verboseNamePlural}`;
}

/** The user may not do all that the plan does; nothing was changed. */
export class DeletionNotPermitted extends Error {
  override name = 'DeletionNotPermitted';
  constructor(readonly missing: readonly PermissionNeed[]) {
    super(`Not permitted: ${missing.map(describeNeed).join(', ')}.`);
  }
}

async function authorize(needs: PermissionNeed[], may: PermissionCheck): Promise<void> {
  const missing = await missingPermissions(needs, may);
  if (missing.length > 0) throw new DeletionNotPermitted(missing);
}

/** For `delete()`, `hardDelete()` and `bulkDelete()`'s `authorize` option. */
export function authorizeDelete(may: PermissionCheck): (plan: DeletePlanShape) => Promise<void> {
  return (plan) => authorize(needsOfDelete(plan), may);
}

/** For `restore()` and `restoreDeletion()`'s `authorize` option. */
export function authorizeRestore(may: PermissionCheck): (plan: { readonly byModel: Readonly<Record<string, number>> }) => Promise<void> {
  return (plan) => authorize(needsOfRestore(plan), may);
}

/** For `purgeDeletion()`'s `authorize` option. */
export function authorizePurge(may: PermissionCheck): (plan: { readonly byModel: Readonly<Record<string, number>> }) => Promise<void> {
  return (plan) => authorize(needsOfPurge(plan), may);
}
