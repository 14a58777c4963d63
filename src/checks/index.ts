/**
 * System checks (Django's `django.core.checks`): what is wrong with a project's models, admin,
 * URLs and settings, found when a command starts rather than when a page is first opened. Each
 * layer checks its own part (orm/checks.ts, admin/checks.ts, ...); the CLI runs them all.
 */
export { CHECK_LEVELS, checkError, checkInfo, checkWarning, formatCheckMessages, isAtLeast, SystemCheckError, type CheckLevel, type CheckMessage } from './messages.ts';
export { registerCheck, registeredChecks, registeredTags, type Check, type CheckContext } from './registry.ts';
