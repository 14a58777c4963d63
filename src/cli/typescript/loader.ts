/**
 * What a child Node process needs to `--import` to run the project's TypeScript: Trove's own
 * hooks when Trove is installed (compiled), tsx when Trove itself runs from its sources.
 */
import { fileURLToPath } from 'node:url';

export function typeScriptLoader(): string {
  const fromSources = fileURLToPath(import.meta.url).endsWith('.ts');
  return fromSources ? import.meta.resolve('tsx') : new URL('./register.js', import.meta.url).href;
}
