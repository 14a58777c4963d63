// @backends: sqlite-only
/** The README's tour must run as written. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import SqliteDatabase from 'better-sqlite3';
import { PATIENCE_MS } from './support/patience.ts';

const root = new URL('..', import.meta.url).pathname;

function tourSource(): string {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const block = readme.match(/<!-- tour:start -->\s*```ts\n([\s\S]*?)```\s*<!-- tour:end -->/);
  assert.ok(block, 'README.md has a tour between <!-- tour:start --> and <!-- tour:end -->');
  return block[1]!;
}

test('the README tour runs and prints what its comments say', async () => {
  const dir = join(root, 'test', '.tmp');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `readme-tour-${process.pid}.ts`);
  writeFileSync(file, tourSource());
  try {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', file], { cwd: root });
    const lines = stdout.trim().split('\n');
    assert.equal(lines[0], '1');
    assert.equal(lines[1], "[ 'Notes', 'Hello' ]");
    assert.equal(lines[2], 'Ann');
    assert.equal(lines[3], '2');
    assert.equal(lines[4], 'Ann');
    assert.match(stdout, /title: 'Hello', author__email: 'ann@example.com'/);
    // After the soft delete, one live post and one in the trash; the restore's count comes right after.
    const trashed = lines.indexOf('1 1');
    assert.ok(trashed > 4, stdout);
    assert.equal(lines[trashed + 1], '2', 'two live posts once the deletion is restored');
    assert.ok(lines.includes("4 { 'blog.Author': 1, 'blog.Post': 2, 'blog.Comment': 1 }"));
    assert.match(stdout, /total: 4,\s+byModel: \{ 'blog.Comment': 1, 'blog.Post': 2, 'blog.Author': 1 \}/);
    assert.ok(lines.includes('0 null'));
    assert.equal(lines[lines.length - 1], "{ total: 1, byModel: { 'blog.Author': 1 } }");
  } finally {
    rmSync(file, { force: true });
  }
});

/** The README's shell session, typed line by line into `trove shell` in a pseudo-terminal on the blog example. */
test("the README's shell tour runs as written on the blog example", async () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const block = readme.match(/<!-- shell:start -->\s*```js\n([\s\S]*?)```\s*<!-- shell:end -->/);
  assert.ok(block, 'README.md has a shell session between <!-- shell:start --> and <!-- shell:end -->');
  const lines = block[1]!.trim().split('\n').map((line) => {
    const [code, expected] = line.split(/\s+\/\/ /);
    return { code: code!.trim(), expected: expected?.trim() };
  });
  const blog = join(root, 'examples', 'blog');
  const env = { ...process.env, DATABASE_URL: `sqlite:${join(root, 'test', '.tmp', `readme-shell-${process.pid}.db`)}`, NO_COLOR: '1', TERM: 'dumb' };
  const trove = (args: string[]) => promisify(execFile)(process.execPath, [join(root, 'bin', 'trove.js'), ...args], { cwd: blog, env });
  try {
    await trove(['migrate']);
    assert.match((await trove(['loaddata', 'fixtures/demo.json'])).stdout, /Installed 13 objects/);
    const screen = await new Promise<string>((resolve, reject) => {
      const child = spawn('script', ['-qfec', `${process.execPath} ${join(root, 'bin', 'trove.js')} shell`, '/dev/null'], { cwd: blog, env });
      let out = '';
      let typed = 0;
      const timer = setTimeout(() => {
        child.kill();
        reject(new Error(`the shell did not finish:\n${out}`));
      }, PATIENCE_MS);
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.split('trove> ').length - 1 > typed) {
          child.stdin.write(`${typed < lines.length ? lines[typed]!.code : '.exit'}\r`);
          typed++;
        }
      });
      child.on('close', () => {
        clearTimeout(timer);
        resolve(out);
      });
    });
    // Each line's printed value, in order: what follows the echoed line, up to the next prompt.
    let rest = screen;
    for (const { code, expected } of lines) {
      const at = rest.indexOf(code);
      assert.ok(at >= 0, `the shell echoed ${code}:\n${screen}`);
      rest = rest.slice(at + code.length);
      const printed = rest.slice(0, rest.indexOf('trove> ')).replace(/\s+/g, ' ').trim();
      if (expected !== undefined) assert.equal(printed, expected, code);
    }
  } finally {
    for (const suffix of ['', '-wal', '-shm']) rmSync(join(root, 'test', '.tmp', `readme-shell-${process.pid}.db${suffix}`), { force: true });
    rmSync(join(blog, '.trove_history'), { force: true });
  }
});

/** The README's piped shell line, run by a shell as written (`npx trove` being this repository's bin). */
test("the README's piped shell example prints what it did", async () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const line = readme.match(/<!-- piped-shell:start -->\s*```sh\n([\s\S]*?)```\s*<!-- piped-shell:end -->/)?.[1]?.trim();
  assert.ok(line, 'README.md has the piped shell line between <!-- piped-shell:start --> and <!-- piped-shell:end -->');
  assert.match(line, /\| npx trove shell$/);
  const blog = join(root, 'examples', 'blog');
  const database = join(root, 'test', '.tmp', `readme-piped-${process.pid}.db`);
  const env = { ...process.env, DATABASE_URL: `sqlite:${database}`, NO_COLOR: '1' };
  const trove = `${process.execPath} ${join(root, 'bin', 'trove.js')}`;
  try {
    await promisify(execFile)(process.execPath, [join(root, 'bin', 'trove.js'), 'migrate'], { cwd: blog, env });
    await promisify(execFile)(process.execPath, [join(root, 'bin', 'trove.js'), 'loaddata', 'fixtures/demo.json'], { cwd: blog, env });
    const { stdout } = await promisify(execFile)('sh', ['-c', line.replace(/npx trove/g, trove)], { cwd: blog, env });
    assert.match(stdout, /^\{\s+total: 3,\s+byModel: \{ 'blog\.Comment': 2, 'blog\.Post': 1 \},\s+deletionId: '[0-9a-f-]{36}'\s+\}\n$/, stdout);
  } finally {
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${database}${suffix}`, { force: true });
  }
});

test('npm run tour prints the blog tour', async () => {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'examples/blog/tour.ts'], {
    cwd: root,
    env: { ...process.env, TROVE_TOUR_DB: join(root, 'test', '.tmp', `tour-${process.pid}.db`) },
  });
  assert.match(stdout, /Trove console tour/);
  assert.match(stdout, /2 authors, 4 posts, 3 comments\./);
  assert.match(stdout, /2 rows to the trash/);
  assert.match(stdout, /2 live posts, 2 in the trash/);
  assert.match(stdout, /restored: 4 live posts again/);
  assert.match(stdout, /deleted 9 rows/);
  for (const suffix of ['', '-wal', '-shm']) rmSync(join(root, 'test', '.tmp', `tour-${process.pid}.db${suffix}`), { force: true });
});

/** The README's migration walk, run in a copy of the blog with the field it tells you to add. */
test("the README's migration walk adds a field and migrates it, forwards and back", async () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const walk = readme.match(/### Changing a model: migrations[\s\S]*?```ts\n([\s\S]*?)```[\s\S]*?<!-- migrate:start -->\s*```sh\n([\s\S]*?)```\s*<!-- migrate:end -->/);
  assert.ok(walk, 'README.md has the field to add and the commands between <!-- migrate:start --> and <!-- migrate:end -->');
  const field = walk[1]!.trim();
  const commands = walk[2]!.trim().split('\n').map((line) => line.replace(/\s+#.*$/, '').trim().split(/\s+/));
  const blog = join(root, 'test', '.tmp', `readme-migrate-${process.pid}`);
  cpSync(join(root, 'examples', 'blog'), blog, { recursive: true, filter: (path) => !/blog\.db/.test(path) });
  const env = { ...process.env, DATABASE_URL: `sqlite:${join(blog, 'walk.db')}` };
  try {
    // The blog as the tour left it: migrated, with its demo posts.
    await promisify(execFile)(process.execPath, [join(root, 'bin', 'trove.js'), 'migrate'], { cwd: blog, env });
    await promisify(execFile)(process.execPath, [join(root, 'bin', 'trove.js'), 'loaddata', 'fixtures/demo.json'], { cwd: blog, env });
    const models = readFileSync(join(blog, 'models.ts'), 'utf8');
    const withField = models.replace(/(class Post extends model\('blog\.Post', \{\n)/, `$1  ${field}\n`);
    assert.notEqual(withField, models, 'the field goes into Post');
    writeFileSync(join(blog, 'models.ts'), withField);
    const out: string[] = [];
    for (const [npx, troveCommand, ...args] of commands) {
      assert.deepEqual([npx, troveCommand], ['npx', 'trove']);
      out.push((await promisify(execFile)(process.execPath, [join(root, 'bin', 'trove.js'), ...args], { cwd: blog, env })).stdout);
      if (args.join(' ') === 'migrate') {
        const file = new SqliteDatabase(join(blog, 'walk.db'), { readonly: true });
        const summaries = file.prepare('select summary from blog_post').all() as Array<{ summary: string }>;
        file.close();
        assert.ok(summaries.length > 0 && summaries.every((p) => p.summary === ''), 'the posts there get an empty summary');
      }
    }
    const [made, sqlText, migrated, shown, undone] = out as [string, string, string, string, string];
    assert.match(made, /migrations\/0002_post_summary\.ts\n\s+- Add field summary to blog\.Post/);
    assert.match(readFileSync(join(blog, 'migrations', '0002_post_summary.ts'), 'utf8'), /addField\('blog\.Post', 'summary', f\.char\(\{ maxLength: 200 \}\), \{ fill: '' \}\)/);
    // SQLite cannot drop a column's default again: the table is copied, the posts given ''.
    assert.match(sqlText, /create table "__new__blog_post" [\s\S]*"summary" varchar\(200\) not null[\s\S]*insert into "__new__blog_post" [\s\S]*''/);
    assert.match(migrated, /Applied blog\.0002_post_summary/);
    assert.match(shown, /\[X\] 0001_initial\n \[X\] 0002_post_summary/);
    assert.match(undone, /Unapplied blog\.0002_post_summary/);
  } finally {
    rmSync(blog, { recursive: true, force: true });
  }
});
