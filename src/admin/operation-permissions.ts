/**
 * Who may see and steer an online operation in the admin. The same rules as the deletion engine
 * (trove/auth), on what the operation's plan takes:
 *
 *   see       view on its root model in the admin (a superuser sees every operation);
 *   pause,    delete on every model of its plan, and purge where rows go for good
 *   resume    (a hard delete of a soft-delete model), as `needsOfDelete` says;
 *   cancel    the same, and for a soft delete restore on every model it took: cancelling
 *             puts those rows back.
 *
 * A model the process no longer knows (renamed, removed since the operation was written) cannot
 * be checked, so only a superuser may act on an operation that names one.
 */
import { missingPermissions, needsOfDelete, needsOfRestore, User, type PermissionNeed } from '../auth/index.ts';
import type { OnlineOperation } from '../deletion/index.ts';
import { getModel, type ModelMeta } from '../orm/index.ts';
import type { ViewRequest } from '../web/index.ts';
import type { SiteContext } from './context.ts';
import { adminMay } from './permissions.ts';

type Operation = InstanceType<typeof OnlineOperation>;
export type OperationControl = 'pause' | 'resume' | 'cancel';

export function isSuperuser(request: ViewRequest<any>): boolean {
  const user = request.user;
  return user instanceof User && user.isActive && user.isSuperuser;
}

function modelOf(label: string): ModelMeta | undefined {
  try {
    return getModel(label);
  } catch {
    return undefined;
  }
}

/** Whether the user may see the operation: view on its root model, as the admin registers it. */
export async function mayViewOperation(site: SiteContext, request: ViewRequest<any>, op: Pick<Operation, 'rootLabel'>): Promise<boolean> {
  if (isSuperuser(request)) return true;
  const admin = site.adminFor(op.rootLabel);
  return admin !== undefined && admin.hasViewPermission(request);
}

/** Every label the operation may have taken rows of, with the larger of planned and done. */
function rowsByModel(op: Pick<Operation, 'plan' | 'done'>): Record<string, number> {
  const rows: Record<string, number> = { ...op.plan };
  for (const [label, n] of Object.entries(op.done)) rows[label] = Math.max(rows[label] ?? 0, n);
  return rows;
}

/** What a control needs of the user, or undefined when the plan names a model this process does not know. */
export function needsOfControl(op: Pick<Operation, 'kind' | 'plan' | 'done'>, control: OperationControl): PermissionNeed[] | undefined {
  const rows = rowsByModel(op);
  if (Object.keys(rows).some((label) => modelOf(label) === undefined)) return undefined;
  const needs = needsOfDelete({ soft: op.kind === 'softDelete', byModel: rows });
  if (control === 'cancel' && op.kind === 'softDelete') needs.push(...needsOfRestore({ byModel: rows }));
  return needs;
}

/** What the user may not do of a control, described; empty when they may. */
export async function missingForControl(site: SiteContext, request: ViewRequest<any>, op: Operation, control: OperationControl): Promise<PermissionNeed[] | 'unknown models'> {
  const needs = needsOfControl(op, control);
  if (needs === undefined) return isSuperuser(request) ? [] : 'unknown models';
  return missingPermissions(needs, adminMay(site, request));
}

/** Whether the user may use the control: checked when the page is drawn and again on every POST. */
export async function mayControl(site: SiteContext, request: ViewRequest<any>, op: Operation, control: OperationControl): Promise<boolean> {
  const missing = await missingForControl(site, request, op, control);
  return missing !== 'unknown models' && missing.length === 0;
}
