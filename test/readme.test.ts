// @backends: sqlite-only
/** The README's tour must run as written. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

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
    assert.ok(lines.includes('1 1'));
    assert.ok(lines.includes('2'));
    assert.ok(lines.includes("4 { 'blog.Author': 1, 'blog.Post': 2, 'blog.Comment': 1 }"));
    assert.match(stdout, /total: 4,\s+byModel: \{ 'blog.Comment': 1, 'blog.Post': 2, 'blog.Author': 1 \}/);
    assert.ok(lines.includes('0 null'));
    assert.equal(lines[lines.length - 1], "{ total: 1, byModel: { 'blog.Author': 1 } }");
  } finally {
    rmSync(file, { force: true });
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
