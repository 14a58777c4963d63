/**
 * Module hooks that let Node run a project's TypeScript (trove.config.ts, models, views, tests)
 * without a build step: each .ts/.tsx/.mts file is compiled by esbuild as it is imported. They
 * run in Node's loader thread, registered by `register.ts`.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { transform } from 'esbuild';

const TYPESCRIPT_FILE = /\.(?:ts|tsx|mts)$/;
// TypeScript's own convention names a source by its output: `import './models.js'` means models.ts.
const OUTPUT_NAMES: Readonly<Record<string, readonly string[]>> = { '.js': ['.ts', '.tsx'], '.jsx': ['.tsx'], '.mjs': ['.mts'] };

interface ResolveContext { parentURL?: string | undefined; conditions: readonly string[] }
interface Resolved { url: string; format?: string | null | undefined; shortCircuit?: boolean }
interface Loaded { format: string; source?: string | ArrayBuffer | Uint8Array | null | undefined; shortCircuit?: boolean }

export async function resolve(specifier: string, context: ResolveContext, nextResolve: (specifier: string, context: ResolveContext) => Promise<Resolved>): Promise<Resolved> {
  try {
    return await nextResolve(specifier, context);
  } catch (error) {
    const extension = /\.(?:js|jsx|mjs)$/.exec(specifier)?.[0];
    const fromTypeScript = context.parentURL !== undefined && TYPESCRIPT_FILE.test(new URL(context.parentURL).pathname);
    if ((error as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND' || extension === undefined || !fromTypeScript || !/^\.{1,2}\//.test(specifier)) throw error;
    for (const source of OUTPUT_NAMES[extension] ?? []) {
      try {
        return await nextResolve(specifier.slice(0, -extension.length) + source, context);
      } catch {
        // Try the next name; the original error is the one worth showing.
      }
    }
    throw error;
  }
}

export async function load(url: string, context: { format?: string | null | undefined }, nextLoad: (url: string, context: object) => Promise<Loaded>): Promise<Loaded> {
  if (!url.startsWith('file:') || !TYPESCRIPT_FILE.test(new URL(url).pathname)) return nextLoad(url, context);
  const path = fileURLToPath(url);
  const { code } = await transform(await readFile(path, 'utf8'), {
    loader: path.endsWith('.tsx') ? 'tsx' : 'ts',
    format: 'esm',
    target: 'node20',
    sourcefile: path,
    sourcemap: 'inline',
    // Trove's pages are hono/jsx components; a project's .tsx files are compiled the same way.
    jsx: 'automatic',
    jsxImportSource: 'hono/jsx',
  });
  // TypeScript files are ES modules here whatever package.json says, as trove.config.ts needs.
  return { format: 'module', source: code, shortCircuit: true };
}
