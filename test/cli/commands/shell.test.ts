/**
 * `trove shell` from a piped script on every database (PostgreSQL and MariaDB through
 * DATABASE_URL), and, on SQLite, from a pseudo-terminal as a person types into it.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { connect, Deletion, type Database } from '../../../src/index.ts';
import { Author, Post } from '../../../examples/blog/models.ts';
import { seedDemo } from '../../../examples/blog/seed.ts';
import { BACKEND, TEST_DATABASE_URL, setupDatabase } from '../../support/database.ts';
import { BIN, makeProject, trove } from '../../support/cli.ts';
import { PATIENCE_MS } from '../../support/patience.ts';

const project = makeProject();
const url = BACKEND === 'sqlite' ? `sqlite:${join(project.dir, 'db.sqlite3')}` : TEST_DATABASE_URL;
const env = { DATABASE_URL: url };
let db: Database;

before(async () => {
  db = BACKEND === 'sqlite' ? await connect(url) : await setupDatabase();
  await db.createTables();
  await seedDemo();
});
after(async () => {
  await db.close();
  project.cleanup();
});

test('a piped script runs with the models in scope and deletes an object', async () => {
  const post = await Post.objects.get({ title: 'Another draft' });
  const script = `const p = await Post.objects.get({ id: ${post.id} });\nconst r = await p.delete();\nconsole.log(JSON.stringify(r.byModel), typeof Q, typeof atomic, typeof db.close, config.secretKey.length > 0);\n`;
  const run = await trove(['shell'], { cwd: project.dir, input: script, env });
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, '{"blog.Post":1} function function function true\n');
  assert.equal(await Post.objects.filter({ id: post.id }).exists(), false);
  assert.equal(await Post.deletedObjects.filter({ id: post.id }).exists(), true);
});

test('-c runs one command, as Django\'s shell -c', async () => {
  const run = await trove(['shell', '-c', 'console.log(await Tag.objects.count())'], { cwd: project.dir, env });
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, '2\n');
  assert.equal((await trove(['shell', '--command', 'await Tag.objects.get({ name: "none" })'], { cwd: project.dir, env })).code, 1);
});

test('a piped script may be TypeScript', async () => {
  const run = await trove(['shell'], { cwd: project.dir, input: 'const n: number = await Author.objects.count();\nconsole.log(n as number);\n', env });
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, '2\n');
});

test("the README's one-liner works, and a script that throws exits non-zero with the message", async () => {
  const post = await Post.objects.get({ title: 'Half-finished thoughts' });
  const oneLiner = `await Post.objects.get({ id: ${post.id} }).then(p => p.delete())`;
  assert.equal((await trove(['shell'], { cwd: project.dir, input: oneLiner, env })).code, 0);
  assert.equal(await Post.objects.filter({ id: post.id }).exists(), false);
  const failing = await trove(['shell'], { cwd: project.dir, input: 'await Author.objects.get({ name: "Nobody" });\nconsole.log("not reached");', env });
  assert.equal(failing.code, 1);
  assert.equal(failing.stdout, '');
  assert.equal(failing.stderr, 'Author.DoesNotExist: Author matching query does not exist.\n');
  const syntax = await trove(['shell'], { cwd: project.dir, input: 'await (', env });
  assert.equal(syntax.code, 1);
  assert.match(syntax.stderr, /^SyntaxError: /);
  assert.equal(await Author.objects.count(), 2);
});

/** Runs the shell in a pseudo-terminal (util-linux `script`), typing `lines` one by one after the prompt shows. */
function typeIntoShell(lines: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qfec', `${process.execPath} ${BIN} shell`, '/dev/null'], { cwd: project.dir, env: { ...process.env, ...env, TERM: 'dumb', NO_COLOR: '1' } });
    let screen = '';
    let next = 0;
    let prompts = 0;
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`the shell did not finish; screen so far:\n${screen}`));
    }, PATIENCE_MS);
    child.stdout.on('data', (chunk: Buffer) => {
      screen += chunk.toString();
      // Type the next line each time a new prompt appears, as a person would.
      const seen = screen.split(/trove> |\.\.\. /).length - 1;
      if (seen > prompts && next < lines.length) {
        prompts = seen;
        child.stdin.write(`${lines[next++]}\r`);
      }
    });
    child.on('close', () => {
      clearTimeout(timer);
      resolve(screen);
    });
  });
}

test('an interactive session in a terminal: the prompt, results, an error that does not end it, TypeScript, .models', { skip: BACKEND !== 'sqlite' && 'the terminal session runs once, on SQLite' }, async () => {
  const post = await Post.objects.get({ title: 'Cascades explained' });
  const screen = await typeIntoShell([
    `const p = await Post.objects.get({ id: ${post.id} })`,
    'p.title',
    'await Post.objects.get({ id: 999 })',
    '(await p.delete()).byModel',
    'function twice(n: number): number {',
    '  return n * 2',
    '}',
    'twice(21 as number)',
    '.models',
    '.exit',
  ]);
  // The banner counts what .models lists.
  const count = Number(/Trove shell: (\d+) models from .*trove\.config\.ts/.exec(screen)?.[1]);
  const listed = screen.slice(screen.lastIndexOf('.models')).split('\n').filter((line) => /^\s+\w+\s+\w+\.\w+/.test(line)).length;
  assert.ok(count > 4 && count === listed, `the banner says ${count}, .models lists ${listed}`);
  assert.match(screen, /trove> /);
  assert.match(screen, /'Cascades explained'/);
  assert.match(screen, /Uncaught Post\.DoesNotExist: Post matching query does not exist\./);
  assert.match(screen, /\{ 'blog\.Comment': 1, 'blog\.Post': 1 \}/);
  assert.match(screen, /\n42\r?\n/, 'TypeScript, even over several lines, runs once its types are stripped');
  assert.match(screen, /Post\s+blog\.Post {2}\(soft delete\)/);
  assert.equal(await Post.objects.filter({ id: post.id }).exists(), false);
  // A soft delete from the shell records where it came from, and whose shell it was.
  const record = await Deletion.objects.orderBy('-createdAt').first();
  assert.deepEqual([record?.source, record?.actor], ['shell', userInfo().username]);
});
