/**
 * `trove test [file…]`: the project's *.test.ts files under Node's test runner, with its
 * TypeScript loaded as the other commands load it. Its exit code is the runner's.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import type { Command } from '../command.ts';
import { checkBeforeStart } from '../checks.ts';
import { CONFIG_FILE, loadProjectWithTroveApps } from '../config.ts';
import { print } from '../output.ts';
import { typeScriptLoader } from '../typescript/index.ts';

const TEST_FILE = /\.test\.(?:ts|tsx|mts|js|mjs)$/;
const SKIPPED = new Set(['node_modules', 'dist', 'build', 'coverage']);

/** Every test file under `dir`, skipping dependencies, build output and hidden folders. */
export function findTests(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name.startsWith('.') || SKIPPED.has(entry.name)) return [];
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return findTests(path);
    return TEST_FILE.test(entry.name) ? [path] : [];
  }).sort();
}

export const test: Command = {
  name: 'test',
  summary: "Run the project's *.test.ts files with Node's test runner (or the files given).",
  usage: 'trove test [FILE…] [--skip-checks]',
  details: `
  --skip-checks     do not run the system checks (trove check) first`,
  options: { 'skip-checks': { type: 'boolean' } },
  positionals: { min: 0, max: Number.POSITIVE_INFINITY },
  async run({ values, positionals }) {
    const configPath = resolve((values.config as string | undefined) ?? CONFIG_FILE);
    const root = existsSync(configPath) ? dirname(configPath) : process.cwd();
    // As Django's test runner: a project that fails its checks is not worth testing.
    if (existsSync(configPath) && values['skip-checks'] !== true) await checkBeforeStart(await loadProjectWithTroveApps(configPath));
    const files = positionals.length > 0 ? positionals.map((file) => resolve(file)) : findTests(root);
    if (files.length === 0) {
      print(`No *.test.ts files under ${root}.`);
      return 1;
    }
    const loader = typeScriptLoader();
    // Under another test runner (Trove's own tests), Node would report to it instead of the terminal.
    const { NODE_TEST_CONTEXT: _parentRunner, ...env } = process.env;
    const child = spawn(process.execPath, ['--import', loader.importUrl, '--test', ...files.map((file) => relative(root, file))], {
      cwd: root,
      stdio: 'inherit',
      env: { ...env, ...loader.env },
    });
    return new Promise<number>((done) => child.once('exit', (code) => done(code ?? 1)));
  },
};
