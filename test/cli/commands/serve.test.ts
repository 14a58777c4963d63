// @backends: sqlite-only
/**
 * Serving without debug (`trove runserver --no-debug`, a new project's `npm run serve`): the
 * secret key must be the site's own, from the environment, and allowedHosts must be set; then it
 * serves with plain error pages and only the hosts listed. Debugging stays as it was.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { BIN, makeProject, trove } from '../../support/cli.ts';
import { PATIENCE_MS } from '../../support/patience.ts';
import { rawRequest } from '../../support/web.ts';

const SAMPLE = 'trove-insecure-written-into-the-repository-by-startproject';
const project = makeProject({ urls: "(await import('../../../examples/blog/urls.ts')).urls", secretKey: `'${SAMPLE}'`, debug: 'true' });
const GOOD_KEY = randomBytes(48).toString('base64url');

before(async () => {
  const migrated = await trove(['migrate'], { cwd: project.dir });
  assert.equal(migrated.code, 0, migrated.stderr);
});
after(() => project.cleanup());

/** Starts `trove runserver …args`; resolves with its URL once it listens, or its exit when it refuses. */
function start(args: string[], env: Record<string, string | undefined>) {
  const child = spawn(process.execPath, [BIN, 'runserver', '127.0.0.1:0', ...args], {
    cwd: project.dir,
    env: { ...process.env, TROVE_SECRET_KEY: undefined, TROVE_ALLOWED_HOSTS: undefined, DATABASE_URL: undefined, ...env } as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const outcome = new Promise<{ url: string; line: string } | { code: number | null; err: string }>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), PATIENCE_MS);
    child.stdout.on('data', () => {
      const match = /at (http:\/\/127\.0\.0\.1:\d+\/).*\n/.exec(out);
      if (match !== null) resolve({ url: match[1]!, line: match[0] });
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, err });
    });
  });
  return { child, outcome };
}

async function refusal(args: string[], env: Record<string, string | undefined>): Promise<string> {
  const { outcome } = start(args, env);
  const result = await outcome;
  assert.ok('code' in result, `it served: ${JSON.stringify(result)}`);
  assert.equal(result.code, 1);
  return result.err;
}

test('--no-debug refuses to start without a secret key from the environment, with the sample key, or with a weak one; the error names TROVE_SECRET_KEY', async () => {
  const hosts = { TROVE_ALLOWED_HOSTS: 'localhost' };
  assert.match(await refusal(['--no-debug'], hosts), /^trove: refusing to serve without debug:\n {2}- the secret key is the sample written in the repository \(it starts with 'trove-insecure-'\).*TROVE_SECRET_KEY/);
  assert.match(await refusal(['--no-debug'], { ...hosts, TROVE_SECRET_KEY: SAMPLE }), /sample written in the repository/);
  assert.match(await refusal(['--no-debug'], { ...hosts, TROVE_SECRET_KEY: 'short-but-at-least-sixteen' }), /TROVE_SECRET_KEY is too weak \(26 characters\): serving without debug needs 50 or more/);
  assert.match(await refusal(['--no-debug'], { ...hosts, TROVE_SECRET_KEY: 'a'.repeat(60) }), /TROVE_SECRET_KEY is too weak/);
  const noKey = makeProject({ urls: "(await import('../../../examples/blog/urls.ts')).urls", secretKey: 'undefined' });
  try {
    const { outcome } = start(['--no-debug', '--config', `${noKey.dir}/trove.config.ts`], hosts);
    const result = await outcome;
    assert.ok('code' in result && result.code === 1);
    assert.match(result.err, /TROVE_SECRET_KEY is not set: serving without debug needs a secret key of the site's own, from the environment\. Make one: TROVE_SECRET_KEY=\$\(node -e/);
  } finally {
    noKey.cleanup();
  }
});

test('--no-debug refuses to start without allowedHosts, naming TROVE_ALLOWED_HOSTS; both problems are listed at once', async () => {
  assert.match(await refusal(['--no-debug'], { TROVE_SECRET_KEY: GOOD_KEY }), /allowedHosts is empty: serving without debug needs the host names the site answers to \(Django's ALLOWED_HOSTS\)\. Set TROVE_ALLOWED_HOSTS=/);
  const both = await refusal(['--no-debug'], {});
  assert.match(both, /sample written in the repository/);
  assert.match(both, /allowedHosts is empty/);
});

test('--no-debug with a key of its own and allowed hosts serves: only those hosts, error pages without details', async () => {
  const { child, outcome } = start(['--no-debug'], { TROVE_SECRET_KEY: GOOD_KEY, TROVE_ALLOWED_HOSTS: 'blog.example, localhost' });
  try {
    const result = await outcome;
    assert.ok('url' in result, JSON.stringify(result));
    assert.match(result.line, /without debug\)\. Quit with Ctrl\+C\./);
    const port = new URL(result.url).port;
    assert.equal((await rawRequest(result.url, '/posts/', 'blog.example')).status, 200);
    assert.equal((await rawRequest(result.url, '/posts/', `localhost:${port}`)).status, 200);
    assert.equal((await rawRequest(result.url, '/posts/', `127.0.0.1:${port}`)).status, 400, 'not listed, so refused');
    const missing = await rawRequest(result.url, '/no/such/page/', 'blog.example');
    assert.equal(missing.status, 404);
    assert.doesNotMatch(missing.body, /Patterns tried/, 'no debug details');
  } finally {
    child.kill('SIGTERM');
  }
});

test('a config with debug off is served the same way, even by plain runserver; with debug on the sample key and local names do', async () => {
  const off = makeProject({ urls: "(await import('../../../examples/blog/urls.ts')).urls", secretKey: `'${SAMPLE}'`, debug: 'false', database: `'sqlite:${project.dir}/db.sqlite3'` });
  try {
    const { outcome } = start(['--noreload', '--config', `${off.dir}/trove.config.ts`], {});
    const result = await outcome;
    assert.ok('code' in result && result.code === 1, JSON.stringify(result));
    assert.match(result.err, /refusing to serve without debug/);
  } finally {
    off.cleanup();
  }
  const { child, outcome } = start(['--noreload'], {});
  try {
    const result = await outcome;
    assert.ok('url' in result, JSON.stringify(result));
    assert.doesNotMatch(result.line, /without debug/);
    const missing = await fetch(`${result.url}no/such/page/`);
    assert.match(await missing.text(), /Patterns tried/, 'debug details while developing');
    assert.equal((await rawRequest(result.url, '/posts/', 'blog.example')).status, 400, 'only local names while debugging');
  } finally {
    child.kill('SIGTERM');
  }
});

test('with debug, runserver carries out online deletes in its own process; --no-worker leaves them queued for `trove worker`', async () => {
  const created = await trove(['shell'], { cwd: project.dir, input: "for (let i = 0; i < 30; i++) await Tag.objects.create({ name: `online-${i}` });\n" });
  assert.equal(created.code, 0, created.stderr);
  const queue = async () => {
    const submitted = await trove(['delete', 'blog.Tag', '--where', 'name__startswith=online-', '--online', '--yes'], { cwd: project.dir });
    assert.equal(submitted.code, 0, submitted.stderr);
    return /Operation (\S+) queued/.exec(submitted.stdout)![1]!;
  };
  const stateOf = async (id: string) => /^(\w+): \d+\/\d+ rows/m.exec((await trove(['operations', id], { cwd: project.dir })).stdout)?.[1];

  const idle = start(['--noreload', '--no-worker'], {});
  let waiting: string;
  try {
    assert.ok('url' in (await idle.outcome));
    waiting = await queue();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.equal(await stateOf(waiting), 'queued', 'no worker ran it');
  } finally {
    idle.child.kill('SIGTERM');
    await new Promise((resolve) => idle.child.once('exit', resolve));
  }

  const { child, outcome } = start(['--noreload'], {});
  try {
    assert.ok('url' in (await outcome));
    const deadline = Date.now() + PATIENCE_MS;
    while ((await stateOf(waiting)) !== 'done') {
      assert.ok(Date.now() < deadline, `the operation never finished: ${await stateOf(waiting)}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const left = await trove(['shell'], { cwd: project.dir, input: "console.log('left', await Tag.objects.filter({ name__startswith: 'online-' }).count());\n" });
    assert.match(left.stdout, /left 0/);
  } finally {
    child.kill('SIGTERM');
  }
});

test('on a database without the operations table, the in-process worker says so once, and the server serves', async () => {
  const bare = makeProject({ urls: "(await import('../../../examples/blog/urls.ts')).urls", secretKey: `'${SAMPLE}'`, debug: 'true' });
  try {
    const { child, outcome } = start(['--noreload', '--skip-checks', '--config', `${bare.dir}/trove.config.ts`], {});
    let err = '';
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    try {
      assert.ok('url' in (await outcome));
      await new Promise((resolve) => setTimeout(resolve, 3000));
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
    assert.deepEqual(err.split('\n').filter((line) => line.includes('[worker]')), [
      '[worker] online deletes are not carried out in this process: the database has no trove_operation table (run `trove migrate`, then restart).',
    ]);
  } finally {
    bare.cleanup();
  }
});
