/** Logging in and out, `request.user`, and the guards views wear: loginRequired, permissionRequired. */
import { timingSafeEqual } from 'node:crypto';
import { AnonymousUser, User, checkPassword, claimLoginAttempt, loginSucceeded, makePassword } from '../auth/index.ts';
import { rotateCsrfToken } from './csrf.ts';
import type { Middleware } from './middleware.ts';
import { page } from './pages.ts';
import type { ViewRequest } from './request.ts';
import type { View } from './urls.ts';

const USER_KEY = '_auth_user_id';
/** The digest of the password the session logged in with (Django's HASH_SESSION_KEY). */
const HASH_KEY = '_auth_user_hash';

export type RequestUser = User | AnonymousUser;

/**
 * Sets `request.user` from the session: the logged-in, active user, or an AnonymousUser. A
 * session whose password digest no longer matches the user's (the password changed since it
 * logged in, or it never kept one) is flushed, as Django's `get_user()` does: a stolen session
 * ends when its victim changes the password.
 */
export function authentication(): Middleware {
  return async (request, next) => {
    request.user = (await sessionUser(request)) ?? new AnonymousUser();
    return next();
  };
}

async function sessionUser(request: ViewRequest<any>): Promise<User | null> {
  // Peeked: only a view that reads request.user makes its response vary by cookie.
  const id = request.hasSession ? request.session.peek<number>(USER_KEY) : undefined;
  if (id === undefined) return null;
  const user = (await User.objects.filter({ id, isActive: true }).first()) as User | null;
  if (user === null) return null;
  if (!sessionHashMatches(request, user)) {
    request.session.flush();
    return null;
  }
  return user;
}

function sessionHashMatches(request: ViewRequest<any>, user: User): boolean {
  const kept = request.session.peek<string>(HASH_KEY);
  if (typeof kept !== 'string' || request.secretKey === undefined) return false;
  const expected = Buffer.from(user.sessionAuthHash(request.secretKey));
  const given = Buffer.from(kept);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * Logs `user` in: a new session key and CSRF token (so none known before can follow), the
 * user's id and the digest of their password. A session of another user (or of an old password)
 * is emptied first, as Django does, so nothing of theirs carries over.
 */
export async function login(request: ViewRequest<any>, user: User): Promise<void> {
  const previous = request.session.get<number>(USER_KEY);
  if (previous !== undefined && (previous !== user.id || !sessionHashMatches(request, user))) request.session.flush();
  else request.session.cycleKey();
  rotateCsrfToken(request);
  request.session.set(USER_KEY, user.id);
  request.session.set(HASH_KEY, user.sessionAuthHash(secretKeyOf(request)));
  user.lastLogin = new Date();
  await user.save({ updateFields: ['lastLogin'] });
  request.user = user;
}

/**
 * After `user`'s password changed in this request (Django's `update_session_auth_hash()`): the
 * session gets a new key and, when it is that user's, the new digest, so it stays logged in while
 * every other session of the user (made with the old password) is logged out.
 */
export function updateSessionAuthHash(request: ViewRequest<any>, user: User): void {
  request.session.cycleKey();
  if (request.user.isAuthenticated && request.user.id === user.id) request.session.set(HASH_KEY, user.sessionAuthHash(secretKeyOf(request)));
}

function secretKeyOf(request: ViewRequest<any>): string {
  if (request.secretKey === undefined) throw new Error('Logging in needs the sessions middleware: give createApp a secretKey.');
  return request.secretKey;
}

export function logout(request: ViewRequest<any>): void {
  request.session.flush();
  request.user = new AnonymousUser();
}

/**
 * Checks a username and password; the user when they match an active account. Given the
 * request (as a login view should), attempts are counted per username and per client address:
 * past the limit it throws LoginThrottled, which the app answers with a 429 page. The attempt
 * is counted before the password is checked, in the same step as the count is read, so however
 * many requests arrive at once, no more than the limit get a password checked.
 */
export async function authenticate(username: string, password: string, request?: ViewRequest<any>): Promise<User | null> {
  const keys = request === undefined ? [] : throttleKeys(username, request);
  const attempt = keys.length === 0 ? undefined : await claimLoginAttempt(keys);
  const user = await checkCredentials(username, password);
  // A wrong password leaves the attempt counted. A right one clears the username's count, not
  // the address's: one account an attacker owns must not reset the count of their guesses at others.
  if (attempt !== undefined && user !== null) await loginSucceeded(attempt, [keys[0]!]);
  return user;
}

/**
 * Checks the password of a user who is already logged in (a password change's old password),
 * under the login throttle: counted against the username as a failed login is, so whoever holds
 * a session (a stolen cookie) gets no more guesses there than at the login form. Past the limit
 * it throws LoginThrottled; a right password clears the username's count, as a login does.
 */
export async function checkPasswordThrottled(user: User, password: string): Promise<boolean> {
  const key = usernameKey(String(user.username));
  const attempt = await claimLoginAttempt([key]);
  const right = await user.checkPassword(password);
  if (right) await loginSucceeded(attempt, [key]);
  return right;
}

function usernameKey(username: string): string {
  // PostgreSQL stores no NUL in text: a username holding one (no account's) is counted as U+FFFD.
  return `user:${username.toLowerCase().slice(0, 150).replaceAll('\u0000', '\ufffd')}`;
}

function throttleKeys(username: string, request: ViewRequest<any>): string[] {
  const keys = [usernameKey(username)];
  if (request.clientAddress !== undefined) keys.push(`addr:${request.clientAddress}`);
  return keys;
}

async function checkCredentials(username: string, password: string): Promise<User | null> {
  const user = (await User.objects.filter({ username, isActive: true }).first()) as User | null;
  if (user === null) {
    // Hash anyway, so that an unknown username takes as long as a wrong password.
    await checkPassword(password, await dummyHash());
    return null;
  }
  return (await user.checkPassword(password)) ? user : null;
}

let dummy: Promise<string> | undefined;
function dummyHash(): Promise<string> {
  return (dummy ??= makePassword('trove-dummy-password'));
}

export interface GuardOptions {
  /** Where anonymous visitors go, with `?next=` the page they wanted (default '/login/'). */
  loginUrl?: string;
}

function toLogin(request: ViewRequest<any>, loginUrl: string): Response {
  const next = encodeURIComponent(request.url.pathname + request.url.search);
  return new Response(null, { status: 302, headers: { location: `${loginUrl}?next=${next}` } });
}

/** The view, for logged-in users; others are sent to the login page. */
export function loginRequired<P>(view: View<P>, options: GuardOptions = {}): View<P> {
  return async (request) => (request.user.isAuthenticated ? view(request) : toLogin(request, options.loginUrl ?? '/login/'));
}

/** The view, for users with `perm` (`'blog.delete_post'`); others get a 403, anonymous visitors the login page. */
export function permissionRequired<P>(perm: string, view: View<P>, options: GuardOptions = {}): View<P> {
  return async (request) => {
    if (!request.user.isAuthenticated) return toLogin(request, options.loginUrl ?? '/login/');
    if (!(await request.user.hasPerm(perm))) return page(403, 'Forbidden', '<p>You do not have permission to do that.</p>');
    return view(request);
  };
}
