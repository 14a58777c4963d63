/**
 * How a child Node process runs the project's TypeScript: `--import` Trove's own hooks when
 * Trove is installed (compiled), or tsx with Trove's tsconfig when Trove runs from its sources,
 * so that `trove` means those sources in the project's files too.
 */
import { fileURLToPath } from 'node:url';

export interface TypeScriptLoader {
  /** For `node --import`. */
  readonly importUrl: string;
  /** What the child's environment needs besides. */
  readonly env: Readonly<Record<string, string>>;
}

export function typeScriptLoader(): TypeScriptLoader {
  if (!fileURLToPath(import.meta.url).endsWith('.ts')) return { importUrl: new URL('./register.js', import.meta.url).href, env: {} };
  return { importUrl: import.meta.resolve('tsx'), env: { TSX_TSCONFIG_PATH: fileURLToPath(new URL('../../../tsconfig.sources.json', import.meta.url)) } };
}
