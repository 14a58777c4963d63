/**
 * Pages that no cache may keep, Django's `never_cache`: the admin's, and every page served to a
 * logged-in user. Without it a shared computer's browser (its back button, its disk cache) or a
 * proxy may show one user's page to the next.
 */
import type { Middleware } from './middleware.ts';
import { withHeaders } from './security.ts';
import type { View } from './urls.ts';

/** Django's add_never_cache_headers(): what `Cache-Control` says, and an `Expires` of now. */
export const NEVER_CACHE = 'max-age=0, no-cache, no-store, must-revalidate, private';

export function addNeverCacheHeaders(response: Response): Response {
  const headers: [string, string][] = [['cache-control', NEVER_CACHE]];
  if (!response.headers.has('expires')) headers.push(['expires', new Date().toUTCString()]);
  return withHeaders(response, headers);
}

/** The view, its responses never cached (Django's `@never_cache`). */
export function neverCache<P>(view: View<P>): View<P> {
  return async (request) => addNeverCacheHeaders(await view(request));
}

/**
 * Never caches what a logged-in user is served (or what logs one in or out), unless the view
 * said otherwise with its own Cache-Control. Pages for anonymous visitors are left cacheable.
 * Runs after `authentication()`, which sets `request.user`.
 */
export function neverCacheForUsers(): Middleware {
  return async (request, next) => {
    // Read without counting as a read of the session: a page that never looks at its user
    // (a static file) does not vary by cookie.
    const before = request.peekUser().isAuthenticated;
    const response = await next();
    if (!(before || request.peekUser().isAuthenticated) || response.headers.has('cache-control')) return response;
    return addNeverCacheHeaders(response);
  };
}
