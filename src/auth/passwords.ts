/** Password hashing with scrypt from node:crypto: `scrypt$N$r$p$salt$hash`, compared in constant time. */
import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const N = 16384;
const R = 8;
const P = 1;
const KEY_LENGTH = 64;

function scrypt(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => scryptCallback(password, salt, KEY_LENGTH, options, (error, key) => (error ? reject(error) : resolve(key))));
}

export async function makePassword(raw: string): Promise<string> {
  if (typeof raw !== 'string' || raw.length === 0) throw new TypeError('A password must be a non-empty string.');
  const salt = randomBytes(16);
  const key = await scrypt(raw, salt, { N, r: R, p: P });
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export async function checkPassword(raw: string, encoded: string): Promise<boolean> {
  const [algorithm, n, r, p, salt, hash] = encoded.split('$');
  if (algorithm !== 'scrypt' || hash === undefined || salt === undefined) return false;
  const expected = Buffer.from(hash, 'base64');
  const key = await scrypt(raw, Buffer.from(salt, 'base64'), { N: Number(n), r: Number(r), p: Number(p), maxmem: 256 * Number(n) * Number(r) });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** Django's: a stored password that starts with `!` matches nothing (the default of a new user). */
export const UNUSABLE_PASSWORD_PREFIX = '!';

export function isUsablePassword(encoded: string | null | undefined): boolean {
  return typeof encoded === 'string' && encoded !== '' && !encoded.startsWith(UNUSABLE_PASSWORD_PREFIX);
}

/**
 * What may be shown of a stored password (Django's hasher safe_summary, with less): its algorithm
 * and work factors, never its salt or hash. Undefined for an unusable password or an unknown format.
 */
export function passwordSummary(encoded: string | null | undefined): [string, string][] | undefined {
  if (!isUsablePassword(encoded)) return undefined;
  const [algorithm, n, r, p] = encoded!.split('$');
  if (algorithm !== 'scrypt') return [['algorithm', 'unknown']];
  return [['algorithm', 'scrypt'], ['work factor', String(n)], ['block size', String(r)], ['parallelism', String(p)]];
}
