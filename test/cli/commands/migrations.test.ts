// @backends: sqlite-only
/** The migration commands as a user runs them: makemigrations, migrate, showmigrations, sqlmigrate. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { BIN, makeProject, trove } from '../../support/cli.ts';
import { PATIENCE_MS } from '../../support/patience.ts';

const project = makeProject({ apps: "['./models.ts']" });
after(project.cleanup);
const run = (...args: string[]) => trove(args, { cwd: project.dir });

function models(postFields: string, options = '{}') {
  writeFileSync(join(project.dir, 'models.ts'), [
    "import { model, fields as f, CASCADE } from 'trove';",
    "export class Author extends model('press.Author', { name: f.char({ maxLength: 100 }) }) {}",
    `export class Post extends model('press.Post', { ${postFields}, author: f.foreignKey(() => Author, { onDelete: CASCADE }) }, ${options}) {}`,
    '',
  ].join('\n'));
}

const migrationsDir = join(project.dir, 'migrations');

test('an app without migrations keeps its tables made by migrate, and makemigrations says how to start', async () => {
  models("title: f.char({ maxLength: 200 })");
  const made = await run('makemigrations');
  assert.equal(made.code, 0);
  assert.match(made.stdout, /No app has migrations yet\. Start an app's migrations by naming it: trove makemigrations press/);
  const migrated = await run('migrate');
  assert.equal(migrated.code, 0, migrated.stderr);
  assert.match(migrated.stdout, /Created table press_post/);
});

test('makemigrations writes the first migration; --check fails on a changed model and passes once it has its migration', async () => {
  const fake = await run('makemigrations', 'press');
  assert.equal(fake.code, 0, fake.stderr);
  assert.match(fake.stdout, /migrations\/0001_initial\.ts\n    - Create model press\.Author\n    - Create model press\.Post/);
  const faked = await run('migrate', '--fake-initial');
  assert.match(faked.stdout, /Applying press\.0001_initial\.\.\. FAKED/, 'the tables made before are taken as the initial migration');
  assert.equal((await run('makemigrations', '--check')).code, 0);

  models("title: f.char({ maxLength: 200 }), summary: f.text({ default: '' })");
  const check = await run('makemigrations', '--check');
  assert.equal(check.code, 1);
  assert.match(check.stderr, /Add field summary to press\.Post/);
  assert.deepEqual(readdirSync(migrationsDir), ['0001_initial.ts'], '--check writes nothing');

  // Every command that checks says so before it starts (runserver at each start): a warning, not a stop.
  const checked = await run('check');
  assert.equal(checked.code, 0, checked.stderr);
  assert.match(checked.stdout, /press: \(migrations\.W001\) Your models in app\(s\): 'press' have changes that are not yet reflected in a migration, and so won't be applied\.\n  - Add field summary to press\.Post\n\tHINT: Run 'trove makemigrations' to make new migrations, and then 'trove migrate' to apply them\./);

  const pending = await run('migrate');
  assert.equal(pending.code, 0);
  assert.match(pending.stderr, /Your models in 'press' have changes that no migration holds yet[\s\S]*- Add field summary to press\.Post[\s\S]*trove makemigrations/);
  assert.doesNotMatch(pending.stderr, /migrations\.W001/, 'migrate says it once, in its own words, after migrating');

  const dry = await run('makemigrations', '--dry-run');
  assert.match(dry.stdout, /0002_post_summary\.ts\n    - Add field summary to press\.Post/);
  assert.deepEqual(readdirSync(migrationsDir), ['0001_initial.ts'], '--dry-run writes nothing');

  const made = await run('makemigrations');
  assert.equal(made.code, 0, made.stderr);
  assert.match(readFileSync(join(migrationsDir, '0002_post_summary.ts'), 'utf8'), /addField\('press\.Post', 'summary', f\.text\(\), \{ fill: '' \}\)/);
  assert.equal((await run('makemigrations', '--check')).code, 0);
  assert.match((await run('check')).stdout, /^System check identified no issues \(0 silenced\)\.$/m, 'the models match their migrations again');
});

test('showmigrations marks what the database has; sqlmigrate prints each database\'s SQL; migrate goes forwards and back', async () => {
  const before = await run('showmigrations');
  assert.match(before.stdout, /press\n \[X\] 0001_initial\n \[ \] 0002_post_summary/);
  const sqlite = await run('sqlmigrate', 'press', '0002');
  // SQLite cannot drop a default again: the table is copied, the old rows given ''.
  assert.match(sqlite.stdout, /begin;\ncreate table "__new__press_post"[\s\S]*"summary" text not null[\s\S]*insert into "__new__press_post" [\s\S]*''[\s\S]*commit;/);
  assert.doesNotMatch(sqlite.stdout, /default ''/);
  const postgres = await run('sqlmigrate', 'press', '0002', '--database', 'postgres');
  assert.match(postgres.stdout, /begin;\nalter table "press_post" add column "summary" text default '' not null;\nalter table "press_post" alter column "summary" drop default;\ncommit;/);
  const mysql = await run('sqlmigrate', 'press', '0002', '--database', 'mysql');
  assert.match(mysql.stdout, /no transaction[\s\S]*alter table `press_post` add column if not exists `summary` longtext default '' not null;/);

  const due = await run('migrate', '--check');
  assert.equal(due.code, 1, 'migrate --check fails while a migration is due');
  assert.match(due.stderr, /1 migration is not applied: press\.0002_post_summary/);
  assert.match((await run('showmigrations')).stdout, /\[ \] 0002_post_summary/, '--check applied nothing');
  assert.equal((await run('migrate')).code, 0);
  assert.equal((await run('migrate', '--check')).code, 0);
  assert.match((await run('showmigrations')).stdout, /\[X\] 0002_post_summary/);
  const back = await run('migrate', 'press', '0001');
  assert.match(back.stdout, /Unapplying press\.0002_post_summary\.\.\./);
  assert.match((await run('showmigrations')).stdout, /\[ \] 0002_post_summary/);
  assert.equal((await run('migrate')).code, 0);
});

test('makemigrations warns of a PostgreSQL table rewrite on a type change, and only then', async () => {
  models("title: f.text(), summary: f.text({ default: '' })");
  const made = await run('makemigrations', '--name', 'title_text');
  assert.equal(made.code, 0, made.stderr);
  assert.ok(existsSync(join(migrationsDir, '0003_title_text.ts')));
  assert.doesNotMatch(made.stderr, /rewrites/, 'varchar to text rewrites nothing on PostgreSQL');
  models("title: f.integer({ null: true }), summary: f.text({ default: '' })");
  const typed = await run('makemigrations', '--dry-run');
  assert.match(typed.stderr, /PostgreSQL: press_post\.title: changing the type rewrites the whole table under an ACCESS EXCLUSIVE lock/);
  models("title: f.text(), summary: f.text({ default: '' })");
});

test('a rename without a terminal is refused with both names, and renamedFrom says it', async () => {
  models("heading: f.text(), summary: f.text({ default: '' })");
  const refused = await run('makemigrations');
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /press\.Post: field 'title' was removed and 'heading' added, both text fields/);
  assert.deepEqual(readdirSync(migrationsDir).length, 3, 'nothing written');
  models("heading: f.text({ renamedFrom: 'title' }), summary: f.text({ default: '' })");
  const made = await run('makemigrations');
  assert.match(made.stdout, /0004_rename_title_post_heading\.ts\n    - Rename field title on press\.Post to heading/);
  const migrated = await run('migrate');
  assert.equal(migrated.code, 0, migrated.stderr);
  assert.doesNotMatch(migrated.stderr, /no migration holds/);
});

/** Runs `trove …args` in a pseudo-terminal, answering each question that ends in `[y/N] ` with the next answer. */
function inTerminal(args: string[], answers: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qfec', [process.execPath, BIN, ...args].join(' '), '/dev/null'], { cwd: project.dir, env: { ...process.env, TERM: 'dumb' } });
    let screen = '';
    let asked = 0;
    const timer = setTimeout(() => (child.kill(), reject(new Error(`no end:\n${screen}`))), PATIENCE_MS);
    child.stdout.on('data', (chunk: Buffer) => {
      screen += chunk.toString();
      if (screen.split('[y/N] ').length - 1 > asked) child.stdin.write(`${answers[asked++] ?? 'n'}\r`);
    });
    child.on('close', () => (clearTimeout(timer), resolve(screen)));
  });
}

test('on a terminal, makemigrations asks whether a field was renamed', async () => {
  models("headline: f.text(), summary: f.text({ default: '' })");
  const screen = await inTerminal(['makemigrations'], ['y']);
  assert.match(screen, /press\.Post: field 'heading' was removed and 'headline' added, both text fields\.\s+Did you rename it\? \[y\/N\]/);
  assert.match(screen, /0005_rename_heading_post_headline\.ts\s+- Rename field heading on press\.Post to headline/);
});
