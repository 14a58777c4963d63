/**
 * CSRF protection, as Django's: a token per session, required on every unsafe request (POST,
 * PUT, PATCH, DELETE) in the form field `csrfmiddlewaretoken` or the `X-CSRFToken` header, with a
 * same-origin check of Origin (or Referer, over HTTPS) as a second layer. A refusal is a 403 page,
 * and the view never runs. The session keeps a secret; pages get it masked with fresh random
 * bytes each time (Django's defence against BREACH: a compressed page never repeats the secret).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { escapeHtml, page } from './pages.ts';
import type { Middleware } from './middleware.ts';
import type { ViewRequest } from './request.ts';

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);
export const CSRF_FIELD = 'csrfmiddlewaretoken';
const SESSION_KEY = '_csrf_token';

function forbidden(reason: string): Response {
  return page(403, 'Forbidden', `<p>CSRF verification failed: ${escapeHtml(reason)}. Nothing was changed.</p>`);
}

const SECRET_BYTES = 32;

/** `mask || secret XOR mask`, base64url: a different string for the same secret every time. */
function maskSecret(secret: string): string {
  const raw = Buffer.from(secret, 'base64url');
  const mask = randomBytes(raw.length);
  const masked = Buffer.alloc(raw.length);
  for (let i = 0; i < raw.length; i++) masked[i] = raw[i]! ^ mask[i]!;
  return Buffer.concat([mask, masked]).toString('base64url');
}

/** The secret a submitted token carries: masked (from a page) or bare. */
function unmask(token: string): Buffer | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(token)) return undefined;
  const raw = Buffer.from(token, 'base64url');
  if (raw.length === SECRET_BYTES) return raw;
  if (raw.length !== 2 * SECRET_BYTES) return undefined;
  const secret = Buffer.alloc(SECRET_BYTES);
  for (let i = 0; i < SECRET_BYTES; i++) secret[i] = raw[i]! ^ raw[i + SECRET_BYTES]!;
  return secret;
}

function matches(given: string, secret: string): boolean {
  const x = unmask(given);
  const y = Buffer.from(secret, 'base64url');
  return x !== undefined && x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Forgets the session's token, so the next page makes a new one: done at login, as Django does,
 * so a token known before (planted by someone else) is worth nothing after.
 */
export function rotateCsrfToken(request: ViewRequest<any>): void {
  if (request.hasSession) request.session.delete(SESSION_KEY);
}

export interface CsrfOptions {
  /** Other origins allowed to post, e.g. 'https://admin.example.com'. */
  trustedOrigins?: readonly string[];
}

export function csrf(options: CsrfOptions = {}): Middleware {
  const trusted = new Set(options.trustedOrigins ?? []);
  return async (request, next) => {
    const session = request.session;
    request.useCsrfToken(() => {
      let secret = session.get<string>(SESSION_KEY);
      if (secret === undefined) {
        secret = randomBytes(SECRET_BYTES).toString('base64url');
        session.set(SESSION_KEY, secret);
      }
      return maskSecret(secret);
    });
    if (SAFE.has(request.method)) return next();
    const allowed = (origin: string) => origin === request.url.origin || trusted.has(origin);
    const origin = request.raw.headers.get('origin');
    if (origin !== null && !allowed(origin)) return forbidden(`origin ${origin} does not match ${request.url.origin}`);
    if (origin === null && request.url.protocol === 'https:') {
      const referer = request.raw.headers.get('referer');
      if (referer === null) return forbidden('no Referer on a secure request');
      let refererOrigin: string;
      try {
        refererOrigin = new URL(referer).origin;
      } catch {
        return forbidden('a malformed Referer');
      }
      if (!allowed(refererOrigin)) return forbidden(`referer ${refererOrigin} does not match`);
    }
    let given = request.raw.headers.get('x-csrftoken') ?? undefined;
    if (given === undefined) {
      const type = request.raw.headers.get('content-type') ?? '';
      if (type.includes('application/x-www-form-urlencoded') || type.includes('multipart/form-data')) {
        const value = (await request.form()).get(CSRF_FIELD);
        if (typeof value === 'string') given = value;
      }
    }
    if (given === undefined) return forbidden('the CSRF token is missing');
    const token = session.get<string>(SESSION_KEY);
    if (token === undefined) return forbidden('the session has no CSRF token (has the cookie expired?)');
    if (!matches(given, token)) return forbidden('the CSRF token is incorrect');
    return next();
  };
}
