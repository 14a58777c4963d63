/**
 * Login throttling, beyond Django: after LOGIN_FAILURE_LIMIT failed logins within the window
 * for one username or from one client address, further attempts are refused until the window
 * passes. Failures are rows in a table, so every process of a site counts the same.
 */
import { model, fields as f } from '../orm/index.ts';

export const LOGIN_FAILURE_LIMIT = 10;
export const LOGIN_FAILURE_WINDOW_MS = 15 * 60 * 1000;

export class LoginFailure extends model('auth.LoginFailure', {
  /** `user:<username>` or `addr:<client address>`. */
  key: f.char({ maxLength: 200, dbIndex: true }),
  at: f.dateTime(),
}, { internal: true }) {}

/** Too many failed logins: wait `retryAfterSeconds`. */
export class LoginThrottled extends Error {
  override name = 'LoginThrottled';
  constructor(readonly retryAfterSeconds: number) {
    super(`Too many failed logins; try again in ${Math.ceil(retryAfterSeconds / 60)} minute${retryAfterSeconds > 60 ? 's' : ''}.`);
  }
}

/** Throws LoginThrottled if any of `keys` has reached the limit within the window. */
export async function assertLoginAllowed(keys: readonly string[], now = new Date()): Promise<void> {
  const since = new Date(now.getTime() - LOGIN_FAILURE_WINDOW_MS);
  let wait = 0;
  for (const key of keys) {
    const recent = await LoginFailure.objects.filter({ key, at__gt: since }).orderBy('-at').slice(0, LOGIN_FAILURE_LIMIT).values('at');
    if (recent.length < LOGIN_FAILURE_LIMIT) continue;
    // Allowed again once the oldest of the last LIMIT failures leaves the window.
    const oldest = recent[recent.length - 1]!.at as Date;
    wait = Math.max(wait, oldest.getTime() + LOGIN_FAILURE_WINDOW_MS - now.getTime());
  }
  if (wait > 0) throw new LoginThrottled(Math.ceil(wait / 1000));
}

export async function recordLoginFailure(keys: readonly string[], now = new Date()): Promise<void> {
  const expired = new Date(now.getTime() - LOGIN_FAILURE_WINDOW_MS);
  await LoginFailure.objects.filter({ key__in: [...keys], at__lte: expired }).delete();
  await LoginFailure.objects.bulkCreate(keys.map((key) => ({ key, at: now })));
}

export async function clearLoginFailures(keys: readonly string[]): Promise<void> {
  await LoginFailure.objects.filter({ key__in: [...keys] }).delete();
}
