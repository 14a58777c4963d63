/**
 * Where a redirect may go. Django's `url_has_allowed_host_and_scheme`, rule for rule: a `next`
 * parameter must not turn a login page into a redirector to another site.
 */

export interface AllowedRedirect {
  /** Hosts (`host` or `host:port`) a URL may name; a URL naming none (a path) is always allowed. */
  allowedHosts?: Iterable<string>;
  /** Refuse `http:` URLs (for a site served over HTTPS). */
  requireHttps?: boolean;
}

/** True when `url` is safe to redirect to: a path on this site, or an http(s) URL to an allowed host. */
export function urlHasAllowedHostAndScheme(url: string | null | undefined, options: AllowedRedirect = {}): boolean {
  const trimmed = url?.trim();
  if (!trimmed) return false;
  const hosts = new Set(options.allowedHosts ?? []);
  // Browsers read a backslash as a slash in paths; it may also sit in credentials: check both.
  return isAllowed(trimmed, hosts, options.requireHttps === true) && isAllowed(trimmed.replaceAll('\\', '/'), hosts, options.requireHttps === true);
}

function isAllowed(url: string, hosts: Set<string>, requireHttps: boolean): boolean {
  // Browsers take three slashes or more as an absolute URL.
  if (url.startsWith('///')) return false;
  const parts = splitUrl(url);
  // `http:///example.com`: a scheme without a host.
  if (parts.netloc === '' && parts.scheme !== '') return false;
  // Browsers skip control characters at the start, which could leave `//host`.
  if (/^[\p{C}]/u.test(url)) return false;
  const scheme = parts.scheme === '' && parts.netloc !== '' ? 'http' : parts.scheme;
  const schemes = requireHttps ? ['https'] : ['http', 'https'];
  return (parts.netloc === '' || hosts.has(parts.netloc)) && (scheme === '' || schemes.includes(scheme));
}

/** Scheme and host part as Python's `urlsplit` finds them (tabs and newlines dropped first, as browsers do). */
function splitUrl(raw: string): { scheme: string; netloc: string } {
  let rest = raw.replace(/[\t\r\n]/g, '');
  let scheme = '';
  const colon = rest.indexOf(':');
  if (colon > 0 && /^[a-zA-Z][a-zA-Z0-9+.-]*$/.test(rest.slice(0, colon))) {
    scheme = rest.slice(0, colon).toLowerCase();
    rest = rest.slice(colon + 1);
  }
  if (!rest.startsWith('//')) return { scheme, netloc: '' };
  const end = rest.slice(2).search(/[/?#]/);
  return { scheme, netloc: end === -1 ? rest.slice(2) : rest.slice(2, 2 + end) };
}
