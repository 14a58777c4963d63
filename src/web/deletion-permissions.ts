/**
 * The deletion permissions (trove/auth) as a view uses them: for the request's user, refusing
 * with a 403 page, and Undo offered only to who may restore what was deleted.
 */
import { authorizeDelete, authorizeRestore, missingPermissions, needsOfRestore, userMay, type PermissionCheck } from '../auth/index.ts';
import type { ViewRequest } from './request.ts';

/** The request user's permissions, as the deletion checks take them. */
export function requestMay(request: ViewRequest<any>): PermissionCheck {
  return userMay(request.user);
}

/** `await post.delete({ authorize: mayDelete(request) })`: refused (DeletionNotPermitted) unless the user may delete everything it takes. */
export function mayDelete(request: ViewRequest<any>): ReturnType<typeof authorizeDelete> {
  return authorizeDelete(requestMay(request));
}

/** `await restoreDeletion(id, { authorize: mayRestore(request) })`. */
export function mayRestore(request: ViewRequest<any>): ReturnType<typeof authorizeRestore> {
  return authorizeRestore(requestMay(request));
}

/** Whether Undo of a delete that took `byModel` would be allowed: offer it only then. */
export async function mayUndo(request: ViewRequest<any>, byModel: Readonly<Record<string, number>>, may: PermissionCheck = requestMay(request)): Promise<boolean> {
  return (await missingPermissions(needsOfRestore({ byModel }), may)).length === 0;
}
