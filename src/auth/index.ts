export { User, Group, Permission, AnonymousUser, syncPermissions, codenamesFor, permissionName, type AnyUser } from './models.ts';
export { makePassword, checkPassword } from './passwords.ts';
export { LoginFailure, LoginThrottled, LOGIN_FAILURE_LIMIT, LOGIN_FAILURE_WINDOW_MS, assertLoginAllowed, recordLoginFailure, clearLoginFailures } from './throttle.ts';
