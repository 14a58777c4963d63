/**
 * Running `trove` as a user does: a child process in a project folder. `makeProject()` writes a
 * temporary project whose app is the blog example's models.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const root = new URL('../..', import.meta.url).pathname;
export const BIN = join(root, 'bin', 'trove.js');

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `trove …args` in `cwd`; `input` is piped to its standard input (closed at once when absent). */
export function trove(args: readonly string[], options: { cwd: string; input?: string; env?: Record<string, string | undefined> }): Promise<Run> {
  return new Promise((resolve, reject) => {
    const env: Record<string, string | undefined> = { ...process.env, DATABASE_URL: undefined, TROVE_SECRET_KEY: undefined, ...options.env };
    const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd, env: env as NodeJS.ProcessEnv, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

/** A temporary project folder with trove.config.ts (the blog's models as its app); removed by `cleanup()`. */
export function makeProject(config: Record<string, string> = {}): { dir: string; cleanup: () => void } {
  const base = join(root, 'test', '.tmp');
  mkdirSync(base, { recursive: true });
  const dir = mkdtempSync(join(base, 'project-'));
  const settings = { database: "'sqlite:db.sqlite3'", apps: `[${JSON.stringify(join(root, 'examples', 'blog', 'models.ts'))}]`, secretKey: "'a-test-secret-key-long-enough'", ...config };
  writeFileSync(join(dir, 'trove.config.ts'), [
    "import { defineConfig } from 'trove/config';",
    '',
    'export default defineConfig({',
    ...Object.entries(settings).map(([key, value]) => `  ${key}: ${value},`),
    '});',
    '',
  ].join('\n'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
