/** Django's shortcuts: getObjectOr404, redirect. */
import { ObjectDoesNotExist, ValidationError, type Manager, type QuerySet } from '../orm/index.ts';
import { Http404 } from './app.ts';
import { iriToUri } from './location.ts';
import { reverse } from './urls.ts';

type Source<T> = { objects: Manager<T, any> } | Manager<T, any> | QuerySet<T, any>;

/**
 * The one object matching `lookup`, or a 404: a missing row, a soft-deleted one (the default
 * manager sees live rows only) and a malformed key (`/posts/abc/`) are all "not found", never a 500.
 */
export async function getObjectOr404<T>(source: Source<T>, lookup: Record<string, unknown>): Promise<T> {
  const base = 'objects' in source ? source.objects.all() : source.all();
  try {
    return await (base as QuerySet<T>).get(lookup as never);
  } catch (error) {
    if (error instanceof ObjectDoesNotExist) throw new Http404(`No ${base.meta.objectName} matches the given query.`);
    if (error instanceof ValidationError) throw new Http404(`No ${base.meta.objectName} matches the given query (${error.message}).`);
    throw error;
  }
}

export type RedirectStatus = 301 | 302 | 303 | 307 | 308;

/** A 302 to a URL (anything with a '/') or to a named pattern: `redirect('post_list')`, `redirect('post_detail', { id: 3 })`. */
export function redirect(nameOrUrl: string, params?: Record<string, unknown>, status: RedirectStatus = 302): Response {
  return redirectToUrl(nameOrUrl.includes('/') ? nameOrUrl : reverse(nameOrUrl, params), status);
}

/**
 * A redirect to exactly this URL, never read as a pattern's name: for a URL that comes from the
 * request (a login's `next`, checked by urlHasAllowedHostAndScheme), where `nope` is a relative
 * URL, not a name to reverse. Django's HttpResponseRedirect. Characters a header cannot carry
 * are escaped (see location.ts).
 */
export function redirectToUrl(url: string, status: RedirectStatus = 302): Response {
  return new Response(null, { status, headers: { location: iriToUri(url) } });
}
