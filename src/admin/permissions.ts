/** The permissions of the request's user, read once per request however many checks a page makes. */
import { permissionFor, User, type PermissionCheck } from '../auth/index.ts';
import type { ModelMeta } from '../orm/index.ts';
import type { SiteContext } from './context.ts';
import type { ModelVisibility } from './lookups.ts';
import type { ViewRequest } from '../web/index.ts';

const cache = new WeakMap<ViewRequest<any>, Promise<ReadonlySet<string>>>();

/** `'blog.view_post'` and the like; every one for an active superuser, none for anyone else inactive. */
export function userPermissions(request: ViewRequest<any>): Promise<ReadonlySet<string>> {
  let found = cache.get(request);
  if (found === undefined) {
    const user = request.user;
    found = !(user instanceof User) || !user.isActive ? Promise.resolve(new Set<string>()) : user.isSuperuser ? Promise.resolve(ALL) : user.permissionNames();
    cache.set(request, found);
  }
  return found;
}

/** A set that has everything: a superuser's permissions. */
const ALL: ReadonlySet<string> = new (class extends Set<string> {
  override has(): boolean {
    return true;
  }
})();

/** Whether the request comes from someone the admin lets in: an active staff member. */
export function isStaff(request: ViewRequest<any>): boolean {
  const user = request.user;
  return user instanceof User && user.isActive && user.isStaff;
}

/**
 * The deletion permissions (trove/auth) as the admin answers them: a registered model's admin
 * hooks (hasDeletePermission and the rest, which a project may override), the user's own
 * permissions for a model the site does not register.
 */
export function adminMay(site: SiteContext, request: ViewRequest<any>): PermissionCheck {
  return async (action, meta) => {
    const admin = site.adminFor(meta.label);
    if (admin === undefined) return (await userPermissions(request)).has(permissionFor(action, meta));
    switch (action) {
      case 'view':
        return admin.hasViewPermission(request);
      case 'delete':
        return admin.hasDeletePermission(request);
      case 'restore':
        return admin.hasRestorePermission(request);
      case 'purge':
        return admin.hasPurgePermission(request);
    }
  };
}

/**
 * Whether the request's user may see a model's rows in the admin: its admin's view permission
 * (which change implies, and which a project may override), or, for a model the site does not
 * register, the user's own view or change permission. Each model is asked once.
 */
export function modelVisibility(site: SiteContext, request: ViewRequest<any>): ModelVisibility {
  const answers = new Map<string, Promise<boolean>>();
  return (meta) => {
    let answer = answers.get(meta.label);
    if (answer === undefined) {
      answer = mayViewModel(site, request, meta);
      answers.set(meta.label, answer);
    }
    return answer;
  };
}

async function mayViewModel(site: SiteContext, request: ViewRequest<any>, meta: ModelMeta): Promise<boolean> {
  const admin = site.adminFor(meta.label);
  if (admin !== undefined) return admin.hasViewPermission(request);
  const permissions = await userPermissions(request);
  return permissions.has(permissionFor('view', meta)) || permissions.has(`${meta.appLabel}.change_${meta.modelName}`);
}
