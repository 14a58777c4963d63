/**
 * The host a request names (its Host header, or the authority of an absolute request target)
 * must be one the site answers to: Django's ALLOWED_HOSTS. Everything that builds on the host (a
 * redirect's allowed hosts, the CSRF origin check, an absolute URL) otherwise believes whatever a
 * client wrote, and `Host: evil.example` turns a login's `next=http://evil.example/x` into a
 * redirect off the site.
 */
import type { MiddlewareHandler } from 'hono';
import { escapeHtml, page } from './pages.ts';

/** The names allowed when none are set: this machine's own (Django's defaults under DEBUG). */
export const LOCAL_HOSTS: readonly string[] = ['.localhost', '127.0.0.1', '[::1]'];

/**
 * Whether `hostname` (without its port) is one of `patterns`, Django's rules: `*` is any host,
 * `.example.com` is example.com and every name under it, anything else the very name; case and
 * a final dot (`example.com.`) make no difference.
 */
export function isAllowedHost(hostname: string, patterns: readonly string[]): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  if (host === '') return false;
  return patterns.some((raw) => {
    const pattern = raw.toLowerCase();
    if (pattern === '*') return true;
    if (pattern.startsWith('.')) return host === pattern.slice(1) || host.endsWith(pattern);
    return host === pattern;
  });
}

/**
 * Answers 400 to a request for a host not in `patterns`, before routing: nothing after it sees
 * another host. With `debug`, the page says what to add; otherwise it names nothing (the host is
 * the client's text).
 */
export function allowedHostsCheck(patterns: readonly string[], debug: boolean): MiddlewareHandler {
  return async (c, next) => {
    const { hostname } = new URL(c.req.url);
    if (isAllowedHost(hostname, patterns)) return next();
    const why = debug
      ? `<p>Invalid Host header: ${escapeHtml(`'${hostname}'. You may need to add '${hostname}' to allowedHosts.`)}</p>`
      : '<p>The request names a host this site does not serve.</p>';
    c.res = page(400, 'Bad request', why);
    return undefined;
  };
}
