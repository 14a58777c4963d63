#!/usr/bin/env node
/**
 * `npm run build`: the package as npm users get it, in dist/. tsc compiles src/ to JavaScript with
 * declarations, and maps of both that point at src/, which the package ships: a stack trace (with
 * source maps on, as the `trove` command and `trove/register` turn them) and an editor's "go to
 * definition" name TypeScript files that are there. Then:
 * - declarations import `./x.js` rather than `./x.ts`, so every `moduleResolution` a user may pick
 *   (node16, nodenext, bundler) finds them without `allowImportingTsExtensions`;
 * - the files tsc does not compile come along as they are: the admin's stylesheet and script, and
 *   `esm-only.cjs`, which answers a CommonJS `require('trove')` with one line saying why not.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');

rmSync(dist, { recursive: true, force: true });
try {
  execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
} catch {
  console.error('build: tsc failed (its errors are above); dist/ is incomplete.');
  process.exit(1);
}

// A relative specifier ending in .ts/.tsx/.mts, in an import, export or import() type.
const TS_SPECIFIER = /((?:from|import|module)\s*\(?\s*['"])(\.{1,2}\/[^'"]*?)\.(ts|tsx|mts)(['"])/g;
const EXTENSION = { ts: 'js', tsx: 'js', mts: 'mjs' };

let declarations = 0;
const walk = (dir) => {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path);
    else if (entry.name.endsWith('.d.ts')) {
      const text = readFileSync(path, 'utf8');
      const rewritten = text.replace(TS_SPECIFIER, (_, head, stem, ext, quote) => `${head}${stem}.${EXTENSION[ext]}${quote}`);
      if (rewritten !== text) writeFileSync(path, rewritten);
      declarations += 1;
    }
  }
};
walk(dist);

const assets = [];
const copyAssets = (dir) => {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) copyAssets(path);
    else if (!/\.(ts|tsx|mts)$/.test(entry.name)) {
      const target = join(dist, relative(join(root, 'src'), path));
      mkdirSync(dirname(target), { recursive: true });
      copyFileSync(path, target);
      assets.push(relative(root, path));
    }
  }
};
copyAssets(join(root, 'src'));
console.log(`dist/: JavaScript, source maps, ${declarations} declaration files, and ${assets.join(', ')}.`);
