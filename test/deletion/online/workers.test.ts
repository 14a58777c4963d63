/**
 * Online deletes as they run in production: `trove worker` processes (one killed with SIGKILL at
 * a random batch) against one database, while another process keeps inserting children of the
 * rows being deleted. The end state must equal, row by row, what one transaction's delete would
 * leave of the same rows and the inserts that got in; the inserts that lost the race must have
 * got an IntegrityError and nothing else. Rows: ONLINE_ROWS (default 200,000 on PostgreSQL,
 * 40,000 elsewhere).
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { CompiledQuery } from 'kysely';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { atomic, operationProgress, type Database } from '../../../src/index.ts';
import { BIN, makeProject, root, trove } from '../../support/cli.ts';
import { BACKEND, setupDatabase, TEST_DATABASE_URL } from '../../support/database.ts';
import { Remark, Shelf, Story, Writer, Volume, Page } from './models.ts';

const ROWS = Number(process.env.ONLINE_ROWS ?? (BACKEND === 'postgres' ? 200_000 : 40_000));
const models = join(root, 'test', 'deletion', 'online', 'models.ts');
// SQLite in memory is one process's: the processes share a file instead.
const url = TEST_DATABASE_URL === 'sqlite::memory:' ? `sqlite:${join(root, 'test', '.tmp', `online-${process.pid}.sqlite3`)}` : TEST_DATABASE_URL;
const project = makeProject({ apps: `[${JSON.stringify(models)}]` });
const env = { DATABASE_URL: url };
let db: Database;
const children: ChildProcess[] = [];

before(async () => {
  db = await setupDatabase(url);
});
after(async () => {
  for (const child of children) child.kill('SIGKILL');
  await db.close();
  project.cleanup();
  if (url !== TEST_DATABASE_URL) for (const suffix of ['', '-wal', '-shm']) rmSync(`${url.slice('sqlite:'.length)}${suffix}`, { force: true });
});

interface Rows {
  writers: { id: number; group: number }[];
  stories: { id: number; writerId: number }[];
  remarks: { id: number; storyId: number; editorId: number | null }[];
}

async function seed(total = ROWS): Promise<{ stories: number; writers: number }> {
  await db.flush();
  const writers = Math.max(10, Math.round(total / 100));
  const ws = await Writer.objects.bulkCreate(Array.from({ length: writers }, (_, i) => ({ name: `w${i}`, group: i % 3 })));
  const ss = await Story.objects.bulkCreate(ws.flatMap((writer) => Array.from({ length: 9 }, (_, i) => ({ writer, title: `s${i}` }))), { batchSize: 5000 });
  const remarks = ss.flatMap((story, n) => Array.from({ length: 10 }, (_, i) => ({ storyId: story.id, editorId: i === 0 ? ws[(n * 7) % ws.length]!.id : null })));
  await Remark.objects.bulkCreate(remarks as never[], { batchSize: 5000 });
  return { stories: ss.length, writers };
}

async function rows(): Promise<Rows> {
  return {
    writers: (await Writer.objects.orderBy('id').values('id', 'group').fetch()) as Rows['writers'],
    stories: (await Story.objects.orderBy('id').values('id', 'writerId').fetch()) as Rows['stories'],
    remarks: (await Remark.objects.orderBy('id').values('id', 'storyId', 'editorId').fetch()) as Rows['remarks'],
  };
}

/** The reference: what deleting the writers of `groups` in one transaction leaves of `start`. */
function deleteInOneGo(start: Rows, groups: (group: number) => boolean): Rows {
  const gone = new Set(start.writers.filter((w) => groups(w.group)).map((w) => w.id));
  const stories = start.stories.filter((s) => !gone.has(s.writerId));
  const kept = new Set(stories.map((s) => s.id));
  const remarks = start.remarks.filter((r) => kept.has(r.storyId)).map((r) => ({ ...r, editorId: r.editorId !== null && gone.has(r.editorId) ? null : r.editorId }));
  return { writers: start.writers.filter((w) => !gone.has(w.id)), stories, remarks };
}

function spawnNode(args: string[]): ChildProcess & { output: () => string } {
  const child = spawn(process.execPath, args, { cwd: project.dir, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  children.push(child);
  return Object.assign(child, { output: () => output });
}

function startWorker(...more: string[]): ReturnType<typeof spawnNode> {
  return spawnNode([BIN, 'worker', '--lease-ms', '1500', '--poll-ms', '100', '--target-batch-ms', '50', '--max-lock-waiters', '1000', ...more]);
}

function exited(child: ChildProcess): Promise<number | null> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve(child.exitCode) : new Promise((resolve) => child.on('exit', (code) => resolve(code)));
}

async function until(what: string, condition: () => Promise<boolean> | boolean, ms = 120_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** On PostgreSQL the workers run on pg-boss: the states of an operation's jobs, oldest first. */
async function jobsOf(operationId: string): Promise<string[]> {
  const { rows } = await db.kysely.executeQuery<{ state: string }>(CompiledQuery.raw(
    'SELECT state FROM trove_boss.job WHERE name = $1 AND singleton_key = $2 ORDER BY created_on, id', ['trove-online-operations', operationId],
  ));
  return rows.map((row) => row.state);
}

const batchesOf = (child: { output: () => string }) => (child.output().match(/\] batch: /g) ?? []).length;

test('two workers, one killed at a random batch, and a racing writer: the end state is one transaction\'s', async () => {
  const { stories, writers } = await seed();
  const start = await rows();
  if (BACKEND === 'postgres') {
    let rolledBack = '';
    await assert.rejects(atomic(async () => {
      rolledBack = (await Writer.objects.filter({ group__lte: 1 }).delete({ online: true })).operationId;
      throw new Error('roll back');
    }), /roll back/);
    assert.deepEqual(await jobsOf(rolledBack), [], 'a rolled-back submit leaves no job');
  }
  const { operationId } = await Writer.objects.filter({ group__lte: 1 }).delete({ online: true });
  if (BACKEND === 'postgres') assert.deepEqual(await jobsOf(operationId), ['created'], 'the job committed with the operation');
  const inserts = join(project.dir, 'inserts.json');
  const inserter = spawnNode(['--import', 'tsx', join(root, 'test', 'deletion', 'online', 'inserter.ts'), url, inserts, String(stories), String(writers)]);
  // Small batches, so that there are many of them to be killed in, paced to take about six
  // seconds in all: unpaced, a worker can run all of them while the test looks for the first few,
  // and the survivor would find nothing left to do.
  const pace = ['--max-batch-size', '25', '--max-rows-per-second', String(Math.round(ROWS / 9))];
  const workers = [startWorker(...pace), startWorker(...pace)];
  const killAt = 1 + Math.floor(Math.random() * 4);
  await until(`a worker ran ${killAt} batches`, () => workers.some((w) => batchesOf(w) >= killAt));
  // The one that holds the operation dies.
  const victim = workers.find((w) => batchesOf(w) >= killAt)!;
  const survivor = workers.find((w) => w !== victim)!;
  victim.kill('SIGKILL');
  assert.notEqual((await operationProgress(operationId)).state, 'done', 'killed part way');
  await until('the operation is done', async () => (await operationProgress(operationId)).state === 'done');
  inserter.kill('SIGTERM');
  assert.equal(await exited(inserter), 0, inserter.output());
  survivor.kill('SIGTERM');
  assert.equal(await exited(survivor), 0, survivor.output());

  const race = JSON.parse(readFileSync(inserts, 'utf8')) as { added: { remarks: { id: number; storyId: number }[]; stories: { id: number; writerId: number }[] }; refused: number; errors: string[] };
  assert.deepEqual(race.errors, [], 'an insert failed with something other than an IntegrityError');
  assert.ok(race.added.remarks.length + race.added.stories.length > 0, 'the writer got inserts in');
  const withInserts: Rows = {
    writers: start.writers,
    stories: [...start.stories, ...race.added.stories].sort((a, b) => a.id - b.id),
    remarks: [...start.remarks, ...race.added.remarks.map((r) => ({ ...r, editorId: null }))].sort((a, b) => a.id - b.id),
  };
  const expected = deleteInOneGo(withInserts, (g) => g <= 1);
  const actual = await rows();
  assert.equal(actual.writers.length, expected.writers.length);
  assert.deepEqual(actual, expected);
  const progress = await operationProgress(operationId);
  assert.equal(progress.state, 'done');
  assert.equal(progress.keysDone, progress.keysTotal);
  const gone = (label: string, before: number, after: number) => assert.equal(progress.models.find((m) => m.label === label)?.done ?? 0, before - after, label);
  gone('ol.Writer', withInserts.writers.length, actual.writers.length);
  gone('ol.Story', withInserts.stories.length, actual.stories.length);
  gone('ol.Remark', withInserts.remarks.length, actual.remarks.length);
  // The killed worker's batches and the survivor's: both worked, and nothing was done twice.
  assert.ok(batchesOf(survivor) > 0, survivor.output());
  if (BACKEND === 'postgres') {
    // The survivor's job completed it; the killed worker's is left active, to pg-boss's expiry.
    const jobs = await jobsOf(operationId);
    assert.ok(jobs.includes('completed'), jobs.join());
    assert.deepEqual(jobs.filter((state) => state !== 'completed' && state !== 'active'), [], jobs.join());
    assert.match(survivor.output(), /\(pg-boss\)/);
  }
});

test('pause and resume from the command line, then cancel of a soft delete: everything comes back', async () => {
  // A worker slowed down to 100 rows a second (20 s for this operation), so that a command
  // started on a busy machine still reaches it while it runs; a fast one finishes the work.
  await seed(6000);
  const start = await rows();
  const { operationId } = await Writer.objects.filter({ group: 0 }).delete({ online: true });
  const slow = startWorker('--max-rows-per-second', '100', '--max-batch-size', '1');
  await until('a batch ran', () => batchesOf(slow) >= 1);
  const paused = await trove(['operations', 'pause', operationId], { cwd: project.dir, env });
  assert.equal(paused.code, 0, paused.stderr);
  await until('the worker let go', async () => (await operationProgress(operationId)).leaseOwner === null);
  const held = await operationProgress(operationId);
  assert.equal(held.state, 'paused');
  await new Promise((resolve) => setTimeout(resolve, 500));
  assert.equal((await operationProgress(operationId)).keysDone, held.keysDone, 'nothing moves while paused');
  const shown = await trove(['operations', operationId], { cwd: project.dir, env });
  assert.match(shown.stdout, /paused: \d+\/\d+ rows/);
  assert.match(shown.stdout, /ol\.Remark/);
  slow.kill('SIGTERM');
  assert.equal(await exited(slow), 0, slow.output());
  assert.equal((await trove(['operations', 'resume', operationId], { cwd: project.dir, env })).code, 0);
  const fast = startWorker();
  const watched = await trove(['operations', operationId, '--watch'], { cwd: project.dir, env });
  assert.equal(watched.code, 0, watched.stdout + watched.stderr);
  assert.match(watched.stdout, /done: /);
  assert.deepEqual(await rows(), deleteInOneGo(start, (g) => g === 0));
  // The submit's job ended with the pause; the resume's (sent by the command) finished it.
  if (BACKEND === 'postgres') assert.deepEqual(await jobsOf(operationId), ['completed', 'completed']);

  // A soft delete cancelled part way: every row it had moved, its hidden roots included, is back.
  await Shelf.objects.bulkCreate(Array.from({ length: 300 }, (_, i) => ({ name: `s${i}`, group: i % 2 })));
  const shelves = await Shelf.objects.orderBy('id').fetch();
  const volumes = await Volume.objects.bulkCreate(shelves.flatMap((shelf) => [{ shelf }, { shelf }]));
  await Page.objects.bulkCreate(volumes.flatMap((volume) => [{ volume }, { volume }, { volume }]));
  const trashBefore = await Page.deletedObjects.count();
  fast.kill('SIGTERM');
  assert.equal(await exited(fast), 0, fast.output());
  const soft = await Shelf.objects.all().delete({ online: true });
  assert.equal(await Shelf.objects.count(), 0, 'the roots are hidden at once');
  const w = startWorker('--max-rows-per-second', '200', '--max-batch-size', '2');
  await until('a batch of the soft delete ran', async () => (await operationProgress(soft.operationId)).batches >= 2);
  const cancelled = await trove(['operations', 'cancel', soft.operationId], { cwd: project.dir, env });
  assert.equal(cancelled.code, 0, cancelled.stderr);
  await until('the cancel finished', async () => (await operationProgress(soft.operationId)).state === 'cancelled');
  assert.equal(await Shelf.objects.count(), 300);
  assert.equal(await Volume.objects.count(), 600);
  assert.equal(await Page.objects.count(), 1800);
  assert.equal(await Page.deletedObjects.count(), trashBefore);
  w.kill('SIGTERM');
  assert.equal(await exited(w), 0, w.output());

  // A cancel whose rows cannot come back: the command fails, says why, and how to finish it.
  await Shelf.objects.create({ name: 'coded', code: 'x' });
  const coded = await Shelf.objects.filter({ code: 'x' }).delete({ online: true });
  await Shelf.objects.create({ name: 'taker', code: 'x' });
  const refused = await trove(['operations', 'cancel', coded.operationId], { cwd: project.dir, env });
  assert.equal(refused.code, 1, refused.stdout + refused.stderr);
  assert.match(refused.stdout, /failed: /);
  assert.match(refused.stdout, /Last error: The cancel could not put the rows back:/);
  assert.match(refused.stdout, new RegExp(`then cancel again: trove operations cancel ${coded.operationId}`));
  const listed = await trove(['operations', '--watch'], { cwd: project.dir, env });
  assert.match(listed.stdout, new RegExp(coded.operationId));
  assert.match(listed.stdout, /Follow one with: trove operations <id> --watch/);
});
