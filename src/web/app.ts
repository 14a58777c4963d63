/**
 * The HTTP app: Hono underneath, Django's URL patterns on top. Views take a ViewRequest and
 * return a Web-standard Response; Http404 from anywhere becomes the 404 page.
 */
import { Hono } from 'hono';
import { UrlResolver, setUrlResolver, type UrlPattern, type ViewRequest } from './urls.ts';

export interface AppConfig {
  urls: readonly UrlPattern[];
  /** Error pages show details (the stack, the patterns tried) only in debug. */
  debug?: boolean;
  /** Redirect `/posts` to `/posts/` when only the latter matches, as Django's APPEND_SLASH (default true). */
  appendSlash?: boolean;
}

/** Raise from a view (or a shortcut) for a 404 page. */
export class Http404 extends Error {
  override name = 'Http404';
}

export interface TroveApp {
  readonly hono: Hono;
  readonly resolver: UrlResolver;
  /** The Web-standard handler: give it to a server, or call it in tests. */
  fetch(request: Request): Promise<Response>;
  /** In-process requests for tests: `await app.request('/posts/')`. */
  request(input: string | Request, init?: RequestInit): Promise<Response>;
  reverse(name: string, params?: Record<string, unknown>): string;
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

function page(status: number, title: string, body: string): Response {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;
  return new Response(html, { status, headers: { 'content-type': 'text/html; charset=utf-8' } });
}

export function createApp(config: AppConfig): TroveApp {
  const resolver = new UrlResolver(config.urls);
  setUrlResolver(resolver);
  const debug = config.debug === true;
  const notFound = (pathname: string, why?: string) =>
    page(404, 'Page not found', debug
      ? `<p>${escapeHtml(why ?? `No URL pattern matches ${pathname}.`)}</p><p>Patterns tried:</p><ul>${resolver.routes.map((r) => `<li><code>${escapeHtml(r.pattern)}</code>${r.name ? ` [name='${escapeHtml(r.name)}']` : ''}</li>`).join('')}</ul>`
      : '<p>The page you asked for does not exist.</p>');

  const hono = new Hono();
  hono.all('*', async (c) => {
    const url = new URL(c.req.url);
    const match = resolver.resolve(url.pathname);
    if (match === undefined) {
      const method = c.req.method;
      if (config.appendSlash !== false && !url.pathname.endsWith('/') && (method === 'GET' || method === 'HEAD') && resolver.resolve(`${url.pathname}/`)) {
        return c.redirect(`${url.pathname}/${url.search}`, 301);
      }
      return notFound(url.pathname);
    }
    const request: ViewRequest = { raw: c.req.raw, method: c.req.method, url, params: match.params };
    try {
      return await match.route.view(request);
    } catch (error) {
      if (error instanceof Http404) return notFound(url.pathname, error.message);
      throw error;
    }
  });
  hono.onError((error) => {
    if (debug) return page(500, 'Server error', `<pre>${escapeHtml(error.stack ?? String(error))}</pre>`);
    console.error(error);
    return page(500, 'Server error', '<p>Something went wrong on our side.</p>');
  });
  return {
    hono,
    resolver,
    fetch: async (request) => hono.fetch(request),
    request: async (input, init) => hono.request(input, init),
    reverse: (name, params) => resolver.reverse(name, params),
  };
}
