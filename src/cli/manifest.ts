/** Trove's own package.json: its version, and the versions it was built with. */
import { readFileSync } from 'node:fs';

export interface Manifest {
  version?: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

/** Read through a file URL, so a folder with a space or a non-ASCII letter in its name works. */
export function troveManifest(): Manifest {
  return JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as Manifest;
}
