/**
 * HTTPS in the web layer, as Django's SecurityMiddleware: whether a request came over HTTPS
 * (directly, or through a proxy that ends TLS and says so in a header), a redirect of plain
 * HTTP to HTTPS (SECURE_SSL_REDIRECT), and Strict-Transport-Security on HTTPS responses
 * (SECURE_HSTS_SECONDS, _INCLUDE_SUBDOMAINS, _PRELOAD), so browsers stop trying plain HTTP.
 */

/** The HTTPS settings, named as Django's in camelCase: the same in `createApp()` and in trove.config.ts. */
export interface HttpsSettings {
  /**
   * Behind a proxy that ends TLS, the header (and value) it sets on HTTPS requests, as Django's
   * SECURE_PROXY_SSL_HEADER: `['x-forwarded-proto', 'https']`. Such requests then count as
   * HTTPS (Secure cookies, the CSRF origin check). Only set it when the proxy always sets or
   * strips that header, or clients could claim HTTPS.
   */
  readonly secureProxyHeader?: readonly [name: string, value: string];
  /**
   * Redirect every plain-HTTP request to the same URL over HTTPS (a 301), as Django's
   * SECURE_SSL_REDIRECT. Behind a proxy that ends TLS, set `secureProxyHeader` too, or every
   * request looks like plain HTTP and is redirected for ever.
   */
  readonly secureSslRedirect?: boolean;
  /**
   * Send `Strict-Transport-Security: max-age=<seconds>` on HTTPS responses (Django's
   * SECURE_HSTS_SECONDS; default none): browsers then refuse plain HTTP to the site for that
   * long. Start small (an hour): a long one cannot be taken back from browsers that saw it.
   */
  readonly secureHstsSeconds?: number;
  /** Add `includeSubDomains` to it (Django's SECURE_HSTS_INCLUDE_SUBDOMAINS). */
  readonly secureHstsIncludeSubdomains?: boolean;
  /** Add `preload` to it (Django's SECURE_HSTS_PRELOAD): needed to be on the browsers' preload list. */
  readonly secureHstsPreload?: boolean;
  /**
   * Mark the session cookie Secure on every response, not only those to HTTPS requests (Django's
   * SESSION_COOKIE_SECURE): behind a proxy that ends TLS without `secureProxyHeader`, requests
   * look like plain HTTP, and the cookie would otherwise go out without it.
   */
  readonly sessionCookieSecure?: boolean;
}

export const HTTPS_SETTINGS = ['secureProxyHeader', 'secureSslRedirect', 'secureHstsSeconds', 'secureHstsIncludeSubdomains', 'secureHstsPreload', 'sessionCookieSecure'] as const satisfies readonly (keyof HttpsSettings)[];

/** What a server adapter tells of the connection: @hono/node-server's `env.incoming`. */
export interface ConnectionEnv {
  incoming?: { socket?: { encrypted?: boolean; remoteAddress?: string } };
}

/**
 * The request's scheme, as Django's HttpRequest.scheme: with `secureProxyHeader` set and its
 * header present, the header decides (the first of a comma-separated list, as chained proxies
 * append theirs); otherwise the connection does. A request line may name any URL
 * (`GET https://site/ HTTP/1.1` over plain HTTP), so the URL's own scheme counts only where no
 * connection is known (a Request handed to `app.fetch` directly).
 */
export function requestScheme(request: Request, options: HttpsSettings, env?: ConnectionEnv): 'https' | 'http' {
  const header = options.secureProxyHeader;
  const claimed = header === undefined ? null : request.headers.get(header[0]);
  if (header !== undefined && claimed !== null) return claimed.split(',', 1)[0]!.trim() === header[1] ? 'https' : 'http';
  const socket = env?.incoming?.socket;
  if (socket !== undefined) return socket.encrypted === true ? 'https' : 'http';
  return new URL(request.url).protocol === 'https:' ? 'https' : 'http';
}

/** Whether `request` came over HTTPS (see requestScheme). */
export function isSecure(request: Request, options: HttpsSettings, env?: ConnectionEnv): boolean {
  return requestScheme(request, options, env) === 'https';
}

/** The 301 to HTTPS that a plain-HTTP request gets under `secureSslRedirect`; undefined otherwise. */
export function httpsRedirect(request: Request, options: HttpsSettings, env?: ConnectionEnv): Response | undefined {
  if (options.secureSslRedirect !== true || isSecure(request, options, env)) return undefined;
  const url = new URL(request.url);
  // The host was checked against allowedHosts before this runs: no redirect to a host the site does not answer to.
  return new Response(null, { status: 301, headers: { location: `https://${url.host.replace(/:80$/, '')}${url.pathname}${url.search}` } });
}

/** The Strict-Transport-Security value for these options; undefined when HSTS is off. */
export function hstsHeader(options: HttpsSettings): string | undefined {
  const seconds = options.secureHstsSeconds ?? 0;
  if (!(seconds > 0)) return undefined;
  return [`max-age=${Math.floor(seconds)}`, ...(options.secureHstsIncludeSubdomains === true ? ['includeSubDomains'] : []), ...(options.secureHstsPreload === true ? ['preload'] : [])].join('; ');
}
