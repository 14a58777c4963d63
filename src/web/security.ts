/**
 * The response headers every response gets by default: Django's SecurityMiddleware and
 * XFrameOptionsMiddleware defaults (no MIME sniffing, no framing, same-origin referrers and
 * opener) and, beyond Django 5, a strict Content-Security-Policy. A view that sets one of them
 * keeps its own value.
 *
 * The policy allows scripts, styles, images, fonts and connections from the site itself only, and
 * nothing inline: an injected `<script>` or `onclick=` does not run even if escaping ever failed.
 * Trove's pages (the admin's included) keep their script and style in files for this reason.
 */
export const CONTENT_SECURITY_POLICY = "default-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'same-origin',
  'cross-origin-opener-policy': 'same-origin',
};

/** `response` with the headers it lacks added; the same object when it has them all. */
export function withSecurityHeaders(response: Response, headers: Readonly<Record<string, string>>): Response {
  return withHeaders(response, Object.entries(headers).filter(([name]) => !response.headers.has(name)));
}

/** `response` with `headers` set, the same object when it can be changed, else a copy. */
export function withHeaders(response: Response, headers: ReadonlyArray<readonly [string, string]>): Response {
  if (headers.length === 0) return response;
  try {
    for (const [name, value] of headers) response.headers.set(name, value);
    return response;
  } catch {
    // Headers of some responses (a fetch() passed through) are immutable: copy them.
    const copy = new Response(response.body, response);
    for (const [name, value] of headers) copy.headers.set(name, value);
    return copy;
  }
}
