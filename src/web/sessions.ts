/**
 * Sessions stored in the database (table `trove_session`), so that several server processes
 * share them. The cookie holds only the key, signed with the secret key; it is HttpOnly,
 * SameSite=Lax, and Secure when the request came over HTTPS.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { parse as parseCookies } from 'hono/utils/cookie';
import { model, fields as f } from '../orm/index.ts';
import type { Middleware } from './middleware.ts';

export const SessionRecord = model('trove.Session', {
  key: f.char({ maxLength: 64, primaryKey: true }),
  data: f.json<Record<string, unknown>>(),
  expiresAt: f.dateTime({ dbIndex: true }),
}, { table: 'trove_session' });

export class Session {
  private modifiedFlag = false;

  constructor(
    private keyValue: string | undefined,
    private readonly data: Record<string, unknown> = {},
  ) {}

  get key(): string | undefined {
    return this.keyValue;
  }

  get modified(): boolean {
    return this.modifiedFlag;
  }

  get<T = unknown>(name: string): T | undefined {
    return this.data[name] as T | undefined;
  }

  set(name: string, value: unknown): void {
    this.data[name] = value;
    this.modifiedFlag = true;
  }

  delete(name: string): void {
    if (name in this.data) {
      delete this.data[name];
      this.modifiedFlag = true;
    }
  }

  toJSON(): Record<string, unknown> {
    return { ...this.data };
  }

  /** Empties the session and drops its key (logout); its row is deleted and its cookie expired. */
  flush(): void {
    for (const name of Object.keys(this.data)) delete this.data[name];
    this.keyValue = undefined;
    this.modifiedFlag = true;
  }

  /** Keeps the data under a new key (login), so a key known before cannot follow the user. */
  cycleKey(): void {
    this.keyValue = undefined;
    this.modifiedFlag = true;
  }

  /** The key the next save uses, made on first need. */
  ensureKey(): string {
    return (this.keyValue ??= randomBytes(32).toString('base64url'));
  }
}

export function sign(value: string, secretKey: string): string {
  return `${value}.${createHmac('sha256', secretKey).update(value).digest('base64url')}`;
}

export function unsign(signed: string, secretKey: string): string | undefined {
  const dot = signed.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const value = signed.slice(0, dot);
  const expected = Buffer.from(sign(value, secretKey));
  const given = Buffer.from(signed);
  return expected.length === given.length && timingSafeEqual(expected, given) ? value : undefined;
}

/** A cookie's value; a malformed one is taken as it is (and then fails its signature), never an error. */
export function readCookie(header: string | null, name: string): string | undefined {
  return header === null ? undefined : parseCookies(header, name)[name];
}

export interface SessionOptions {
  secretKey: string;
  cookieName?: string;
  /** Seconds a session lives without being saved again (default two weeks). */
  maxAge?: number;
}

/** Loads `request.session` before the view and saves it, with its cookie, after. */
export function sessions(options: SessionOptions): Middleware {
  if (typeof options.secretKey !== 'string' || options.secretKey.length < 16) {
    throw new TypeError('sessions() needs a secretKey of at least 16 characters.');
  }
  const cookieName = options.cookieName ?? 'trove_session';
  const maxAge = options.maxAge ?? 14 * 24 * 3600;
  return async (request, next) => {
    request.secretKey = options.secretKey;
    const signed = readCookie(request.raw.headers.get('cookie'), cookieName);
    const key = signed === undefined ? undefined : unsign(signed, options.secretKey);
    let session = new Session(undefined);
    if (key !== undefined) {
      const record = await SessionRecord.objects.filter({ key, expiresAt__gt: new Date() }).first();
      if (record !== null) session = new Session(record.key, record.data);
    }
    const oldKey = session.key;
    request.session = session;
    const response = await next();
    if (!session.modified) return response;
    if (oldKey !== undefined && session.key !== oldKey) await SessionRecord.objects.filter({ key: oldKey }).delete();
    const secure = request.url.protocol === 'https:' ? '; Secure' : '';
    const headers = new Headers(response.headers);
    if (Object.keys(session.toJSON()).length === 0) {
      headers.append('set-cookie', `${cookieName}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax${secure}`);
    } else {
      const newKey = session.ensureKey();
      await SessionRecord.objects.updateOrCreate({ key: newKey }, { data: session.toJSON(), expiresAt: new Date(Date.now() + maxAge * 1000) });
      headers.append('set-cookie', `${cookieName}=${encodeURIComponent(sign(newKey, options.secretKey))}; Path=/; Max-Age=${maxAge}; HttpOnly; SameSite=Lax${secure}`);
    }
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
  };
}
