export { User, Group, Permission, AnonymousUser, syncPermissions, codenamesFor, permissionName, type AnyUser } from './models.ts';
export { makePassword, checkPassword, isUsablePassword, passwordSummary, UNUSABLE_PASSWORD_PREFIX } from './passwords.ts';
export {
  MinimumLengthValidator, UserAttributeSimilarityValidator, CommonPasswordValidator, NumericPasswordValidator, PasswordValidationError,
  defaultPasswordValidators, setPasswordValidators, passwordValidators, passwordProblems, passwordHelpTexts, validatePassword, quickRatio,
  type PasswordValidator, type PasswordUser,
} from './password-validation.ts';
export {
  LoginFailure, LoginThrottleKey, LoginThrottled, LOGIN_FAILURE_LIMIT, LOGIN_FAILURE_WINDOW_MS,
  assertLoginAllowed, claimLoginAttempt, loginSucceeded, recordLoginFailure, clearLoginFailures, type LoginAttempt,
} from './throttle.ts';
export {
  userMay, permissionFor, needsOfDelete, needsOfRestore, needsOfPurge, missingPermissions, describeNeed,
  authorizeDelete, authorizeRestore, authorizePurge, DeletionNotPermitted,
  type DeletionAction, type PermissionNeed, type PermissionCheck, type DeletePlanShape,
} from './deletion.ts';
