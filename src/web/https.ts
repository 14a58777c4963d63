/**
 * HTTPS in the web layer, as Django's SecurityMiddleware: whether a request came over HTTPS
 * (directly, or through a proxy that ends TLS and says so in a header), a redirect of plain
 * HTTP to HTTPS (SECURE_SSL_REDIRECT), and Strict-Transport-Security on HTTPS responses
 * (SECURE_HSTS_SECONDS, _INCLUDE_SUBDOMAINS, _PRELOAD), so browsers stop trying plain HTTP.
 */

export interface HttpsOptions {
  /** Django's SECURE_PROXY_SSL_HEADER: `['x-forwarded-proto', 'https']`. */
  readonly secureProxyHeader?: readonly [name: string, value: string] | undefined;
  /** Django's SECURE_SSL_REDIRECT: every plain-HTTP request is a 301 to the same URL over HTTPS. */
  readonly secureSslRedirect?: boolean | undefined;
  /** Django's SECURE_HSTS_SECONDS: `Strict-Transport-Security: max-age=…` on HTTPS responses (0 or unset: none). */
  readonly secureHstsSeconds?: number | undefined;
  /** Django's SECURE_HSTS_INCLUDE_SUBDOMAINS. */
  readonly secureHstsIncludeSubdomains?: boolean | undefined;
  /** Django's SECURE_HSTS_PRELOAD. */
  readonly secureHstsPreload?: boolean | undefined;
}

/** Whether `request` came over HTTPS, by its own URL or the proxy's header. */
export function isSecure(request: Request, options: HttpsOptions): boolean {
  const header = options.secureProxyHeader;
  if (header !== undefined && request.headers.get(header[0]) === header[1]) return true;
  return new URL(request.url).protocol === 'https:';
}

/** The 301 to HTTPS that a plain-HTTP request gets under `secureSslRedirect`; undefined otherwise. */
export function httpsRedirect(request: Request, options: HttpsOptions): Response | undefined {
  if (options.secureSslRedirect !== true || isSecure(request, options)) return undefined;
  const url = new URL(request.url);
  // The host was checked against allowedHosts before this runs: no redirect to a host the site does not answer to.
  return new Response(null, { status: 301, headers: { location: `https://${url.host.replace(/:80$/, '')}${url.pathname}${url.search}` } });
}

/** The Strict-Transport-Security value for these options; undefined when HSTS is off. */
export function hstsHeader(options: HttpsOptions): string | undefined {
  const seconds = options.secureHstsSeconds ?? 0;
  if (!(seconds > 0)) return undefined;
  return [`max-age=${Math.floor(seconds)}`, ...(options.secureHstsIncludeSubdomains === true ? ['includeSubDomains'] : []), ...(options.secureHstsPreload === true ? ['preload'] : [])].join('; ');
}
