// @backends: sqlite-only
/** `trove delete`, `restore`, `trash` and `purge` against a project on a SQLite file. */
import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect, Deletion, type Database } from '../../../src/index.ts';
import { Author, Comment, Post } from '../../../examples/blog/models.ts';
import { seedDemo } from '../../../examples/blog/seed.ts';
import { BIN, makeProject, root, trove } from '../../support/cli.ts';
import { PATIENCE_MS } from '../../support/patience.ts';

// A second app with a PROTECT key, to see a blocked delete.
const project = makeProject({ apps: `[${JSON.stringify(join(root, 'examples', 'blog', 'models.ts'))}, './contracts.ts']` });
writeFileSync(join(project.dir, 'contracts.ts'), [
  "import { model, fields as f, PROTECT, signals } from 'trove';",
  "import { Author, Comment } from '../../../examples/blog/models.ts';",
  '// A delete that takes long: it waits, inside its transaction, for Ctrl+C.',
  'let ctrlC: Promise<unknown> | undefined;',
  "if (process.env.DELETE_WAITS_FOR_CTRL_C === '1') signals.preDelete.connect(async () => {",
  '  ctrlC ??= new Promise((resolve) => {',
  "    console.log('deleting: press Ctrl+C');",
  '    const busy = setInterval(() => {}, 60_000); // as a long statement would, this keeps the process up',
  "    process.once('SIGINT', () => resolve(clearInterval(busy)));",
  '  });',
  '  await ctrlC;',
  '}, { sender: Comment });',
  "export class Contract extends model('cx.Contract', { author: f.foreignKey(() => Author, { onDelete: PROTECT }) }) {",
  "  override toString() { return `Contract ${this.id}`; }",
  '}',
  '',
].join('\n'));
let db: Database;
const run = (args: string[]) => trove(args, { cwd: project.dir });

before(async () => {
  assert.equal((await run(['migrate'])).code, 0);
  db = await connect(`sqlite:${join(project.dir, 'db.sqlite3')}`);
});
beforeEach(async () => {
  await db.flush();
  await seedDemo();
});
after(async () => {
  await db.close();
  project.cleanup();
});

test('--dry-run prints the plan and changes nothing', async () => {
  const result = await run(['delete', 'blog.Author', '--where', 'email=ann@example.com', '--hard', '--dry-run']);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /^Model\s+Rows deleted\n[- ]+\nblog\.Author\s+1\nblog\.Post\s+2\nblog\.Comment\s+3\nblog\.Post_tags\s+3\n/);
  assert.match(result.stdout, /Dry run: nothing deleted\./);
  assert.equal(await Author.objects.count(), 2);
  assert.equal(await Post.objects.count(), 4);
});

test('without --yes and without a terminal it refuses; --yes deletes, and restore round-trips', async () => {
  const refused = await run(['delete', 'blog.Post', '--where', 'author__name__icontains=ann']);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /add --yes/);
  assert.equal(await Post.objects.count(), 4);

  const deleted = await run(['delete', 'blog.Post', '--where', 'author__name__icontains=ann', '--yes', '--reason', 'spring cleaning']);
  assert.equal(deleted.code, 0, deleted.stderr);
  assert.match(deleted.stdout, /Moved 5 rows to the trash: blog\.Comment 3, blog\.Post 2\./);
  const id = /To undo it: trove restore ([0-9a-f-]{36})/.exec(deleted.stdout)?.[1];
  assert.ok(id, deleted.stdout);
  assert.match(deleted.stderr, /Moving to the trash: 5\/5 \(100%\)/);
  assert.equal(await Post.objects.count(), 2);
  const record = await Deletion.objects.get({ id });
  assert.equal(record.source, 'shell');
  assert.equal(record.reason, 'spring cleaning');

  const listed = await run(['trash']);
  assert.match(listed.stdout, new RegExp(`${id}\\s+\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\s+\\S+\\s+shell\\s+blog\\.Post\\s+blog\\.Comment 3, blog\\.Post 2`));
  assert.match((await run(['trash', 'blog.Author'])).stdout, /The trash is empty\./);

  const restored = await run(['restore', id]);
  assert.equal(restored.code, 0, restored.stderr);
  assert.equal(restored.stdout, 'Restored 5 rows: blog.Comment 3, blog.Post 2.\n');
  assert.equal(await Post.objects.count(), 4);
  assert.equal(await Comment.objects.count(), 3);
  const again = await run(['restore', id]);
  assert.equal(again.code, 1);
  assert.match(again.stdout, /was restored: nothing of it is in the trash to restore/);
  assert.match((await run(['trash', '--all'])).stdout, /restored/);
});

test('a blocked delete lists its blockers and deletes nothing; no match is not an error', async () => {
  const ann = await Author.objects.get({ email: 'ann@example.com' });
  await db.execute({ sql: 'insert into cx_contract (author_id) values (?)', parameters: [ann.id] } as never);
  const blocked = await run(['delete', 'blog.Author', '--where', `id=${ann.id}`, '--yes']);
  assert.equal(blocked.code, 1);
  assert.match(blocked.stdout, /Blocked by\s+Rule\s+Objects\n[- ]+\ncx\.Contract\s+PROTECT\s+Contract 1\n/);
  assert.match(blocked.stdout, /Nothing deleted/);
  assert.equal(await Author.objects.count(), 2);
  const none = await run(['delete', 'blog.Post', '--where', 'title=Nope', '--yes']);
  assert.equal(none.code, 0);
  assert.equal(none.stdout, 'Nothing to delete: no blog.Post matches.\n');
});

test('--hard deletes for real; models without a trash are always deleted for real', async () => {
  const hard = await run(['delete', 'blog.Post', '--where', 'status=draft', '--hard', '--yes']);
  assert.equal(hard.code, 0, hard.stderr);
  assert.match(hard.stdout, /Deleted 2 rows: blog\.Post 2\./);
  assert.doesNotMatch(hard.stdout, /trove restore/);
  assert.equal(await Post.allObjects.count(), 2);
  const tags = await run(['delete', 'blog.Tag', '--where', 'name__in=news,how-to', '--yes']);
  assert.match(tags.stdout, /Deleted 5 rows: blog\.Post_tags 3, blog\.Tag 2\./);
});

test('purge removes only what is older than the cutoff; --dry-run removes nothing', async () => {
  const old = await run(['delete', 'blog.Post', '--where', 'status=draft', '--yes']);
  const oldId = /trove restore (\S+)/.exec(old.stdout)![1]!;
  const recent = await run(['delete', 'blog.Post', '--where', 'title=Cascades explained', '--yes']);
  const recentId = /trove restore (\S+)/.exec(recent.stdout)![1]!;
  await Deletion.objects.filter({ id: oldId }).update({ createdAt: new Date(Date.now() - 40 * 86_400_000) });

  const dry = await run(['purge', '--older-than', '30d', '--dry-run']);
  assert.equal(dry.code, 0);
  assert.match(dry.stdout, new RegExp(`${oldId}.*blog\\.Post\\s+2`));
  assert.doesNotMatch(dry.stdout, new RegExp(recentId));
  assert.match(dry.stdout, /Dry run: 1 operation, 2 rows would be purged; nothing removed\./);
  assert.equal(await Post.allObjects.count(), 4);

  const refused = await run(['purge', '--older-than', '30d']);
  assert.equal(refused.code, 2, 'without a terminal it needs --yes');
  assert.match(refused.stderr, /not a terminal, so no confirmation can be asked: add --yes\./);
  assert.equal(await Post.allObjects.count(), 4, 'nothing purged');

  const purged = await run(['purge', '--older-than', '30d', '--yes']);
  assert.equal(purged.code, 0, purged.stderr);
  assert.match(purged.stdout, /Purged 1 operation: 2 rows removed for good\./);
  assert.match(purged.stderr, /^Purging: 0\/2 \(0%\)\n(.*\n)*Purging: 2\/2 \(100%\)\n$/);
  assert.equal(await Post.allObjects.count(), 2);
  assert.equal(await Post.deletedObjects.count(), 1, 'the recent operation stays in the trash');
  assert.equal((await Deletion.objects.get({ id: oldId })).state, 'purged');
  assert.equal((await Deletion.objects.get({ id: recentId })).state, 'active');
  assert.equal((await run(['purge', '--older-than', '30d', '--yes'])).stdout, 'Nothing to purge.\n');
});

test('restore of an operation whose rows were deleted for good says so and fails, instead of restoring nothing', async () => {
  const post = await Post.objects.filter({ author__name__icontains: 'ann' }).first();
  const { deletionId } = await post!.delete();
  await (await Post.allObjects.get({ id: post!.id })).hardDelete();
  const result = await run(['restore', deletionId!]);
  assert.equal(result.code, 1);
  assert.match(result.stdout, /was purged: nothing of it is in the trash to restore/);
});

test('on a terminal, what was confirmed is what goes: rows that changed while it asked make it delete nothing', async () => {
  const screen = await new Promise<string>((resolve, reject) => {
    const args = ['delete', 'blog.Post', '--where', 'author__name__icontains=ann'];
    const child = spawn('script', ['-qfec', [process.execPath, BIN, ...args].join(' '), '/dev/null'], { cwd: project.dir, env: { ...process.env, TERM: 'dumb' } });
    let text = '';
    let answered = false;
    const timer = setTimeout(() => (child.kill(), reject(new Error(`no end:\n${text}`))), PATIENCE_MS);
    child.stdout.on('data', async (chunk: Buffer) => {
      text += chunk.toString();
      if (answered || !text.includes("Type 'yes' to continue: ")) return;
      answered = true;
      // Someone comments on one of the posts while the question is on the screen.
      const post = await Post.objects.filter({ author__name__icontains: 'ann' }).orderBy('id').first();
      await Comment.objects.create({ post: post!, text: 'written meanwhile' });
      child.stdin.write('yes\r');
    });
    child.on('close', () => (clearTimeout(timer), resolve(text)));
  });
  assert.match(screen, /Move 5 rows to the trash\?/);
  assert.match(screen, /Nothing deleted: The rows changed while this ran: its plan showed 3 blog\.Comment, 2 blog\.Post, but it would have taken 4 blog\.Comment, 2 blog\.Post/);
  assert.equal(await Post.objects.count(), 4);
});

test('Ctrl+C during a delete rolls it back and says that nothing was deleted', async () => {
  const before = [await Author.objects.count(), await Post.allObjects.count(), await Comment.allObjects.count()];
  // A hard delete: the receiver that waits runs inside its transaction (a soft delete stops the same way, at its next step).
  {
    const child = spawn(process.execPath, [BIN, 'delete', 'blog.Post', '--all', '--yes', '--hard'], {
      cwd: project.dir,
      env: { ...process.env, DATABASE_URL: undefined, DELETE_WAITS_FOR_CTRL_C: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      // Ctrl+C at a terminal sends SIGINT to the process.
      if (out.includes('deleting: press Ctrl+C') && !child.killed) child.kill('SIGINT');
    });
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), PATIENCE_MS);
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    clearTimeout(timer);
    assert.equal(code, 130, out);
    assert.match(out, /\nInterrupted: nothing was deleted \(the transaction was rolled back\)\.\n/);
    assert.doesNotMatch(out, /Moved|Deleted \d/);
    assert.deepEqual([await Author.objects.count(), await Post.allObjects.count(), await Comment.allObjects.count()], before);
    assert.equal(await Deletion.objects.count(), 0);
  }
});
