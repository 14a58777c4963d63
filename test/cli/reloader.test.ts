// @backends: sqlite-only
/**
 * The reloader as a developer meets it: a real `trove runserver` (with its child process), source
 * files saved every way editors and tools save them, and each change served over HTTP.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { BIN, root } from '../support/cli.ts';
import { PATIENCE_MS } from '../support/patience.ts';

mkdirSync(join(root, 'test', '.tmp'), { recursive: true });
const dir = mkdtempSync(join(root, 'test', '.tmp', 'reloader-'));
let server: ChildProcess;
let output = '';
let base = '';

/** A project whose one page shows `greeting` (from views.ts) and the labels of its models. */
function config(apps: string[]): string {
  return `import { defineConfig } from 'trove/config';
import { urls } from './urls.ts';
export default defineConfig({ apps: ${JSON.stringify(apps)}, secretKey: 'a-test-secret-key-long-enough', debug: true, urls });
`;
}

/** Saved as many editors and `sed -i` do: a new file renamed over the old one. */
function replaceByRename(file: string, text: string): void {
  writeFileSync(`${file}.tmp`, text);
  renameSync(`${file}.tmp`, file);
}

/** The page, once it answers with `expected` (the server restarts in between, so it may not answer at first). */
async function served(expected: RegExp): Promise<string> {
  const deadline = Date.now() + PATIENCE_MS;
  let last = '';
  while (Date.now() < deadline) {
    try {
      last = await (await fetch(`${base}/`)).text();
      if (expected.test(last)) return last;
    } catch {
      // Between two servers: nothing listens for a moment.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the page never showed ${expected}; last: ${last}\noutput:\n${output}`);
}

before(async () => {
  mkdirSync(join(dir, 'library'));
  writeFileSync(join(dir, 'library', 'models.ts'), "import { model, fields as f } from 'trove';\nexport const Book = model('library.Book', { title: f.char({ maxLength: 50 }) });\n");
  writeFileSync(join(dir, 'views.ts'), "export const greeting = 'v1';\n");
  writeFileSync(join(dir, 'urls.ts'), `import { path } from 'trove/web';
import { allModels } from ${JSON.stringify(join(root, 'src', 'orm', 'index.ts'))};
import { greeting } from './views.ts';
const labels = () => allModels().filter((m) => !m.autoCreated && /^(library|shop)\\./.test(m.label)).map((m) => m.label).sort().join(' ');
export const urls = [path('', () => new Response(\`\${greeting} | \${labels()}\`))];
`);
  writeFileSync(join(dir, 'trove.config.ts'), config(['./library/models.ts']));
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  server = spawn(process.execPath, [BIN, 'runserver', `127.0.0.1:${port}`], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DATABASE_URL: undefined } as NodeJS.ProcessEnv });
  server.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  server.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await served(/^v1 \| library\.Book$/);
});

after(async () => {
  if (server.exitCode === null) {
    server.kill('SIGTERM');
    await new Promise((resolve) => server.once('exit', resolve));
  }
  rmSync(dir, { recursive: true, force: true });
});

test('a file replaced by a rename is still watched: every save is served, not only the first', async () => {
  for (const version of ['v2', 'v3', 'v4']) {
    replaceByRename(join(dir, 'views.ts'), `export const greeting = '${version}';\n`);
    await served(new RegExp(`^${version} \\|`));
  }
});

test('sed -i, then a write in place, then sed -i again', async () => {
  execFileSync('sed', ['-i', 's/v4/v5/', join(dir, 'views.ts')]);
  await served(/^v5 \|/);
  writeFileSync(join(dir, 'views.ts'), "export const greeting = 'v6';\n");
  await served(/^v6 \|/);
  execFileSync('sed', ['-i', 's/v6/v7/', join(dir, 'views.ts')]);
  await served(/^v7 \|/);
});

test('a file added to an app is watched from the start: used, then changed by a rename', async () => {
  writeFileSync(join(dir, 'library', 'extra.ts'), "export const extra = 'e1';\n");
  replaceByRename(join(dir, 'views.ts'), "import { extra } from './library/extra.ts';\nexport const greeting = `v8 ${extra}`;\n");
  await served(/^v8 e1 \|/);
  replaceByRename(join(dir, 'library', 'extra.ts'), "export const extra = 'e2';\n");
  await served(/^v8 e2 \|/);
});

test('a new app: its folder is watched once it appears, and the config that adds it is served', async () => {
  mkdirSync(join(dir, 'shop'));
  writeFileSync(join(dir, 'shop', 'models.ts'), "import { model, fields as f } from 'trove';\nexport const Item = model('shop.Item', { name: f.char({ maxLength: 50 }) });\n");
  replaceByRename(join(dir, 'trove.config.ts'), config(['./library/models.ts', './shop/models.ts']));
  await served(/\| library\.Book shop\.Item$/);
  replaceByRename(join(dir, 'shop', 'models.ts'), `${readFileSync(join(dir, 'shop', 'models.ts'), 'utf8')}export const Basket = model('shop.Basket', { name: f.char({ maxLength: 50 }) });\n`);
  await served(/\| library\.Book shop\.Basket shop\.Item$/);
});

test('a server that fails to start says plainly that it waits for a change, and the next change starts it', async () => {
  replaceByRename(join(dir, 'views.ts'), "export const greeting = 'broken\n");
  const before = output.length;
  for (let i = 0; !/Waiting for a change/.test(output.slice(before)); i++) {
    assert.ok(i < PATIENCE_MS / 100, `no word of waiting:\n${output.slice(before)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.match(output.slice(before), /The server stopped \(exit code 1\): see the error above\. Waiting for a change to a source file to start it again; Ctrl\+C quits\./);
  replaceByRename(join(dir, 'views.ts'), "export const greeting = 'v9';\n");
  await served(/^v9 \|/);
});

test('a reloader killed with SIGKILL takes its server with it: nothing goes on serving old code', async () => {
  await served(/ \| /);
  server.kill('SIGKILL');
  await new Promise((resolve) => server.once('exit', resolve));
  const deadline = Date.now() + PATIENCE_MS;
  for (;;) {
    const answered = await fetch(`${base}/`).then(() => true, () => false);
    if (!answered) break;
    assert.ok(Date.now() < deadline, 'the server went on answering after its reloader died');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
