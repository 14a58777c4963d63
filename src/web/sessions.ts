/**
 * Sessions stored in the database (table `trove_session`), so that several server processes
 * share them. The cookie holds only the key, signed with the secret key; it is HttpOnly,
 * SameSite=Lax, and Secure when the request came over HTTPS (or always, with `secure`).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { parse as parseCookies } from 'hono/utils/cookie';
import { model, fields as f } from '../orm/index.ts';
import type { Middleware } from './middleware.ts';
import { escapeHtml, page } from './pages.ts';
import { vary } from './vary.ts';

export const SessionRecord = model('trove.Session', {
  key: f.char({ maxLength: 64, primaryKey: true }),
  data: f.json<Record<string, unknown>>(),
  expiresAt: f.dateTime({ dbIndex: true }),
}, { table: 'trove_session' });

/**
 * The request's session row was deleted while the request ran (a logout in another request, say):
 * saving it would bring the row back. Django's SessionInterrupted; the app answers a 400.
 */
export class SessionInterrupted extends Error {
  override name = 'SessionInterrupted';
  constructor() {
    super("The request's session was deleted before the request completed. The user may have logged out in a concurrent request, for example.");
  }
}

export class Session {
  private modifiedFlag = false;
  private accessedFlag = false;
  private flushedFlag = false;

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

  /**
   * Whether the response may depend on the session: something read or wrote it (Django's
   * `accessed`). Such responses get `Vary: Cookie`.
   */
  get accessed(): boolean {
    return this.accessedFlag || this.modifiedFlag;
  }

  /** Counts as a read (request.user, which comes from the session, does this). */
  markAccessed(): void {
    this.accessedFlag = true;
  }

  /** Whether flush() emptied it in this request (a logout): nothing of the old row is kept. */
  get flushed(): boolean {
    return this.flushedFlag;
  }

  get<T = unknown>(name: string): T | undefined {
    this.accessedFlag = true;
    return this.data[name] as T | undefined;
  }

  /** A value read without counting as a read: for middleware that decides nothing from it on its own. */
  peek<T = unknown>(name: string): T | undefined {
    return this.data[name] as T | undefined;
  }

  set(name: string, value: unknown): void {
    this.data[name] = value;
    this.modifiedFlag = true;
  }

  delete(name: string): void {
    this.accessedFlag = true;
    if (name in this.data) {
      delete this.data[name];
      this.modifiedFlag = true;
    }
  }

  toJSON(): Record<string, unknown> {
    this.accessedFlag = true;
    return { ...this.data };
  }

  /** The data as it stands, without counting as a read (for saving). */
  snapshot(): Record<string, unknown> {
    return { ...this.data };
  }

  /** Empties the session and drops its key (logout); its row is deleted and its cookie expired. */
  flush(): void {
    for (const name of Object.keys(this.data)) delete this.data[name];
    this.keyValue = undefined;
    this.modifiedFlag = true;
    this.flushedFlag = true;
  }

  /** Keeps the data under a new key (login), so a key known before cannot follow the user. */
  cycleKey(): void {
    this.keyValue = undefined;
    this.modifiedFlag = true;
  }

  /** Forgets the key without touching the data (an emptied session has no row). */
  dropKey(): void {
    this.keyValue = undefined;
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
  /** Secure on every response, not only to HTTPS requests (Django's SESSION_COOKIE_SECURE). */
  secure?: boolean;
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
    if (!session.modified) return session.accessed ? vary(response, 'Cookie') : response;
    try {
      await save(session, oldKey, maxAge);
    } catch (error) {
      if (!(error instanceof SessionInterrupted)) throw error;
      return vary(page(400, 'Bad request', `<p>${escapeHtml(error.message)}</p>`), 'Cookie');
    }
    const secure = options.secure === true || request.url.protocol === 'https:' ? '; Secure' : '';
    const headers = new Headers(vary(response, 'Cookie').headers);
    if (session.key === undefined) {
      headers.append('set-cookie', `${cookieName}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax${secure}`);
    } else {
      headers.append('set-cookie', `${cookieName}=${encodeURIComponent(sign(session.key, options.secretKey))}; Path=/; Max-Age=${maxAge}; HttpOnly; SameSite=Lax${secure}`);
    }
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
  };
}

/**
 * Writes a modified session, as Django's `save(must_create)` / `save(force_update)`: a session
 * loaded from a row only ever updates that row (or, under a new key, replaces it), and when the
 * row is gone (a logout in a concurrent request deleted it) nothing is written and
 * SessionInterrupted is thrown: saving must never bring a deleted session back. A session
 * without a row (a new visitor) is inserted. An emptied session leaves no row and no key.
 */
async function save(session: Session, oldKey: string | undefined, maxAge: number): Promise<void> {
  const data = session.snapshot();
  const empty = Object.keys(data).length === 0;
  const expiresAt = new Date(Date.now() + maxAge * 1000);
  if (oldKey !== undefined && (session.key !== oldKey || empty)) {
    // A new key (login, a password change) or nothing left: the old row goes. Unless the session
    // was flushed (nothing of the old row is kept), its absence means the session was ended meanwhile.
    const { total } = await SessionRecord.objects.filter({ key: oldKey }).delete();
    if (total === 0 && !session.flushed && !empty) throw new SessionInterrupted();
  }
  if (empty) {
    session.dropKey();
    return;
  }
  if (oldKey !== undefined && session.key === oldKey) {
    // force_update: an UPDATE of the row that was loaded, never an insert.
    const updated = await SessionRecord.objects.filter({ key: oldKey }).update({ data, expiresAt });
    if (updated === 0) throw new SessionInterrupted();
    return;
  }
  await SessionRecord.objects.create({ key: session.ensureKey(), data, expiresAt });
}
