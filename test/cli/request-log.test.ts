// @backends: sqlite-only
/**
 * What `trove runserver` shows on its console, as Django's runserver: a line per request, the
 * traceback of every 500 (with debug and without, where the page itself shows nothing), a warning
 * about migrations not applied yet; colours on a terminal only.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, makeProject, trove } from '../support/cli.ts';
import { PATIENCE_MS } from '../support/patience.ts';

const project = makeProject({ urls: "(await import('./urls.ts')).urls", debug: 'true' });
const LINE = (method: string, target: string, status: number) =>
  new RegExp(`^\\[\\d\\d/[A-Z][a-z]{2}/\\d{4} \\d\\d:\\d\\d:\\d\\d\\] "${method} ${target.replace(/[?.]/g, '\\$&')} HTTP/1\\.1" ${status} (\\d+|-) \\d+(\\.\\d)?ms$`, 'm');

before(() => {
  writeFileSync(join(project.dir, 'urls.ts'), `import { path } from 'trove/web';
function explode(): never {
  throw new Error('the view broke');
}
export const urls = [
  path('hello/', () => new Response('hello')),
  path('boom/', () => explode()),
];
`);
});
after(() => project.cleanup());

/** `trove runserver` on a free port, `args` after it; its console (stdout and stderr together) as it comes. */
async function runserver(args: string[], env: Record<string, string | undefined> = {}, { terminal = false } = {}) {
  const argv = [process.execPath, BIN, 'runserver', '127.0.0.1:0', '--noreload', ...args];
  // `script` gives the server a pseudo-terminal, as a developer's console is.
  const [command, ...rest] = terminal ? ['script', '-qfec', argv.join(' '), '/dev/null'] : argv;
  const child = spawn(command!, rest, {
    cwd: project.dir,
    detached: true,
    env: { ...process.env, DATABASE_URL: undefined, TROVE_SECRET_KEY: undefined, TROVE_ALLOWED_HOSTS: undefined, ...env } as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let console = '';
  child.stdout.on('data', (chunk: Buffer) => (console += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (console += chunk.toString()));
  const waitFor = async (pattern: RegExp): Promise<RegExpExecArray> => {
    const deadline = Date.now() + PATIENCE_MS;
    for (;;) {
      const match = pattern.exec(console);
      if (match !== null) return match;
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`no ${pattern} in:\n${console}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  const base = (await waitFor(/at (http:\/\/127\.0\.0\.1:\d+)\//))[1]!;
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    process.kill(-child.pid!, 'SIGTERM');
    await exited;
  };
  return { base, waitFor, stop, console: () => console };
}

test('before migrate it warns of the migrations not applied, as Django does; after, it does not', async () => {
  const fresh = await runserver([]);
  try {
    assert.match(fresh.console(), /^You have \d+ unapplied migration\(s\)\. Your project may not work properly until you apply the migrations for app\(s\): blog\.\nRun 'trove migrate' to apply them\.$/m);
  } finally {
    await fresh.stop();
  }
  const migrated = await trove(['migrate'], { cwd: project.dir });
  assert.equal(migrated.code, 0, migrated.stderr);
  const server = await runserver([]);
  try {
    assert.doesNotMatch(server.console(), /unapplied/);
  } finally {
    await server.stop();
  }
});

test('with debug: a line per request (method, path, status, size, time), and the traceback of a 500 on the console as well as on the page', async () => {
  const server = await runserver([]);
  try {
    assert.equal(await (await fetch(`${server.base}/hello/?x=1`)).text(), 'hello');
    assert.equal((await fetch(`${server.base}/missing/`)).status, 404);
    const boom = await fetch(`${server.base}/boom/`);
    assert.equal(boom.status, 500);
    assert.match(await boom.text(), /the view broke/);
    await server.waitFor(LINE('GET', '/boom/', 500));
    const seen = server.console();
    assert.match(seen, /^\[\d\d\/[A-Z][a-z]{2}\/\d{4} \d\d:\d\d:\d\d\] "GET \/hello\/\?x=1 HTTP\/1\.1" 200 5 \d+(\.\d)?ms$/m);
    assert.match(seen, LINE('GET', '/missing/', 404));
    assert.match(seen, /^Internal Server Error: GET \/boom\/\nError: the view broke\n {4}at explode \(.*urls\.ts:3:9\)/m, "the traceback names the view's file and line");
    assert.doesNotMatch(seen, /\x1b\[/, 'no colours when the console is not a terminal');
  } finally {
    await server.stop();
  }
});

test('without debug: the page says nothing of the error, the console has its traceback', async () => {
  const server = await runserver(['--no-debug'], { TROVE_SECRET_KEY: randomBytes(48).toString('base64url'), TROVE_ALLOWED_HOSTS: '127.0.0.1' });
  try {
    const boom = await fetch(`${server.base}/boom/`);
    assert.equal(boom.status, 500);
    assert.doesNotMatch(await boom.text(), /the view broke|urls\.ts/);
    await server.waitFor(LINE('GET', '/boom/', 500));
    assert.match(server.console(), /^Internal Server Error: GET \/boom\/\nError: the view broke\n {4}at explode \(.*urls\.ts:3:9\)/m);
  } finally {
    await server.stop();
  }
});

test('on a terminal the lines are coloured by status, as Django colours them', async () => {
  const server = await runserver([], { NO_COLOR: undefined, TERM: 'xterm' }, { terminal: true });
  try {
    await fetch(`${server.base}/hello/`);
    await fetch(`${server.base}/missing/`);
    await server.waitFor(/\x1b\[33m\[[^\n]*"GET \/missing\/ HTTP\/1\.1" 404 [^\n]*\x1b\[0m/);
    assert.match(server.console(), /\n\[[^\n]*"GET \/hello\/ HTTP\/1\.1" 200 5 [^\n]*ms\r?\n/, 'a 200 is left plain');
  } finally {
    await server.stop();
  }
});
