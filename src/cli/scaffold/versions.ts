/** The versions a new project's package.json asks for: Trove's own, and what it was built with. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { troveManifest, type Manifest } from '../manifest.ts';
import type { PackageVersions } from './project.ts';

function readManifest(path: string): Manifest {
  return JSON.parse(readFileSync(path, 'utf8')) as Manifest;
}

/**
 * How the new project at `target` should ask for Trove: as the nearest package.json above `cwd`
 * does (a `file:` tarball or folder rebased to `target`), or else `^<this version>`.
 */
export function troveSpec(cwd: string, target: string, version: string): string {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const path = join(dir, 'package.json');
    if (existsSync(path)) {
      const manifest = readManifest(path);
      const spec = manifest.dependencies?.trove ?? manifest.devDependencies?.trove;
      if (spec !== undefined) {
        if (!spec.startsWith('file:')) return spec;
        const file = spec.slice('file:'.length);
        if (isAbsolute(file)) return spec;
        const rebased = relative(target, resolve(dir, file)) || '.';
        return `file:${rebased.startsWith('.') ? rebased : `./${rebased}`}`;
      }
    }
    if (dirname(dir) === dir) return `^${version}`;
  }
}

export function packageVersions(cwd: string, target: string): PackageVersions {
  const trove = troveManifest();
  const need = (table: Record<string, string> | undefined, name: string): string => {
    const spec = table?.[name];
    if (spec === undefined) throw new Error(`Trove's package.json names no version of ${name}.`);
    return spec;
  };
  return {
    trove: troveSpec(cwd, target, trove.version ?? '0.0.0'),
    hono: need(trove.dependencies, 'hono'),
    typescript: need(trove.devDependencies, 'typescript'),
    typesNode: need(trove.devDependencies, '@types/node'),
  };
}
