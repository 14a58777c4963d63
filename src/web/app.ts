/**
 * The HTTP app: Hono underneath, Django's URL patterns on top. Views take a ViewRequest and
 * return a Web-standard Response; Http404 from anywhere becomes the 404 page.
 */
import { inspect } from 'node:util';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { FC, PropsWithChildren } from 'hono/jsx';
import { LoginThrottled } from '../auth/index.ts';
import { BadRequest, Http404 } from './errors.ts';
import { compose, type Middleware } from './middleware.ts';
import { allowedHostsCheck, LOCAL_HOSTS } from './hosts.ts';
import { escapeHtml, page } from './pages.ts';
import { ViewRequest } from './request.ts';
import { authentication } from './auth.ts';
import { neverCacheForUsers } from './cache.ts';
import { csrf } from './csrf.ts';
import { hstsHeader, httpsRedirect, isSecure, requestScheme, type ConnectionEnv, type HttpsSettings } from './https.ts';
import { SECURITY_HEADERS, withSecurityHeaders } from './security.ts';
import { sessions } from './sessions.ts';
import { UrlResolver, setUrlResolver, withUrlResolver, type UrlPattern } from './urls.ts';

export interface AppConfig extends HttpsSettings {
  urls: readonly UrlPattern[];
  /** Error pages show details (the stack, the patterns tried) only in debug. */
  debug?: boolean;
  /** Redirect `/posts` to `/posts/` when only the latter matches, as Django's APPEND_SLASH (default true). */
  appendSlash?: boolean;
  /**
   * The host names the site answers to, Django's ALLOWED_HOSTS: `'example.com'`,
   * `'.example.com'` (the domain and its subdomains), `'*'` (any: only behind a proxy that
   * checks). A request naming another host is a 400 before any view runs. Left out or empty:
   * this machine's names only, `LOCAL_HOSTS` (localhost and its subdomains, 127.0.0.1, [::1]).
   */
  allowedHosts?: readonly string[];
  /** Signs session cookies; with it, sessions and CSRF protection are on by default. */
  secretKey?: string;
  /**
   * Around every view, in order; default, when there is a secretKey: sessions, CSRF,
   * authentication, and never caching what a logged-in user is served.
   */
  middleware?: readonly Middleware[];
  /**
   * Headers every response gets unless it sets them (default: Django's, see security.ts);
   * `false` sends none.
   */
  securityHeaders?: Readonly<Record<string, string>> | false;
  /** The page frame of the site; framework pages (DeleteView's confirmation) render inside it too. */
  layout?: FC<PropsWithChildren<{ title: string }>>;
  /**
   * The largest request body accepted, in bytes, as Django's DATA_UPLOAD_MAX_MEMORY_SIZE
   * (default 2.5 MB); a larger one is a 413 before it is buffered. `null`: no limit.
   */
  dataUploadMaxMemorySize?: number | null;
  /**
   * Called with the error of every 500 and the request that caused it (default: its stack, and
   * its causes', on standard error after `Internal Server Error: GET /path`).
   */
  logError?: (error: Error, request: Request) => void;
}

/** The default `logError`: Django's "Internal Server Error: /path/" and the traceback, on standard error. */
export function logServerError(error: Error, request: Request): void {
  // The path only, as Django's: a query string may carry what a log should not keep.
  process.stderr.write(`Internal Server Error: ${request.method} ${new URL(request.url).pathname}\n${inspect(error)}\n`);
}

/** Django's default DATA_UPLOAD_MAX_MEMORY_SIZE. */
export const DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440;

/** Raise from a view (or a shortcut) for a 404 page. */
export { Http404, BadRequest };

export interface TroveApp {
  readonly hono: Hono;
  readonly resolver: UrlResolver;
  /** The Web-standard handler: give it to a server, or call it in tests. */
  /** `env` is the server's (with @hono/node-server, `{ incoming, outgoing }`: the client's address comes from it). */
  fetch(request: Request, env?: unknown): Promise<Response>;
  /** In-process requests for tests: `await app.request('/posts/')`. */
  request(input: string | Request, init?: RequestInit): Promise<Response>;
  reverse(name: string, params?: Record<string, unknown>): string;
}

export function createApp(config: AppConfig): TroveApp {
  const resolver = new UrlResolver(config.urls);
  setUrlResolver(resolver);
  const debug = config.debug === true;
  const notFound = (pathname: string, why?: string) =>
    page(404, 'Page not found', debug
      ? `<p>${escapeHtml(why ?? `No URL pattern matches ${pathname}.`)}</p><p>Patterns tried:</p><ul>${resolver.routes.map((r) => `<li><code>${escapeHtml(r.pattern)}</code>${r.name ? ` [name='${escapeHtml(r.name)}']` : ''}</li>`).join('')}</ul>`
      : '<p>The page you asked for does not exist.</p>');

  const middleware = config.middleware ?? (config.secretKey === undefined ? [] : [sessions({ secretKey: config.secretKey, secure: config.sessionCookieSecure === true }), csrf(), authentication(), neverCacheForUsers()]);
  const hono = new Hono();
  const securityHeaders = config.securityHeaders ?? SECURITY_HEADERS;
  const hsts = hstsHeader(config);
  if (securityHeaders !== false || hsts !== undefined) {
    // Around everything, 404 and 500 pages included; HSTS over HTTPS only, as browsers ignore it on plain HTTP.
    hono.use('*', async (c, next) => {
      await next();
      const headers = { ...(securityHeaders === false ? {} : securityHeaders), ...(hsts !== undefined && isSecure(c.req.raw, config, c.env as ConnectionEnv | undefined) ? { 'strict-transport-security': hsts } : {}) };
      const secured = withSecurityHeaders(c.res, headers);
      if (secured !== c.res) {
        // Hono merges the old response's headers into a new one; start from none.
        c.res = undefined;
        c.res = secured;
      }
    });
  }
  const allowedHosts = config.allowedHosts === undefined || config.allowedHosts.length === 0 ? LOCAL_HOSTS : config.allowedHosts;
  hono.use('*', allowedHostsCheck(allowedHosts, debug));
  if (config.secureSslRedirect === true) hono.use('*', async (c, next) => httpsRedirect(c.req.raw, config, c.env as ConnectionEnv | undefined) ?? next());
  const maxBody = config.dataUploadMaxMemorySize === undefined ? DATA_UPLOAD_MAX_MEMORY_SIZE : config.dataUploadMaxMemorySize;
  if (maxBody !== null) {
    // A declared length is refused at once; a streamed body as soon as it passes the limit.
    hono.use('*', bodyLimit({ maxSize: maxBody, onError: () => page(413, 'Request too large', `<p>The request body is larger than ${maxBody.toLocaleString('en')} bytes.</p>`) }));
  }
  hono.all('*', async (c) => {
    // TRACE echoes a request back (cross-site tracing) and CONNECT opens a tunnel: no view answers them.
    if (c.req.method === 'TRACE' || c.req.method === 'CONNECT') return page(405, 'Method not allowed', `<p>${c.req.method} is not served here.</p>`);
    const url = new URL(c.req.url);
    url.protocol = `${requestScheme(c.req.raw, config, c.env as ConnectionEnv | undefined)}:`;
    const match = resolver.resolve(url.pathname);
    if (match === undefined) {
      const method = c.req.method;
      if (config.appendSlash !== false && !url.pathname.endsWith('/') && (method === 'GET' || method === 'HEAD') && resolver.resolve(`${url.pathname}/`)) {
        // `//evil.example` must not become the protocol-relative `//evil.example/` (CVE-2018-14574).
        return c.redirect(`${url.pathname.replace(/^\/+/, (slashes) => `/${'%2F'.repeat(slashes.length - 1)}`)}/${url.search}`, 301);
      }
      return notFound(url.pathname);
    }
    const request = new ViewRequest(c.req.raw, url, match.params);
    request.clientAddress = (c.env as ConnectionEnv | undefined)?.incoming?.socket?.remoteAddress;
    request.layout = config.layout;
    try {
      // reverse() in this request means this app's patterns, even with several apps in one process.
      return await withUrlResolver(resolver, () => compose(middleware, async (r) => match.route.view(r))(request));
    } catch (error) {
      if (error instanceof Http404) return notFound(url.pathname, error.message);
      if (error instanceof BadRequest) return page(400, 'Bad request', `<p>${escapeHtml(error.message)}</p>`);
      if (error instanceof LoginThrottled) {
        const response = page(429, 'Too many failed logins', `<p>${escapeHtml(error.message)}</p>`);
        response.headers.set('retry-after', String(error.retryAfterSeconds));
        return response;
      }
      throw error;
    }
  });
  hono.onError((error, c) => {
    // On the console in both modes, as Django's django.request logger: with debug the page
    // shows it too, without debug the server's log is the only place it is seen.
    (config.logError ?? logServerError)(error, c.req.raw);
    if (debug) return page(500, 'Server error', `<pre>${escapeHtml(error.stack ?? String(error))}</pre>`);
    return page(500, 'Server error', '<p>Something went wrong on our side.</p>');
  });
  return {
    hono,
    resolver,
    fetch: async (request, env) => hono.fetch(request, env),
    request: async (input, init) => hono.request(input, init),
    reverse: (name, params) => resolver.reverse(name, params),
  };
}
