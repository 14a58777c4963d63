/**
 * Static files from a folder: `path('static/<path:file>', serveStatic('examples/blog/static'), { name: 'static' })`.
 * ETag and Last-Modified make a browser's second visit a 304; nothing outside the folder is served.
 */
import { readFile, realpath, stat } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import { Http404 } from './app.ts';
import { page } from './pages.ts';
import type { View } from './urls.ts';

const TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.html': 'text/html; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

export interface StaticOptions {
  /** Cache-Control for every file (default: revalidate each time, cheap thanks to the ETag). */
  cacheControl?: string;
}

/** A view serving the files under `directory`; the pattern's `file` value names the file. */
export function serveStatic(directory: string, options: StaticOptions = {}): View<{ file: string }> {
  const root = resolve(directory);
  // Resolved once (the folder may be a link); not at creation, when it may not exist yet.
  let realRoot: Promise<string | undefined> | undefined;
  const cacheControl = options.cacheControl ?? 'no-cache';
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return page(405, 'Method not allowed', '<p>Static files are read with GET.</p>');
    // A folder that does not exist (yet) serves nothing and is looked for again next time.
    realRoot ??= realpath(root).catch(() => (realRoot = undefined));
    const file = await locate(root, realRoot, request.params.file);
    if (file === undefined) throw new Http404(`No static file '${request.params.file}'.`);
    const etag = `W/"${file.size.toString(16)}-${Math.floor(file.mtimeMs).toString(16)}"`;
    const headers = new Headers({
      'content-type': TYPES[extname(file.path).toLowerCase()] ?? 'application/octet-stream',
      etag,
      'last-modified': new Date(file.mtimeMs).toUTCString(),
      'cache-control': cacheControl,
      'x-content-type-options': 'nosniff',
    });
    if (isFresh(request.raw.headers, etag, file.mtimeMs)) return new Response(null, { status: 304, headers });
    headers.set('content-length', String(file.size));
    if (request.method === 'HEAD') return new Response(null, { headers });
    return new Response(await readFile(file.path), { headers });
  };
}

/** The file `relative` names under `root`, or undefined: missing, a folder, or outside the root (`..`, links). */
async function locate(root: string, realRoot: Promise<string | undefined>, relative: string): Promise<{ path: string; size: number; mtimeMs: number } | undefined> {
  if (relative.includes('\0')) return undefined;
  const candidate = resolve(root, relative);
  if (!candidate.startsWith(root + sep)) return undefined;
  try {
    const real = await realpath(candidate);
    const base = await realRoot;
    if (base === undefined || !real.startsWith(base + sep)) return undefined;
    const info = await stat(real);
    return info.isFile() ? { path: real, size: info.size, mtimeMs: info.mtimeMs } : undefined;
  } catch {
    return undefined;
  }
}

function isFresh(headers: Headers, etag: string, mtimeMs: number): boolean {
  const match = headers.get('if-none-match');
  if (match !== null) return match.split(',').some((tag) => tag.trim() === etag || tag.trim() === '*');
  const since = headers.get('if-modified-since');
  return since !== null && Math.floor(mtimeMs / 1000) <= Math.floor(Date.parse(since) / 1000);
}
