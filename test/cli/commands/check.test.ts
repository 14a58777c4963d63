// @backends: sqlite-only
// @slow
/**
 * `trove check` as a user meets it: a library project with the mistakes a rename or a typo
 * leaves behind, each named with Django's id before any page is opened; the commands that
 * start work (runserver, migrate, makemigrations, test) refuse to start on them.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { makeProject, root, trove } from '../../support/cli.ts';

const project = makeProject({ apps: "['./library/models.ts']", urls: 'async () => (await import(\'./urls.ts\')).urls', debug: 'true' });
after(() => { if (!process.env.KEEP) project.cleanup(); });
const run = (...args: string[]) => trove(args, { cwd: project.dir });
const trovePath = (entry: string) => JSON.stringify(join(root, 'src', entry));

function write(file: string, lines: string[]): void {
  mkdirSync(join(project.dir, file, '..'), { recursive: true });
  writeFileSync(join(project.dir, file), `${lines.join('\n')}\n`);
}

/** The library app, with `mistakes` on: a clean project when false. */
function library(mistakes: boolean): void {
  write('library/models.ts', [
    "import { model, fields as f, CASCADE, SET_NULL } from 'trove';",
    `export class Author extends model('library.Author', { name: f.char({ maxLength: 100 }) }) {}`,
    `export class Book extends model('library.Book', {`,
    '  title: f.char({ maxLength: 200 }),',
    "  author: f.foreignKey(() => Author, { onDelete: CASCADE, relatedName: 'books' }),",
    // A second key to Author under the same reverse name: author.books would reach one of them only.
    mistakes ? "  editor: f.foreignKey(() => Author, { onDelete: SET_NULL, null: true, relatedName: 'books' })," : "  editor: f.foreignKey(() => Author, { onDelete: SET_NULL, null: true, relatedName: 'edited' }),",
    `}, { ordering: [${mistakes ? "'-titel'" : "'title'"}] }) {}`,
    `export class Loan extends model('library.Loan', {`,
    `  book: f.foreignKey(${mistakes ? "'library.Bok'" : "'library.Book'"}, { onDelete: CASCADE }),`,
    '  borrowedBy: f.char({ maxLength: 100 }),',
    '  due: f.date(),',
    '}) {}',
  ]);
  write('library/admin.ts', [
    "import { site } from 'trove/admin';",
    "import { Book, Loan } from './models.ts';",
    "site.register(Book, { listDisplay: ['title', 'author__name'], searchFields: ['title'] });",
    // After renaming borrower to borrowedBy: a 500 on the list page, found here instead.
    `site.register(Loan, { listDisplay: [${mistakes ? "'borrower'" : "'borrowedBy'"}, 'due'], listFilter: ['due'], dateHierarchy: 'due' });`,
  ]);
  write('urls.ts', [
    `import { path, include } from ${trovePath('web/index.ts')};`,
    `import { site } from ${trovePath('admin/index.ts')};`,
    "import './library/admin.ts';",
    'const home = () => new Response("home");',
    'export const urls = [',
    "  path('', home, { name: 'home' }),",
    mistakes ? "  path('about/', home, { name: 'home' })," : "  path('about/', home, { name: 'about' }),",
    "  path('admin/', include(site.urls)),",
    '];',
  ]);
}

test('a clean project has no issues', async () => {
  library(false);
  const result = await run('check');
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /System check identified no issues \(0 silenced\)\./);
});

test('each mistake is named with its id, object and hint, and the check fails', async () => {
  library(true);
  const result = await run('check');
  assert.equal(result.code, 1, result.stderr);
  const report = result.stderr;
  assert.match(report, /^SystemCheckError: System check identified some issues:/m);
  assert.match(report, /ERRORS:\n/);
  assert.match(report, /library\.Loan\.book: \(fields\.E300\) Field defines a relation with model 'library\.Bok', which is not defined\.\n\tHINT: Did you mean 'library\.Book'\?/);
  assert.match(report, /library\.Book\.editor: \(fields\.E304\) Reverse accessor 'Author\.books' for 'library\.Book\.editor' clashes with reverse accessor for 'library\.Book\.author'\./);
  assert.match(report, /library\.Book: \(models\.E015\) 'ordering' refers to '-titel', which is not a field or a path of library\.Book\.\n\tHINT: Did you mean 'title'\?/);
  assert.match(report, /admin library\.Loan: \(admin\.E108\) The value of 'listDisplay\[0\]' refers to 'borrower', which is not a field of 'library\.Loan' or a path through its foreign keys\.\n\tHINT: Did you mean 'borrowedBy'\?/);
  assert.match(report, /WARNINGS:\nurls: \(urls\.W005\) URL name 'home' is given to '' and 'about\/'/);
  assert.match(report, /System check identified 5 issues \(0 silenced\)\./);
});

test('--tag, --fail-level and --list-tags choose what is checked and what fails', async () => {
  library(true);
  const urls = await run('check', '--tag', 'urls');
  assert.equal(urls.code, 0, 'a warning alone does not fail');
  assert.match(urls.stdout, /urls\.W005/);
  assert.doesNotMatch(urls.stdout, /E108|E300/);
  assert.equal((await run('check', '--tag', 'urls', '--fail-level', 'warning')).code, 1);
  const tags = await run('check', '--list-tags');
  assert.deepEqual(tags.stdout.trim().split('\n'), ['admin', 'migrations', 'models', 'security', 'trash', 'urls']);
  const unknown = await run('check', '--tag', 'nope');
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /no system check with the tag 'nope'/);
  const deploy = await run('check', '--deploy', '--tag', 'security');
  assert.match(deploy.stdout, /security\.W009[\s\S]*security\.W018[\s\S]*security\.W020/);
});

test("the config's silencedChecks leave a check out and count it", async () => {
  library(true);
  const quiet = makeProject({ apps: "['./library/models.ts']", urls: "async () => (await import('./urls.ts')).urls", silencedChecks: "['urls.W005']" });
  try {
    for (const file of ['library/models.ts', 'library/admin.ts', 'urls.ts']) {
      mkdirSync(join(quiet.dir, file, '..'), { recursive: true });
      writeFileSync(join(quiet.dir, file), readFileSync(join(project.dir, file)));
    }
    const result = await trove(['check', '--tag', 'urls'], { cwd: quiet.dir });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /System check identified no issues \(1 silenced\)\./);
  } finally {
    quiet.cleanup();
  }
});

test('runserver, migrate, makemigrations and test refuse to start on errors; --skip-checks starts anyway', async () => {
  library(true);
  for (const command of [['runserver', '--noreload', '0'], ['migrate'], ['makemigrations', 'library'], ['test']]) {
    const result = await run(...command);
    assert.equal(result.code, 1, `${command[0]}: ${result.stdout}`);
    assert.match(result.stderr, new RegExp(`trove ${command[0]}: SystemCheckError[\\s\\S]*fields\\.E300[\\s\\S]*--skip-checks`), command[0]);
    assert.doesNotMatch(result.stdout, /serving|Applying|Migrations for/, `${command[0]} did nothing`);
  }
  const skipped = await run('migrate', '--skip-checks');
  assert.doesNotMatch(skipped.stderr, /SystemCheckError/);
});

test('warnings are printed and the command goes on', async () => {
  library(false);
  write('urls.ts', [
    `import { path } from ${trovePath('web/index.ts')};`,
    "import './library/admin.ts';",
    'const home = () => new Response("home");',
    "export const urls = [path('', home, { name: 'home' }), path('', home, { name: 'home2' })];",
  ]);
  const result = await run('migrate');
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stderr, /urls\.W010\) URL pattern '' is given twice/);
});

test('a mistake that stops the project loading names the file, the line and the code', async () => {
  library(false);
  const models = join(project.dir, 'library/models.ts');
  const good = readFileSync(models, 'utf8');
  try {
    writeFileSync(models, good.replace('title: f.char(', 'title: f.chr('));
    const typo = await run('check');
    assert.equal(typo.code, 1);
    assert.match(typo.stderr, /failed to load: TypeError: f\.chr is not a function\n {2}at library\/models\.ts:4:\d+\n {2}4 \| {3}title: f\.chr\(\{ maxLength: 200 \}\),\n {4}\| +\^/);
    writeFileSync(models, good.replace('CASCADE, SET_NULL }', 'CASCAD, SET_NULL }'));
    const missing = await run('migrate');
    assert.match(missing.stderr, /does not provide an export named 'CASCAD'\n {2}at library\/models\.ts:1\n {2}1 \| import \{ model, fields as f, CASCAD, SET_NULL \} from 'trove';/);
  } finally {
    writeFileSync(models, good);
  }
});

test('migrations that branched are reported by check and showmigrations', async () => {
  library(false);
  const made = await run('makemigrations', 'library');
  assert.equal(made.code, 0, made.stderr);
  const folder = join(project.dir, 'library', 'migrations');
  const first = readdirSync(folder).find((name) => name.startsWith('0001_'))!.replace(/\.ts$/, '');
  for (const name of ['0002_a', '0002_b']) {
    writeFileSync(join(folder, `${name}.ts`), `export const dependencies = [['library', '${first}']];\nexport const operations = [];\n`);
  }
  const shown = await run('showmigrations', 'library');
  assert.equal(shown.code, 1, shown.stderr);
  assert.match(shown.stdout, /\[ \] 0002_a {2}<- conflict[\s\S]*\[ \] 0002_b {2}<- conflict/);
  assert.match(shown.stderr, /Conflicting migrations in app 'library': 0002_a and 0002_b[\s\S]*makemigrations --merge/);
  const checked = await run('check');
  assert.equal(checked.code, 1);
  assert.match(checked.stderr, /library: \(migrations\.E001\) Conflicting migrations in app 'library': 0002_a and 0002_b both follow the same one\.\n\tHINT: Run 'trove makemigrations --merge'/);
  const merged = await run('makemigrations', '--merge');
  assert.equal(merged.code, 0, merged.stderr);
  assert.equal((await run('check')).code, 0);
});

test("a project's own checks run under any of their tags, and --deploy ones only with --deploy", async () => {
  library(false);
  const models = join(project.dir, 'library/models.ts');
  const good = readFileSync(models, 'utf8');
  try {
    writeFileSync(models, `${good}
import { checkWarning, registerCheck } from 'trove';
registerCheck(() => [checkWarning('library.W001', 'Loans have no due-date reminder.')], { tags: ['library', 'loans'] });
registerCheck(() => [checkWarning('library.W002', 'SMTP_HOST is not set.', { object: 'settings' })], { tags: ['library'], deploy: true });
`);
    const tagged = await run('check', '--tag', 'loans');
    assert.equal(tagged.code, 0, tagged.stderr);
    assert.match(tagged.stdout, /\?: \(library\.W001\) Loans have no due-date reminder\./);
    assert.doesNotMatch(tagged.stdout, /W002/);
    assert.match((await run('check', '--list-tags')).stdout, /^library$[\s\S]*^loans$/m);
    const deploy = await run('check', '--deploy', '--tag', 'library');
    assert.match(deploy.stdout, /library\.W001[\s\S]*settings: \(library\.W002\) SMTP_HOST is not set\./);
  } finally {
    writeFileSync(models, good);
  }
});

test("an app's admin.ts that nothing imports is found, checked and registered (Django's autodiscover)", async () => {
  library(false);
  // urls.ts mounts the admin but does not import the app's admin module.
  write('urls.ts', [
    `import { path, include } from ${trovePath('web/index.ts')};`,
    `import { site } from ${trovePath('admin/index.ts')};`,
    "export const urls = [path('admin/', include(site.urls))];",
  ]);
  const admin = join(project.dir, 'library/admin.ts');
  const good = readFileSync(admin, 'utf8');
  try {
    writeFileSync(admin, good.replace("listDisplay: ['borrowedBy', 'due']", "listDisplay: ['borrower', 'due']"));
    const checked = await run('check');
    assert.equal(checked.code, 1, checked.stdout);
    assert.match(checked.stderr, /admin library\.Loan: \(admin\.E108\) The value of 'listDisplay\[0\]' refers to 'borrower'/);
    // Registered, not only checked: the shell's admin site lists the app's models.
    writeFileSync(admin, good);
    const shell = await trove(['shell'], { cwd: project.dir, input: `const { AdminSite } = await import(${trovePath('admin/index.ts')});\nconsole.log('registered:', AdminSite.all().flatMap((s) => s.modelAdmins().map((a) => a.meta.label)).filter((l) => l.startsWith('library.')).sort().join(' '));\n` });
    assert.equal(shell.code, 0, shell.stderr);
    assert.match(shell.stdout, /registered: library\.Book library\.Loan/);
    writeFileSync(admin, `${good}throw new Error('admin module broke');\n`);
    const broken = await run('check');
    assert.equal(broken.code, 1);
    assert.match(broken.stderr, /the admin module library\/admin\.ts failed to load: admin module broke\n {2}at library\/admin\.ts:5:7\n {2}5 \| throw new Error/);
  } finally {
    writeFileSync(admin, good);
  }
});

test('check --deploy: the HTTPS settings (security.W004, W005, W008, W012, W021), each gone once set', async () => {
  library(false);
  const ids = (text: string) => [...text.matchAll(/settings: \((security\.W\d+)\)/g)].map((m) => m[1]).sort();
  const bare = await run('check', '--deploy', '--tag', 'security');
  assert.deepEqual(ids(bare.stdout), ['security.W004', 'security.W008', 'security.W009', 'security.W012', 'security.W018', 'security.W020']);
  assert.match(bare.stdout, /\(security\.W004\) You have not set a value for the secureHstsSeconds setting\./);
  const settings = { apps: "['./library/models.ts']", debug: 'false', allowedHosts: "['library.example']", secureSslRedirect: 'true', sessionCookieSecure: 'true' };
  const partly = makeProject({ ...settings, secureHstsSeconds: '3600' });
  const fully = makeProject({ ...settings, secureHstsSeconds: '3600', secureHstsIncludeSubdomains: 'true', secureHstsPreload: 'true', secureProxyHeader: "['x-forwarded-proto', 'https']" });
  const wrong = makeProject({ secureHstsSeconds: "'an hour'" });
  try {
    for (const p of [partly, fully]) {
      mkdirSync(join(p.dir, 'library'), { recursive: true });
      writeFileSync(join(p.dir, 'library/models.ts'), readFileSync(join(project.dir, 'library/models.ts')));
    }
    const key = 'k'.repeat(20) + 'eyq7ZbP2xLw9sT4nRv8uJc3mHa6dGf1';
    const part = await trove(['check', '--deploy', '--tag', 'security'], { cwd: partly.dir, env: { TROVE_SECRET_KEY: key } });
    assert.deepEqual(ids(part.stdout), ['security.W005', 'security.W021'], part.stdout + part.stderr);
    const full = await trove(['check', '--deploy', '--tag', 'security'], { cwd: fully.dir, env: { TROVE_SECRET_KEY: key } });
    assert.equal(full.code, 0, full.stderr);
    assert.match(full.stdout, /System check identified no issues/);
    const refused = await trove(['check'], { cwd: wrong.dir });
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /setting 'secureHstsSeconds' in .* must be a whole number of seconds/);
  } finally {
    for (const p of [partly, fully, wrong]) p.cleanup();
  }
});
