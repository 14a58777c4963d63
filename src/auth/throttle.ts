/**
 * Login throttling, beyond Django: at most LOGIN_FAILURE_LIMIT passwords are checked within the
 * window for one username or from one client address; further attempts are refused until the
 * window passes. Attempts are rows in a table, so every process of a site counts the same.
 *
 * Counting and recording are one step. An attempt is claimed before its password is checked: in
 * one transaction, the key's lock row is updated (so concurrent claims on that key queue, in
 * every process and on every backend), the attempts in the window are counted, and the claim is
 * inserted. A claim whose password turns out wrong stays as the failure; a right one is taken
 * back. Checking first and recording after would let a crowd of requests sent at once all see
 * "nine so far" and all go on to hash a password.
 */
import { atomic } from '../db/index.ts';
import { model, fields as f } from '../orm/index.ts';

export const LOGIN_FAILURE_LIMIT = 10;
export const LOGIN_FAILURE_WINDOW_MS = 15 * 60 * 1000;

/** One attempt counted against a key: a failed login, or one whose password is being checked. */
export class LoginFailure extends model('auth.LoginFailure', {
  /** `user:<username>` or `addr:<client address>`. */
  key: f.char({ maxLength: 200, dbIndex: true }),
  at: f.dateTime(),
}, { internal: true }) {}

/**
 * One row per key ever throttled, written to at the start of each claim: the row lock (or, on
 * SQLite, the write lock) makes the claims of one key take turns.
 */
export class LoginThrottleKey extends model('auth.LoginThrottleKey', {
  key: f.char({ maxLength: 200, primaryKey: true }),
  lockedAt: f.dateTime(),
}, { internal: true }) {}

/** Too many failed logins: wait `retryAfterSeconds`. */
export class LoginThrottled extends Error {
  override name = 'LoginThrottled';
  constructor(readonly retryAfterSeconds: number) {
    super(`Too many failed logins; try again in ${Math.ceil(retryAfterSeconds / 60)} minute${retryAfterSeconds > 60 ? 's' : ''}.`);
  }
}

/** A claimed attempt: the rows that count it, one per key, until its password is known. */
export interface LoginAttempt {
  readonly keys: readonly string[];
  readonly ids: readonly number[];
}

/** Throws LoginThrottled if any of `keys` has reached the limit within the window. */
export async function assertLoginAllowed(keys: readonly string[], now = new Date()): Promise<void> {
  const since = new Date(now.getTime() - LOGIN_FAILURE_WINDOW_MS);
  let wait = 0;
  for (const key of keys) {
    const recent = await LoginFailure.objects.filter({ key, at__gt: since }).orderBy('-at').slice(0, LOGIN_FAILURE_LIMIT).values('at');
    if (recent.length < LOGIN_FAILURE_LIMIT) continue;
    // Allowed again once the oldest of the last LIMIT attempts leaves the window.
    const oldest = recent[recent.length - 1]!.at as Date;
    wait = Math.max(wait, oldest.getTime() + LOGIN_FAILURE_WINDOW_MS - now.getTime());
  }
  if (wait > 0) throw new LoginThrottled(Math.ceil(wait / 1000));
}

/** The lock row of a key was deleted between its creation and the claim's update: try again. */
class LockRowGone extends Error {}

/**
 * Checks that none of `keys` is at the limit and counts one more attempt against each, as one
 * step: throws LoginThrottled (recording nothing) or returns the claim. Call it before checking
 * the password, then `loginSucceeded()` if the password was right.
 */
export async function claimLoginAttempt(keys: readonly string[], now = new Date()): Promise<LoginAttempt> {
  // Always in the same order, so that two claims sharing two keys cannot wait for each other.
  const sorted = [...new Set(keys)].sort();
  for (;;) {
    // Made outside the claim's transaction: getOrCreate() catches a concurrent insert and re-reads.
    for (const key of sorted) await LoginThrottleKey.objects.getOrCreate({ key }, { lockedAt: now });
    try {
      return await atomic(async () => {
        for (const key of sorted) {
          if ((await LoginThrottleKey.objects.filter({ key }).update({ lockedAt: now })) === 0) throw new LockRowGone();
        }
        // From here until commit, no other claim of these keys runs: count, then record.
        await assertLoginAllowed(sorted, now);
        const expired = new Date(now.getTime() - LOGIN_FAILURE_WINDOW_MS);
        await LoginFailure.objects.filter({ key__in: sorted, at__lte: expired }).delete();
        const rows = await LoginFailure.objects.bulkCreate(sorted.map((key) => ({ key, at: now })));
        return { keys: sorted, ids: rows.map((row) => row.id as number) };
      });
    } catch (error) {
      if (!(error instanceof LockRowGone)) throw error;
    }
  }
}

/**
 * The password of a claimed attempt was right: the failures of `clearKeys` (the username's) are
 * forgotten, and the attempt no longer counts against its other keys, whose earlier failures
 * stay (an account an attacker owns must not reset the count of their guesses at others).
 */
export async function loginSucceeded(attempt: LoginAttempt, clearKeys: readonly string[]): Promise<void> {
  await atomic(async () => {
    await LoginFailure.objects.filter({ key__in: [...clearKeys] }).delete();
    await LoginFailure.objects.filter({ id__in: [...attempt.ids] }).delete();
  });
}

/** Records a failure against each key, without the check (for code that checks passwords elsewhere). */
export async function recordLoginFailure(keys: readonly string[], now = new Date()): Promise<void> {
  const expired = new Date(now.getTime() - LOGIN_FAILURE_WINDOW_MS);
  await LoginFailure.objects.filter({ key__in: [...keys], at__lte: expired }).delete();
  await LoginFailure.objects.bulkCreate(keys.map((key) => ({ key, at: now })));
}

export async function clearLoginFailures(keys: readonly string[]): Promise<void> {
  await LoginFailure.objects.filter({ key__in: [...keys] }).delete();
}
