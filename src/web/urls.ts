/**
 * URL patterns in Django's style: `path('posts/<int:id>/delete/', view, { name: 'post_delete' })`,
 * `include()` for an app's patterns under a prefix, and `reverse()` from a name back to a URL.
 */

import { AsyncLocalStorage } from 'node:async_hooks';
import type { ViewRequest } from './request.ts';

export type { ViewRequest };

export type View<P = Record<string, unknown>> = (request: ViewRequest<P>) => Response | Promise<Response>;

type ConverterName = 'int' | 'str' | 'slug' | 'uuid' | 'path';
type ConverterValue<C extends string> = C extends 'int' ? number : string;

type RawParams<P extends string> = P extends `${string}<${infer Spec}>${infer Rest}`
  ? (Spec extends `${infer C}:${infer N}` ? { [K in N]: ConverterValue<C> } : { [K in Spec]: string }) & RawParams<Rest>
  : Record<never, never>;

/** `'posts/<int:id>/<slug:slug>/'` -> `{ id: number; slug: string }`; a pattern without values gives `{}`. */
export type ParamsOf<P extends string> = { [K in keyof RawParams<P>]: RawParams<P>[K] };

interface Converter {
  pattern: string;
  toValue(text: string): unknown;
  toUrl(value: unknown): string | undefined;
}

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const converters: Record<ConverterName, Converter> = {
  int: {
    pattern: '[0-9]+',
    toValue: (text) => Number(text),
    toUrl: (value) => (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) || (typeof value === 'string' && /^[0-9]+$/.test(value)) ? String(value) : undefined,
  },
  str: { pattern: '[^/]+', toValue: decodeURIComponent, toUrl: (v) => (typeof v === 'string' && v !== '' ? encodeURIComponent(v) : undefined) },
  slug: { pattern: '[-a-zA-Z0-9_]+', toValue: (t) => t, toUrl: (v) => (typeof v === 'string' && /^[-a-zA-Z0-9_]+$/.test(v) ? v : undefined) },
  uuid: { pattern: UUID, toValue: (t) => t, toUrl: (v) => (typeof v === 'string' && new RegExp(`^${UUID}$`).test(v) ? v : undefined) },
  path: { pattern: '.+', toValue: decodeURIComponent, toUrl: (v) => (typeof v === 'string' && v !== '' ? encodeURI(v) : undefined) },
};

/** An error in a URL pattern or a reverse() that matches nothing: Django's NoReverseMatch. */
export class NoReverseMatch extends Error {
  override name = 'NoReverseMatch';
}

interface Segment {
  literal?: string;
  name?: string;
  converter?: Converter;
}

/** One routable pattern, with its prefix from include() folded in. */
export interface Route {
  readonly pattern: string;
  readonly name: string | undefined;
  readonly view: View<any>;
  readonly regex: RegExp;
  readonly segments: readonly Segment[];
}

export type UrlPattern = Route | Included;

export interface Included {
  readonly prefix: string;
  readonly patterns: readonly UrlPattern[];
}

function parse(pattern: string): Segment[] {
  if (pattern.startsWith('/')) throw new NoReverseMatch(`URL patterns have no leading slash: '${pattern}'.`);
  const segments: Segment[] = [];
  const re = /<(?:(\w+):)?(\w+)>/g;
  let last = 0;
  for (let m = re.exec(pattern); m !== null; m = re.exec(pattern)) {
    if (m.index > last) segments.push({ literal: pattern.slice(last, m.index) });
    const converterName = (m[1] ?? 'str') as ConverterName;
    const converter = converters[converterName];
    if (converter === undefined) throw new NoReverseMatch(`Unknown path converter '${converterName}' in '${pattern}'.`);
    segments.push({ name: m[2]!, converter });
    last = m.index + m[0].length;
  }
  if (last < pattern.length) segments.push({ literal: pattern.slice(last) });
  return segments;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function route(pattern: string, view: View<any>, name: string | undefined): Route {
  const segments = parse(pattern);
  const source = segments.map((s) => (s.literal !== undefined ? escape(s.literal) : `(?<${s.name}>${s.converter!.pattern})`)).join('');
  return { pattern, name, view, segments, regex: new RegExp(`^${source}$`) };
}

/** `path('posts/<int:id>/', view, { name: 'post_detail' })`, or `path('blog/', include(patterns))`. */
export function path<const P extends string>(pattern: P, view: View<ParamsOf<P>>, options?: { name?: string }): Route;
export function path(pattern: string, included: Included): Included;
export function path(pattern: string, target: View<any> | Included, options: { name?: string } = {}): UrlPattern {
  if (typeof target === 'function') return route(pattern, target, options.name);
  return { prefix: pattern + target.prefix, patterns: target.patterns };
}

/** An app's patterns, mounted with `path('prefix/', include(patterns))`. */
export function include(patterns: readonly UrlPattern[]): Included {
  return { prefix: '', patterns };
}

/** Every route with its full pattern, in the order they are tried. */
export function flatten(patterns: readonly UrlPattern[], prefix = ''): Route[] {
  return patterns.flatMap((p) => ('view' in p ? [prefix === '' ? p : route(prefix + p.pattern, p.view, p.name)] : flatten(p.patterns, prefix + p.prefix)));
}

/** The routes of an app, matched in order; names for reverse(). */
export class UrlResolver {
  readonly routes: readonly Route[];
  private readonly byName = new Map<string, Route>();

  constructor(patterns: readonly UrlPattern[]) {
    this.routes = flatten(patterns);
    for (const r of this.routes) if (r.name !== undefined && !this.byName.has(r.name)) this.byName.set(r.name, r);
  }

  /** The route and converted params for a path such as '/posts/3/', or undefined. */
  resolve(pathname: string): { route: Route; params: Record<string, unknown> } | undefined {
    const relative = pathname.replace(/^\//, '');
    for (const r of this.routes) {
      const m = r.regex.exec(relative);
      if (m === null) continue;
      const params: Record<string, unknown> = {};
      try {
        for (const s of r.segments) if (s.name !== undefined) params[s.name] = s.converter!.toValue(m.groups![s.name]!);
      } catch {
        continue;
      }
      return { route: r, params };
    }
    return undefined;
  }

  reverse(name: string, params: Record<string, unknown> = {}): string {
    const r = this.byName.get(name);
    if (r === undefined) throw new NoReverseMatch(`Reverse for '${name}' not found: no URL pattern has that name.`);
    let url = '/';
    for (const s of r.segments) {
      if (s.literal !== undefined) {
        url += s.literal;
        continue;
      }
      const text = s.converter!.toUrl(params[s.name!]);
      if (text === undefined) {
        throw new NoReverseMatch(`Reverse for '${name}' with ${JSON.stringify(params)} not found: '${s.name}' does not fit '${r.pattern}'.`);
      }
      url += text;
    }
    return url;
  }
}

let current: UrlResolver | undefined;
const active = new AsyncLocalStorage<UrlResolver>();

/** Makes `resolver` the one `reverse()` uses outside requests: the app that was created last. */
export function setUrlResolver(resolver: UrlResolver): void {
  current = resolver;
}

/** Runs `fn` (a request) with `resolver` as the one `reverse()` uses, whichever app was created last. */
export function withUrlResolver<T>(resolver: UrlResolver, fn: () => T): T {
  return active.run(resolver, fn);
}

/** The URL of the pattern named `name`, e.g. `reverse('post_delete', { id: 3 })` -> '/posts/3/delete/'. */
export function reverse(name: string, params?: Record<string, unknown>): string {
  const resolver = active.getStore() ?? current;
  if (resolver === undefined) throw new NoReverseMatch(`Reverse for '${name}' not found: no app has been created yet.`);
  return resolver.reverse(name, params);
}
