// @backends: sqlite-only
/** The command line itself: help, version, and how it refuses bad input. */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeProject, root, trove } from '../support/cli.ts';

const project = makeProject();
after(project.cleanup);

test('trove --help lists every command; trove <command> --help prints its usage', async () => {
  const help = await trove(['--help'], { cwd: root });
  assert.equal(help.code, 0);
  for (const name of ['shell', 'migrate', 'createsuperuser', 'runserver', 'delete', 'restore', 'trash', 'purge', 'dumpdata', 'loaddata']) {
    assert.match(help.stdout, new RegExp(`^  ${name} `, 'm'), name);
  }
  const del = await trove(['delete', '--help'], { cwd: root });
  assert.equal(del.code, 0);
  assert.match(del.stdout, /^Usage: trove delete <app\.Model> --where field=value/);
  assert.match(del.stdout, /--dry-run/);
  assert.match((await trove(['--version'], { cwd: root })).stdout, /^\d+\.\d+\.\d+\n$/);
});

test('unknown commands and bad arguments exit 2 with a one-line reason', async () => {
  const cases: [string[], RegExp][] = [
    [['frobnicate'], /^trove: unknown command 'frobnicate'\. Run 'trove --help' for the list\.\n$/],
    [['migrate', '--bogus'], /^trove migrate: Unknown option '--bogus'\.\n$/],
    [['delete'], /^trove delete: missing argument: trove delete <app\.Model>/],
    [['delete', 'blog.Post'], /^trove delete: give --where field=value \(or --all to delete every row\)\.\n$/],
    [['delete', 'blog.Post', '--where', 'status'], /^trove delete: --where takes field=value, not 'status'\.\n$/],
    [['delete', 'blog.Nope', '--where', 'a=1'], /^trove delete: Unknown model 'blog\.Nope'/],
    [['delete', 'blog.Post', '--where', 'titel=x'], /^trove delete: Cannot resolve keyword 'titel' into a field of blog\.Post/],
    [['delete', 'blog.Post', '--where', 'id=abc'], /^trove delete: .*expected an integer/],
    [['restore', 'not-a-uuid'], /^trove restore: 'not-a-uuid' is not a deletion id/],
    [['purge', '--older-than', 'soon'], /^trove purge: --older-than: olderThan takes a duration such as '30d'/],
    [['runserver', 'localhost:http'], /^trove runserver: 'localhost:http' is not a port or host:port\.\n$/],
    [['migrate', 'blog', '0001', 'extra'], /^trove migrate: unexpected argument 'extra'/],
    [['migrate', 'nosuchapp'], /^trove migrate: no app 'nosuchapp' in this project/],
  ];
  await trove(['migrate'], { cwd: project.dir });
  for (const [args, message] of cases) {
    const run = await trove(args, { cwd: project.dir });
    assert.equal(run.code, 2, args.join(' '));
    assert.match(run.stderr, message, args.join(' '));
    assert.equal(run.stderr.trimEnd().split('\n').length, 1, `one line for ${args.join(' ')}`);
  }
});

test('no config, or an invalid one, is a clear error', async () => {
  const none = await trove(['migrate'], { cwd: join(root, 'docs') });
  assert.equal(none.code, 1);
  assert.match(none.stderr, /^trove: no trove\.config\.ts in .*docs: run trove from a project folder, or give --config path\/to\/trove\.config\.ts\.\n$/);
  const given = await trove(['migrate', '--config', 'nowhere/trove.config.ts'], { cwd: root });
  assert.match(given.stderr, /^trove: no config file at .*nowhere\/trove\.config\.ts\.\n$/);
  const bad = makeProject({ database: "'oracle://db'" });
  const typo = makeProject({ databse: "'sqlite:x.db'" });
  const short = makeProject({ secretKey: "'short'" });
  try {
    assert.match((await trove(['migrate'], { cwd: bad.dir })).stderr, /^trove: setting 'database' in .* must be a database URL/);
    assert.match((await trove(['migrate'], { cwd: typo.dir })).stderr, /^trove: unknown setting 'databse' in /);
    assert.match((await trove(['migrate'], { cwd: short.dir })).stderr, /^trove: secretKey must be at least 16 characters long/);
    writeFileSync(join(bad.dir, 'trove.config.ts'), 'export default 42;\n');
    assert.match((await trove(['migrate'], { cwd: bad.dir })).stderr, /must export default defineConfig/);
  } finally {
    bad.cleanup();
    typo.cleanup();
    short.cleanup();
  }
});

test('TROVE_SECRET_KEY overrides the secret key of the config', async () => {
  const short = makeProject({ secretKey: "'short'" });
  try {
    assert.equal((await trove(['migrate'], { cwd: short.dir })).code, 1);
    const run = await trove(['migrate'], { cwd: short.dir, env: { TROVE_SECRET_KEY: 'a-secret-from-the-environment' } });
    assert.equal(run.code, 0, run.stderr);
    const script = await trove(['shell'], { cwd: short.dir, input: 'console.log(config.secretKey)', env: { TROVE_SECRET_KEY: 'a-secret-from-the-environment' } });
    assert.equal(script.stdout, 'a-secret-from-the-environment\n', 'the shell sees the settings in effect');
  } finally {
    short.cleanup();
  }
});

test('DATABASE_URL and --config override the folder and the config', async () => {
  const elsewhere = join(project.dir, 'other.sqlite3');
  const run = await trove(['migrate', '--config', join(project.dir, 'trove.config.ts')], { cwd: root, env: { DATABASE_URL: `sqlite:${elsewhere}` } });
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, new RegExp(`Database: sqlite:${elsewhere}`));
  assert.match(run.stdout, /Applied blog\.0001_initial/);
});

test('an unexpected error is its message and a hint; --traceback (on every command) adds the stack and its causes', async () => {
  const env = { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/nothing' };
  const plain = await trove(['showmigrations'], { cwd: project.dir, env });
  assert.equal(plain.code, 1);
  assert.equal(plain.stderr, 'trove showmigrations: Error: Cannot connect to postgres://nobody@127.0.0.1:1/nothing: connect ECONNREFUSED 127.0.0.1:1\n(run it again with --traceback for the stack trace)\n');
  const traced = await trove(['showmigrations', '--traceback'], { cwd: project.dir, env });
  assert.equal(traced.code, 1);
  assert.match(traced.stderr, /^trove showmigrations: Error: Cannot connect/);
  assert.match(traced.stderr, /\n {4}at .*src\/cli\/config\.ts:\d+:\d+\)/, 'the stack, through Trove');
  assert.match(traced.stderr, /\[cause\]: Error: connect ECONNREFUSED/, 'and the error it was caused by');
  // Every command takes it, and says so in its help.
  for (const command of ['migrate', 'delete', 'runserver', 'shell']) {
    assert.match((await trove([command, '--help'], { cwd: project.dir })).stdout, /--traceback {7}on an error, print its stack trace/, command);
  }
  const usage = await trove(['migrate', 'nosuchapp', '--traceback'], { cwd: project.dir });
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /^trove migrate: no app 'nosuchapp'[^\n]*\nUsageError: /, 'a usage error keeps its one line, then the stack');
});
