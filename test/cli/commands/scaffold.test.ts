// @backends: sqlite-only
// @slow
/** `trove startproject`, `trove startapp` and `trove test`, run as a user runs them. */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { startapp } from '../../../src/cli/commands/startapp.ts';
import { appFiles, modelNameFor, projectFiles, projectPackage, troveSpec } from '../../../src/cli/scaffold/index.ts';
import { connect, fields as f, model } from '../../../src/index.ts';
import { FormErrors, FormFields, modelForm } from '../../../src/web/index.ts';
import { root, trove } from '../../support/cli.ts';

const base = join(root, 'test', '.tmp');
mkdirSync(base, { recursive: true });
const dir = mkdtempSync(join(base, 'scaffold-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const versions = { trove: '^1.2.3', hono: '^4.0.0', typescript: '~5.9', typesNode: '^20.0.0' };

test('startproject writes a project whose first migration matches its models and whose test passes', async () => {
  const made = await trove(['startproject', 'mysite'], { cwd: dir });
  assert.equal(made.code, 0, made.stderr);
  assert.match(made.stdout, /Made the project mysite in mysite\/, with the app notes\.\nNext:\n  cd mysite\n  npm install\n/);
  const project = join(dir, 'mysite');
  for (const file of ['package.json', 'tsconfig.json', 'trove.config.ts', 'urls.ts', 'layout.tsx', 'static/site.css', 'README.md', '.gitignore', 'notes/models.ts', 'notes/admin.ts',
    'notes/views.tsx', 'notes/urls.ts', 'notes/notes.test.ts', 'notes/migrations/0001_initial.ts']) {
    assert.ok(existsSync(join(project, file)), file);
  }
  const pkg = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')) as { type: string; scripts: Record<string, string> };
  assert.equal(pkg.type, 'module');
  assert.equal(pkg.scripts.test, 'tsc --noEmit && trove test');
  // Each project gets its own secret, marked as one for development only (it is in the repository).
  const secret = /secretKey: '([^']+)'/.exec(readFileSync(join(project, 'trove.config.ts'), 'utf8'))?.[1] ?? '';
  assert.match(secret, /^trove-insecure-[\w-]{32}$/);
  // `npm run dev` debugs with it; `npm run serve` refuses it, and wants the names it serves.
  assert.equal(pkg.scripts.dev, 'trove runserver');
  assert.equal(pkg.scripts.serve, 'trove runserver --no-debug');
  const serve = await trove(['runserver', '--no-debug', '127.0.0.1:0'], { cwd: project });
  assert.equal(serve.code, 1);
  assert.match(serve.stderr, /the secret key is the sample written in the repository .*TROVE_SECRET_KEY/);
  assert.match(serve.stderr, /allowedHosts is empty/);
  assert.match(readFileSync(join(project, 'README.md'), 'utf8'), /npm run serve/);

  const check = await trove(['makemigrations', '--check'], { cwd: project });
  assert.equal(check.code, 0, check.stdout + check.stderr);
  const tests = await trove(['test'], { cwd: project });
  assert.equal(tests.code, 0, tests.stdout + tests.stderr);
  assert.match(tests.stdout, /# pass 2\n# fail 0/);

  // A failing test is a failing run.
  writeFileSync(join(project, 'notes', 'broken.test.ts'), "import { test } from 'node:test';\ntest('broken', () => { throw new Error('no'); });\n");
  const failing = await trove(['test'], { cwd: project });
  assert.equal(failing.code, 1);
  assert.match(failing.stdout, /# pass 2\n# fail 1/);
  const one = await trove(['test', 'notes/notes.test.ts'], { cwd: project });
  assert.equal(one.code, 0, one.stdout);
});

test('a project in a folder whose name has a space runs its test', async () => {
  const spaced = join(dir, 'my projects');
  mkdirSync(spaced);
  assert.equal((await trove(['startproject', 'spaced'], { cwd: spaced })).code, 0);
  const tests = await trove(['test'], { cwd: join(spaced, 'spaced') });
  assert.equal(tests.code, 0, tests.stdout + tests.stderr);
  assert.match(tests.stdout, /# pass 2\n# fail 0/);
});

test('startproject writes nothing when a file it would write is there, and checks its names', async () => {
  const target = join(dir, 'taken');
  mkdirSync(target);
  writeFileSync(join(target, 'urls.ts'), '// mine\n');
  const refused = await trove(['startproject', 'taken', target], { cwd: dir });
  assert.equal(refused.code, 1);
  assert.match(refused.stdout, /Nothing written: .* already has urls\.ts\./);
  assert.equal(readFileSync(join(target, 'urls.ts'), 'utf8'), '// mine\n');
  assert.ok(!existsSync(join(target, 'trove.config.ts')));
  assert.ok(!existsSync(join(target, 'package.json')));

  const badName = await trove(['startproject', 'My Site'], { cwd: dir });
  assert.equal(badName.code, 2);
  assert.match(badName.stderr, /'My Site' is not a project name/);
  assert.equal((await trove(['startproject', 'ok', '--app', 'Bad-App'], { cwd: dir })).code, 2);
});

test("startproject into a folder with a package.json keeps the user's scripts and dependencies", async () => {
  const target = join(dir, 'existing');
  mkdirSync(target);
  writeFileSync(join(target, 'package.json'), JSON.stringify({ name: 'existing', scripts: { test: 'vitest' }, dependencies: { trove: 'file:../trove.tgz', zod: '^3' } }));
  const made = await trove(['startproject', 'existing', '.'], { cwd: target });
  assert.equal(made.code, 0, made.stderr);
  assert.match(made.stdout, /Made the project existing here, with the app notes\. package\.json: merged\.\n {2}Kept your script 'test'; Trove's would be: "test": "tsc --noEmit && trove test"\n/);
  assert.doesNotMatch(made.stdout, /cd /);
  const pkg = JSON.parse(readFileSync(join(target, 'package.json'), 'utf8')) as { name: string; type: string; scripts: Record<string, string>; dependencies: Record<string, string> };
  assert.equal(pkg.name, 'existing');
  assert.equal(pkg.type, 'module');
  assert.equal(pkg.scripts.test, 'vitest');
  assert.equal(pkg.scripts.dev, 'trove runserver');
  assert.deepEqual(Object.keys(pkg.dependencies).sort(), ['hono', 'trove', 'zod']);
  assert.equal(pkg.dependencies.trove, 'file:../trove.tgz');
});

test('startapp adds an app that, once listed, migrates and passes its test', async () => {
  const project = join(dir, 'mysite');
  const started = await trove(['startapp', 'blog', '--model', 'Post'], { cwd: project });
  assert.equal(started.code, 0, started.stderr);
  assert.match(started.stdout, /Made the app blog in blog\/ with the model blog\.Post\. To use it:\n {2}trove\.config\.ts: add '\.\/blog\/models\.ts' to apps/);
  assert.equal((await trove(['startapp', 'blog'], { cwd: project })).code, 1, 'a second time writes nothing');

  const config = join(project, 'trove.config.ts');
  writeFileSync(config, readFileSync(config, 'utf8').replace("apps: ['./notes/models.ts']", "apps: ['./notes/models.ts', './blog/models.ts']"));
  rmSync(join(project, 'notes', 'broken.test.ts'), { force: true });
  // No migration yet: the model the user writes in place of the example is created, not a rename of it.
  assert.deepEqual(readdirSync(join(project, 'blog', 'migrations')), ['.gitkeep']);
  const check = await trove(['makemigrations', '--check'], { cwd: project });
  assert.equal(check.code, 1, 'the new app has changes no migration holds');
  assert.match(check.stderr, /Create model blog\.Post/);
  const made = await trove(['makemigrations', '--no-input'], { cwd: project });
  assert.equal(made.code, 0, made.stdout + made.stderr);
  assert.match(made.stdout, /Migrations for 'blog':\n {2}blog\/migrations\/0001_initial\.ts\n {4}- Create model blog\.Post\n/);
  const migrated = await trove(['migrate'], { cwd: project });
  assert.match(migrated.stdout, /Applied blog\.0001_initial/);
  const tests = await trove(['test', 'blog/blog.test.ts'], { cwd: project });
  assert.equal(tests.code, 0, tests.stdout + tests.stderr);

  const clash = await trove(['startapp', 'pages', '--model', 'Layout'], { cwd: project });
  assert.equal(clash.code, 2);
  assert.match(clash.stderr, /'Layout' is a name the app's files already import/);
  assert.ok(!existsSync(join(project, 'pages')));
  assert.equal((await trove(['startapp', 'pages', '--model', 'page'], { cwd: project })).code, 2, 'a class name starts with a capital');

  const outside = await trove(['startapp', 'shop'], { cwd: dir });
  assert.equal(outside.code, 1);
  assert.match(outside.stderr, /no trove\.config\.ts in/);
});

test("startapp's help promises the files it writes, and no migration", () => {
  const written = Object.keys(appFiles({ app: 'blog', model: 'Post' }, { firstMigration: false }));
  assert.ok(!written.some((file) => /migrations\/\d{4}_/.test(file)));
  assert.doesNotMatch(startapp.summary, /a test and its first migration/);
  assert.match(startapp.summary, /makemigrations writes its first migration/);
});

test('a model name comes from the app name', () => {
  assert.equal(modelNameFor('notes'), 'Note');
  assert.equal(modelNameFor('blog'), 'Blog');
  assert.equal(modelNameFor('address'), 'Address');
  assert.equal(modelNameFor('bus'), 'Bus');
  assert.equal(modelNameFor('order_items'), 'OrderItem');
});

test("the new project asks for Trove as the folder it was made from does", () => {
  const from = join(dir, 'spec');
  mkdirSync(join(from, 'inner'), { recursive: true });
  writeFileSync(join(from, 'package.json'), JSON.stringify({ dependencies: { trove: 'file:vendor/trove-0.1.0.tgz' } }));
  assert.equal(troveSpec(from, join(from, 'mysite'), '0.1.0'), 'file:../vendor/trove-0.1.0.tgz');
  assert.equal(troveSpec(join(from, 'inner'), from, '0.1.0'), 'file:./vendor/trove-0.1.0.tgz');
  writeFileSync(join(from, 'package.json'), JSON.stringify({ devDependencies: { trove: '^0.1.0' } }));
  assert.equal(troveSpec(from, join(from, 'mysite'), '0.1.0'), '^0.1.0');
  assert.equal(troveSpec('/', '/mysite', '0.4.0'), '^0.4.0');
  assert.equal(projectPackage('x', versions).json.dependencies?.trove, '^1.2.3');
});

test("the new project's stylesheet styles every class a form in error is drawn with", async () => {
  // CreateView's page in a new project is drawn by <Form />: without these rules its labels run
  // into their inputs and its errors look like any other text.
  const Loan = model('styles.Loan', {
    borrower: f.char({ maxLength: 100 }),
    due: f.date({ helpText: 'The day it comes back.' }),
    renewed: f.boolean({ default: false }),
  });
  const db = await connect('sqlite::memory:');
  try {
    const form = new (modelForm(Loan, { fields: ['borrower', 'due', 'renewed'] }))({ data: { borrower: '', due: '2024-02-30' } });
    assert.equal(await form.isValid(), false);
    const html = `${await FormErrors({ form })!.toString()}${await FormFields({ form }).toString()}`;
    const classes = new Set([...html.matchAll(/class="([^"]+)"/g)].flatMap((m) => m[1]!.split(' ')));
    assert.ok(classes.has('has-error') && classes.has('errornote') && classes.has('help'), [...classes].join(' '));
    const css = projectFiles('mysite', { app: 'notes', model: 'Note' })['static/site.css']!;
    // A required field's label is styled as every label is (`.form-row > label`); its marker has a rule.
    const unstyled = [...classes].filter((name) => name !== 'required' && !new RegExp(`\\.${name}\\b`).test(css));
    assert.deepEqual(unstyled, [], 'each class has a rule in static/site.css');
  } finally {
    await db.close();
  }
});
