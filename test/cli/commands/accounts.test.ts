// @backends: sqlite-only
/** `trove migrate`, `clearsessions`, `createsuperuser` (flags, and prompts in a terminal) and `runserver`. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect, type Database } from '../../../src/index.ts';
import { User } from '../../../src/auth/index.ts';
import { SessionRecord } from '../../../src/web/index.ts';
import { BIN, makeProject, trove } from '../../support/cli.ts';
import { PATIENCE_MS } from '../../support/patience.ts';

const project = makeProject({ urls: "(await import('../../../examples/blog/urls.ts')).urls", debug: 'true' });
let db: Database;
const run = (args: string[], env: Record<string, string> = {}) => trove(args, { cwd: project.dir, env });

before(async () => {
  const first = await run(['migrate']);
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stdout, /Applied blog\.0001_initial/);
  assert.match(first.stdout, /Created table auth_user\n/);
  assert.match(first.stdout, /Added \d+ permissions/);
  db = await connect(`sqlite:${join(project.dir, 'db.sqlite3')}`);
});
after(async () => {
  await db.close();
  project.cleanup();
});

test('migrate again changes nothing and says so', async () => {
  const again = await run(['migrate']);
  assert.equal(again.code, 0);
  assert.match(again.stdout, /No migrations to apply\.\n$/);
});

test('clearsessions deletes expired sessions only', async () => {
  await SessionRecord.objects.create({ key: 'old', data: {}, expiresAt: new Date(Date.now() - 1000) });
  await SessionRecord.objects.create({ key: 'live', data: {}, expiresAt: new Date(Date.now() + 3_600_000) });
  const cleared = await run(['clearsessions']);
  assert.equal(cleared.code, 0, cleared.stderr);
  assert.equal(cleared.stdout, 'Deleted 1 expired session.\n');
  assert.deepEqual((await SessionRecord.objects.values('key')).map((s) => s.key), ['live']);
});

test('createsuperuser --no-input takes the password from TROVE_SUPERUSER_PASSWORD', async () => {
  const missing = await run(['createsuperuser', '--no-input', '--username', 'boss']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /TROVE_SUPERUSER_PASSWORD, which is not set/);
  const made = await run(['createsuperuser', '--no-input', '--username', 'boss', '--email', 'boss@example.com'], { TROVE_SUPERUSER_PASSWORD: 'correct horse' });
  assert.equal(made.code, 0, made.stderr);
  assert.equal(made.stdout, 'Superuser created successfully.\n');
  const boss = (await User.objects.get({ username: 'boss' })) as User;
  assert.equal(boss.isSuperuser, true);
  assert.equal(boss.isStaff, true);
  assert.equal(boss.email, 'boss@example.com');
  assert.ok(await boss.checkPassword('correct horse'));
  const again = await run(['createsuperuser', '--no-input', '--username', 'boss'], { TROVE_SUPERUSER_PASSWORD: 'x' });
  assert.equal(again.code, 1);
  assert.match(again.stdout, /already taken/);
  assert.equal((await run(['createsuperuser', '--no-input', '--username', 'bad name!'], { TROVE_SUPERUSER_PASSWORD: 'x' })).code, 2);
});

test('createsuperuser --no-input takes the username and email from TROVE_SUPERUSER_*, as Django does', async () => {
  const made = await run(['createsuperuser', '--no-input'], { TROVE_SUPERUSER_USERNAME: 'envboss', TROVE_SUPERUSER_EMAIL: 'env@example.com', TROVE_SUPERUSER_PASSWORD: 'correct horse' });
  assert.equal(made.code, 0, made.stderr);
  const boss = (await User.objects.get({ username: 'envboss' })) as User;
  assert.equal(boss.email, 'env@example.com');
  assert.ok(await boss.checkPassword('correct horse'));
  const nameless = await run(['createsuperuser', '--no-input'], { TROVE_SUPERUSER_PASSWORD: 'x' });
  assert.equal(nameless.code, 2);
  assert.match(nameless.stderr, /needs --username \(or TROVE_SUPERUSER_USERNAME\)/);
});

test('createsuperuser asks in a terminal, hides the password, asks for it twice and checks it, with a way past the validators', async () => {
  // Too short (not bypassed), then two that differ, then a common one that is bypassed, as Django allows.
  const answers = ['ada', 'ada@example.com', 'short', 'short', 'n', 'first-secret', 'other-secret', 'password1', 'password1', 'y'];
  const screen = await new Promise<string>((resolve, reject) => {
    const child = spawn('script', ['-qfec', `${process.execPath} ${BIN} createsuperuser`, '/dev/null'], { cwd: project.dir, env: { ...process.env, TERM: 'dumb' } });
    let out = '';
    let asked = 0;
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`no end; screen:\n${out}`));
    }, PATIENCE_MS);
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      // Answer each prompt once it shows, as a person would.
      const seen = out.split(/Username: |Email address: |Password: |Password \(again\): |Bypass password validation and create user anyway\? \[y\/N\]: /).length - 1;
      if (seen > asked && asked < answers.length) child.stdin.write(`${answers[asked++]}\r`);
    });
    child.on('close', () => {
      clearTimeout(timer);
      resolve(out);
    });
  });
  assert.match(screen, /Username: /);
  assert.match(screen, /This password is too short\. It must contain at least 8 characters\./);
  assert.match(screen, /Error: your passwords didn't match\./);
  assert.match(screen, /This password is too common\./);
  assert.equal(screen.split('Bypass password validation and create user anyway? [y/N]: ').length - 1, 2);
  assert.match(screen, /Superuser created successfully\./);
  assert.doesNotMatch(screen, /password1|first-secret|short\r?\n/, 'passwords are not echoed');
  const ada = (await User.objects.get({ username: 'ada' })) as User;
  assert.equal(ada.email, 'ada@example.com');
  assert.ok(await ada.checkPassword('password1'), 'the bypassed password');
});

/** Starts `trove runserver …args` and reads its output as it comes. */
function startServer(args: string[]) {
  const child = spawn(process.execPath, [BIN, 'runserver', ...args], { cwd: project.dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
  /** Waits until the output has matched `pattern` `times` times; the last match. */
  const waitFor = async (pattern: RegExp, times = 1): Promise<RegExpExecArray> => {
    for (let i = 0; i < 300; i++) {
      const matches = [...out.matchAll(new RegExp(pattern.source, 'g'))];
      if (matches.length >= times) return matches[times - 1]!;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`no ${pattern} in:\n${out}`);
  };
  return { child, waitFor, output: () => out };
}

test('runserver --noreload says where it listens and serves the project', async () => {
  const server = startServer(['127.0.0.1:0', '--noreload']);
  try {
    const [line, url] = await server.waitFor(/at (http:\/\/127\.0\.0\.1:\d+\/).*\n/);
    assert.match(line, /Quit with Ctrl\+C\./);
    const page = await fetch(`${url}posts/`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<h1>Posts<\/h1>/);
  } finally {
    server.child.kill('SIGTERM');
  }
  const noUrls = makeProject();
  try {
    const refused = await trove(['runserver', '--noreload'], { cwd: noUrls.dir });
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /runserver needs 'urls'/);
  } finally {
    noUrls.cleanup();
  }
});

test('runserver restarts when a source file of the project changes, and stops with its server', async () => {
  const server = startServer(['127.0.0.1:0']);
  let url = '';
  try {
    url = (await server.waitFor(/at (http:\/\/127\.0\.0\.1:\d+\/)/))[1]!;
    writeFileSync(join(project.dir, 'extra.ts'), 'export const x = 1;\n');
    await server.waitFor(/extra\.ts changed, restarting\./);
    url = (await server.waitFor(/at (http:\/\/127\.0\.0\.1:\d+\/)/, 2))[1]!;
    assert.equal((await fetch(`${url}posts/`)).status, 200);
  } finally {
    server.child.kill('SIGTERM');
    await new Promise((resolve) => server.child.once('exit', resolve));
  }
  // The server went with the reloader: nothing listens on its port any more.
  await assert.rejects(fetch(`${url}posts/`), (error) => error instanceof TypeError && (error.cause as { code?: string } | undefined)?.code === 'ECONNREFUSED');
});

test('runserver on a taken port says so in one line and exits 1, with or without the reloader', async () => {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const port = (blocker.address() as { port: number }).port;
  try {
    for (const args of [[`127.0.0.1:${port}`], [`127.0.0.1:${port}`, '--noreload']]) {
      const result = await trove(['runserver', ...args], { cwd: project.dir });
      assert.equal(result.code, 1, args.join(' '));
      assert.equal(result.stderr, `port ${port} on 127.0.0.1 is in use: trove runserver ${port + 1}\n`);
    }
  } finally {
    blocker.close();
  }
});
