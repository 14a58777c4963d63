export { User, Group, Permission, AnonymousUser, syncPermissions, codenamesFor, permissionName, type AnyUser } from './models.ts';
export { makePassword, checkPassword } from './passwords.ts';
