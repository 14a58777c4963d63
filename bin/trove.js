#!/usr/bin/env node
/**
 * The `trove` command. Installed, it runs the compiled dist/ and loads the project's own
 * TypeScript (trove.config.ts, models, views) through Trove's module hooks. In Trove's own
 * repository it runs the sources under tsx so a change needs no build.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const sources = new URL('../src/cli/index.ts', import.meta.url);
// The package ships src/ too (its source maps point there), so the repository is told apart by
// what it alone has: the tsconfig that runs the sources.
const repository = new URL('../tsconfig.sources.json', import.meta.url);
let main;
if (existsSync(repository)) {
  // tsconfig.sources.json maps `trove` to src/ for every file, a project's own included.
  const { register } = await import('tsx/esm/api');
  register({ tsconfig: fileURLToPath(new URL('../tsconfig.sources.json', import.meta.url)) });
  ({ main } = await import(sources.href));
} else {
  // Trove's own modules first: once the hooks are registered, every import asks their thread.
  ({ main } = await import('../dist/cli/index.js'));
  await import('../dist/cli/typescript/register.js');
}
process.exitCode = await main(process.argv.slice(2));
