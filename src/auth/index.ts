export { User, Group, Permission, AnonymousUser, syncPermissions, codenamesFor, permissionName, type AnyUser } from './models.ts';
export { makePassword, checkPassword } from './passwords.ts';
export {
  LoginFailure, LoginThrottleKey, LoginThrottled, LOGIN_FAILURE_LIMIT, LOGIN_FAILURE_WINDOW_MS,
  assertLoginAllowed, claimLoginAttempt, loginSucceeded, recordLoginFailure, clearLoginFailures, type LoginAttempt,
} from './throttle.ts';
export {
  userMay, permissionFor, needsOfDelete, needsOfRestore, needsOfPurge, missingPermissions, describeNeed,
  authorizeDelete, authorizeRestore, authorizePurge, DeletionNotPermitted,
  type DeletionAction, type PermissionNeed, type PermissionCheck, type DeletePlanShape,
} from './deletion.ts';
