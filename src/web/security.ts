/**
 * The response headers Django's SecurityMiddleware and XFrameOptionsMiddleware send by default:
 * no MIME sniffing, no framing (clickjacking), same-origin referrers and opener. A view that
 * sets one of them keeps its own value.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'same-origin',
  'cross-origin-opener-policy': 'same-origin',
};

/** `response` with the headers it lacks added; the same object when it has them all. */
export function withSecurityHeaders(response: Response, headers: Readonly<Record<string, string>>): Response {
  const missing = Object.entries(headers).filter(([name]) => !response.headers.has(name));
  if (missing.length === 0) return response;
  try {
    for (const [name, value] of missing) response.headers.set(name, value);
    return response;
  } catch {
    // Headers of some responses (a fetch() passed through) are immutable: copy them.
    const copy = new Response(response.body, response);
    for (const [name, value] of missing) copy.headers.set(name, value);
    return copy;
  }
}
