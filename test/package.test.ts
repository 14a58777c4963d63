// @backends: sqlite-only
// @timeout: 20m (npm pack, npm install, tsc, a server and Chromium: over 4 minutes on a busy 2-core machine)
// @slow
/**
 * Trove as a user gets it: `npm pack`, the tarball installed into a fresh folder outside this
 * repository, `npx trove startproject`, then the new project type-checked, migrated, tested and
 * served over HTTP, and its pages used in Chromium with the keyboard (axe-core checking them);
 * then the daily loop in that project (support/daily-loop.ts: an app, its mistakes, its
 * migrations and tests, a form view, the reloader); the package imported from plain
 * JavaScript, refused to `require()` in one line, and type-checked under the `tsc --init`
 * defaults with each moduleResolution a user may pick.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { chromium, type Page } from 'playwright-core';
import { dailyLoop } from './support/daily-loop.ts';
import { freePort, sh, waitFor } from './support/installed-package.ts';

const root = new URL('..', import.meta.url).pathname;
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string; devDependencies: Record<string, string> };
const folder = mkdtempSync(join(tmpdir(), 'trove-package-'));
const npm = (args: string[], cwd = folder) => sh('npm', [...args, '--no-audit', '--no-fund', '--prefer-offline'], cwd);
const npx = (args: string[], env: Record<string, string> = {}) => sh('npx', ['--no-install', ...args], folder, env);
let tarball = '';
const CHROMIUM = process.env.TROVE_CHROMIUM ?? '/usr/bin/chromium';
const browserSkipped = !existsSync(CHROMIUM) && process.env.TROVE_REQUIRE_BROWSER !== '1';

const SUPERUSER = { username: 'admin', password: 'a long enough password' };

/**
 * `npm install` as a user's, but for one step: better-sqlite3 finds no prebuilt binary to fetch
 * here (npm's registry is all there is), so its install script would compile SQLite from
 * source, a minute and a half of both cores on every run. Scripts are held back, the binary this
 * repository built for the same version is put in its place, and the other install scripts run.
 */
async function installWithoutCompiling(spec: string): Promise<void> {
  await npm(['install', spec, '--ignore-scripts']);
  const ours = join(root, 'node_modules', 'better-sqlite3');
  const theirs = join(folder, 'node_modules', 'better-sqlite3');
  const version = (dir: string) => (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
  const same = version(ours) === version(theirs);
  if (same) cpSync(join(ours, 'build'), join(theirs, 'build'), { recursive: true });
  // The other install scripts (esbuild's); all of them, compiling included, if the versions differ.
  await npm(['rebuild', ...(same ? ['esbuild'] : [])]);
}

before(async () => {
  // `npm pack` builds first (prepack), so the tarball holds what `npm run build` makes.
  const { stdout } = await sh('npm', ['pack', '--pack-destination', folder], root);
  tarball = stdout.trim().split('\n').at(-1) ?? '';
  assert.match(tarball, /^trove-\d+\.\d+\.\d+\.tgz$/);
  await installWithoutCompiling(`./${tarball}`);
});
after(() => rmSync(folder, { recursive: true, force: true }));

test('the tarball ships the compiled package and the sources its maps point at, not the tests', async () => {
  const { stdout } = await sh('tar', ['-tzf', join(folder, tarball)], folder);
  const files = stdout.trim().split('\n').map((f) => f.replace(/^package\//, ''));
  assert.ok(files.includes('dist/index.js') && files.includes('dist/index.d.ts') && files.includes('dist/index.js.map') && files.includes('dist/index.d.ts.map'));
  assert.ok(files.includes('bin/trove.js') && files.includes('README.md') && files.includes('package.json'));
  assert.ok(files.includes('src/index.ts') && files.includes('src/orm/query/queryset.ts'), 'the sources the maps name');
  assert.deepEqual(files.filter((f) => /^(test|bench|examples|scripts)\/|^tsconfig/.test(f)), []);
  // Every source a map names is in the package.
  const maps = files.filter((f) => f.endsWith('.map'));
  for (const map of maps) {
    const { sources } = JSON.parse(readFileSync(join(folder, 'node_modules/trove', map), 'utf8')) as { sources: string[] };
    for (const source of sources) assert.ok(existsSync(join(folder, 'node_modules/trove', dirname(map), source)), `${map} names ${source}`);
  }
  assert.deepEqual(files.filter((f) => f.endsWith('.d.ts') && /from '\.[^']*\.ts'/.test(readFileSync(join(folder, 'node_modules/trove', f), 'utf8'))), [], 'declarations import .js');
});

/** The frames of `stack` in the installed Trove; each must name a file that is there, at a line it has. */
function assertFramesExist(stack: string): string[] {
  const frames = [...stack.matchAll(/(?:file:\/\/)?(\/[^\s()]*node_modules\/trove\/[^\s():]+):(\d+):\d+/g)];
  assert.ok(frames.length > 0, `no frame in the installed Trove:\n${stack}`);
  for (const [, file, line] of frames) {
    assert.ok(existsSync(file!), `the stack names ${file}, which the package does not ship:\n${stack}`);
    assert.ok(readFileSync(file!, 'utf8').split('\n').length >= Number(line), `${file} has no line ${line}`);
  }
  return frames.map(([, file]) => file!);
}

test("an error's stack trace through Trove names files the package ships (TypeScript, with source maps on)", async () => {
  writeFileSync(join(folder, 'fails.ts'), `
import { connect, model, fields as f } from 'trove';
const Thing = model('stack.Thing', { name: f.char({ maxLength: 20 }) });
const db = await connect('sqlite::memory:');
await db.createTables();
try {
  await Thing.objects.filter({ name__nope: 'x' }).count();
} catch (error) {
  console.log((error as Error).stack);
}
await db.close();
`);
  const mapped = await sh('node', ['--import', 'trove/register', 'fails.ts'], folder);
  assert.ok(assertFramesExist(mapped.stdout).some((file) => /\/node_modules\/trove\/src\/.*\.ts$/.test(file)), mapped.stdout);
  // Without source maps, the compiled files: there too.
  writeFileSync(join(folder, 'fails.mjs'), readFileSync(join(folder, 'fails.ts'), 'utf8').replace('(error as Error)', 'error'));
  const plain = await sh('node', ['fails.mjs'], folder);
  assert.ok(assertFramesExist(plain.stdout).every((file) => /\/node_modules\/trove\/dist\/.*\.js$/.test(file)), plain.stdout);
  rmSync(join(folder, 'fails.ts'));
  rmSync(join(folder, 'fails.mjs'));
});

test('plain JavaScript imports trove; require() is refused in one line', async () => {
  writeFileSync(join(folder, 'soft.mjs'), `
import { connect, model, fields as f, restoreDeletion } from 'trove';
import { createApp, path } from 'trove/web';
import { site } from 'trove/admin';
import { User } from 'trove/auth';
import { defineConfig } from 'trove/config';
const Note = model('plain.Note', { title: f.char({ maxLength: 50 }) }, { softDelete: true });
const db = await connect('sqlite::memory:');
await db.createTables();
const note = await Note.objects.create({ title: 'from .mjs' });
const { deletionId } = await note.delete();
const afterDelete = await Note.objects.count();
await restoreDeletion(deletionId);
const app = createApp({ urls: [path('', () => new Response('hi'))] });
console.log(JSON.stringify({ afterDelete, restored: (await Note.objects.get({ id: note.id })).title, page: await (await app.request('/')).text(), site: typeof site.register, user: typeof User, config: typeof defineConfig }));
await db.close();
`);
  const { stdout } = await sh('node', ['soft.mjs'], folder);
  assert.deepEqual(JSON.parse(stdout), { afterDelete: 0, restored: 'from .mjs', page: 'hi', site: 'function', user: 'function', config: 'function' });

  writeFileSync(join(folder, 'old.cjs'), "require('trove');\n");
  await assert.rejects(sh('node', ['old.cjs'], folder), (error: Error) => {
    const message = error.message.split('\n').find((line) => line.startsWith('Error: '));
    assert.equal(message, 'Error: trove is an ES module package: use `import` from an ES module ("type": "module" in package.json, or a .mjs file), not require().');
    return true;
  });
});

test('node --import trove/register runs TypeScript and TSX, finding x.ts for ./x.js as tsc does', async () => {
  const scripts = join(folder, 'scripts');
  mkdirSync(scripts);
  writeFileSync(join(scripts, 'greeting.tsx'), "export const Greeting = ({ name }: { name: string }) => <p>Hello, {name}</p>;\n");
  writeFileSync(join(scripts, 'count.ts'), `
import { connect, model, fields as f } from 'trove';
import { Greeting } from './greeting.js';
const Item = model('scripts.Item', { name: f.char({ maxLength: 20 }) });
const db = await connect('sqlite::memory:');
await db.createTables();
const made: number = (await Item.objects.bulkCreate([{ name: 'a' }, { name: 'b' }])).length;
console.log(made, String(Greeting({ name: 'TypeScript' })));
await db.close();
`);
  const { stdout } = await sh('node', ['--import', 'trove/register', 'scripts/count.ts'], folder);
  assert.equal(stdout, '2 <p>Hello, TypeScript</p>\n');
  // A mistake in such a file points at its own line.
  writeFileSync(join(scripts, 'fails.ts'), "const n: number = 1;\nthrow new Error(`failed at ${n}`);\n");
  await assert.rejects(sh('node', ['--import', 'trove/register', 'scripts/fails.ts'], folder), /scripts\/fails\.ts:2/);

  // The README's tour, as its text says to run it in a project.
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const tour = /<!-- tour:start -->\s*```ts\n([\s\S]*?)```\s*<!-- tour:end -->/.exec(readme)?.[1];
  assert.ok(tour);
  assert.match(readme, /run it with `node --import trove\/register tour\.ts`/);
  writeFileSync(join(scripts, 'tour.ts'), tour);
  const toured = await sh('node', ['--import', 'trove/register', 'scripts/tour.ts'], folder);
  assert.deepEqual(toured.stdout.split('\n').slice(0, 2), ['1', "[ 'Notes', 'Hello' ]"]);
  rmSync(scripts, { recursive: true }); // not part of the project made below
});

test('the tsc --init defaults type-check code using trove, whichever moduleResolution', async () => {
  const plain = join(folder, 'plain');
  mkdirSync(plain);
  writeFileSync(join(plain, 'package.json'), '{ "type": "module" }\n');
  await npm(['install', `typescript@${manifest.devDependencies.typescript}`]);
  const tsc = join(folder, 'node_modules/typescript/bin/tsc');
  await sh('node', [tsc, '--init'], plain);
  // A project's exported models, URLs and admin: declarations (on in tsc --init) must name their types.
  writeFileSync(join(plain, 'app.ts'), `
import { model, fields as f, CASCADE, Q } from 'trove';
import { path, include, DeleteView, type ViewRequest } from 'trove/web';
import { site } from 'trove/admin';
import { defineConfig } from 'trove/config';
export class Author extends model('shop.Author', { name: f.char({ maxLength: 100 }) }) {}
export class Book extends model('shop.Book', {
  title: f.char({ maxLength: 100 }),
  author: f.foreignKey(() => Author, { onDelete: CASCADE }),
  published: f.date({ null: true }),
}, { softDelete: true }) {}
// Relations given by label or 'self': their types are named by the package's entry point too.
export class Shelf extends model('shop.Shelf', {
  parent: f.foreignKey('self', { onDelete: CASCADE, null: true }),
  owner: f.oneToOne('shop.Author', { onDelete: CASCADE }),
  books: f.manyToMany('shop.Book', { relatedName: 'shelves' }),
}) {}
export const recent = Book.objects.filter(Q({ title__icontains: 'a' })).orderBy('-published');
export async function count(_request: ViewRequest) { return new Response(String(await recent.count())); }
export const urls = [path('', count), path('<int:id>/delete/', DeleteView.for(Book, { successUrl: '/' })), path('admin/', include(site.urls))];
export default defineConfig({ apps: ['./app.ts'], urls });
const book = await Book.objects.get({ id: 1 });
export const title: string = book.title;
// @ts-expect-error a misspelt field is a compile error, so the types are real
Book.objects.filter({ titel: 'x' });
`);
  for (const flags of [[], ['--module', 'preserve', '--moduleResolution', 'bundler'], ['--module', 'node16', '--moduleResolution', 'node16']]) {
    await sh('node', [tsc, '--noEmit', '-p', '.', ...flags], plain);
  }
});

test('startproject makes a project that type-checks, migrates, passes its test and serves /admin/', async (t) => {
  const made = await npx(['trove', 'startproject', 'mysite', '.']);
  assert.match(made.stdout, /Made the project mysite here, with the app notes\. package\.json: merged\./);
  const pkg = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as { type: string; scripts: Record<string, string>; dependencies: Record<string, string> };
  assert.equal(pkg.type, 'module');
  assert.equal(pkg.dependencies.trove, `file:${tarball}`, 'the tarball it was installed from is kept');
  assert.deepEqual(Object.keys(pkg.scripts).sort(), ['dev', 'makemigrations', 'migrate', 'serve', 'shell', 'test']);
  await npm(['install']);

  // Its tsconfig is what `tsc --init` writes today plus Trove's lines, and says so.
  const written = compilerOptions(readFileSync(join(folder, 'tsconfig.json'), 'utf8'));
  const init = compilerOptions(readFileSync(join(folder, 'plain', 'tsconfig.json'), 'utf8'));
  for (const [option, value] of Object.entries(init)) {
    if (option !== 'types') assert.deepEqual(written[option], value, `tsconfig.json keeps tsc --init's ${option}`);
  }
  assert.deepEqual(written.types, ['node']);
  assert.deepEqual(Object.keys(written).filter((o) => !(o in init)).sort(), ['allowImportingTsExtensions', 'jsxImportSource', 'noEmit']);

  await npx(['tsc', '--noEmit']);
  const migrated = await npx(['trove', 'migrate']);
  assert.match(migrated.stdout, /Applied notes\.0001_initial/);
  assert.match((await npx(['trove', 'makemigrations', '--check'])).stdout, /No changes detected/, 'the first migration matches the models');
  await npx(['trove', 'createsuperuser', '--no-input', '--username', SUPERUSER.username, '--email', 'admin@example.com'], { TROVE_SUPERUSER_PASSWORD: SUPERUSER.password });
  const tested = await npm(['test']);
  assert.match(tested.stdout, /# pass 2\n# fail 0/);

  const port = await freePort();
  const server = spawn('npx', ['--no-install', 'trove', 'runserver', String(port)], { cwd: folder, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    await waitFor(server, /Trove is serving/);
    const base = `http://127.0.0.1:${port}`;
    const anonymous = await fetch(`${base}/admin/`, { redirect: 'manual' });
    assert.equal(anonymous.status, 302);
    assert.match(anonymous.headers.get('location') ?? '', /^\/admin\/login\//);

    const loginPage = await fetch(`${base}/admin/login/`);
    const cookies = new Map(loginPage.headers.getSetCookie().map((c) => c.split(';')[0]!.split('=') as [string, string]));
    const token = /name="csrfmiddlewaretoken" value="([^"]+)"/.exec(await loginPage.text())?.[1];
    assert.ok(token, 'the login form carries a CSRF token');
    const cookie = () => [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const login = await fetch(`${base}/admin/login/`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: cookie(), 'content-type': 'application/x-www-form-urlencoded', origin: base },
      body: new URLSearchParams({ csrfmiddlewaretoken: token, username: SUPERUSER.username, password: SUPERUSER.password, next: '/admin/' }),
    });
    assert.equal(login.status, 302, 'the superuser made by createsuperuser logs in');
    for (const c of login.headers.getSetCookie()) {
      const [k, v] = c.split(';')[0]!.split('=') as [string, string];
      cookies.set(k, v);
    }
    const index = await fetch(`${base}/admin/`, { headers: { cookie: cookie() } });
    assert.equal(index.status, 200);
    const indexHtml = await index.text();
    assert.match(indexHtml, /Notes/);
    // The admin's own files come with the package.
    const assets = [...indexHtml.matchAll(/(?:href|src)="(\/admin\/static\/[^"]+)"/g)].map((m) => m[1]!);
    assert.ok(assets.some((a) => a.endsWith('.css')), 'the admin links its stylesheet');
    for (const asset of assets) assert.equal((await fetch(`${base}${asset}`)).status, 200, asset);
    const notes = await fetch(`${base}/notes/`);
    assert.equal(notes.status, 200);
    assert.match(await notes.text(), /Nothing here yet/);

    // The shell, piped, as a script; then the pages in a browser, with the keyboard only.
    await shellScript("await Note.objects.create({ title: 'Call the plumber' }); await Note.objects.create({ title: 'Buy milk' });");
    if (browserSkipped) {
      // Reported as a skip, not a pass: the half in the browser did not run.
      t.skip(`no Chromium at ${CHROMIUM}, so the pages were not used in a browser (TROVE_REQUIRE_BROWSER=1 makes that a failure)`);
      return;
    }
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
    try {
      const page = await browser.newPage();
      await page.goto(`${base}/`);
      assert.equal(page.url(), `${base}/notes/`, '/ leads to the app');
      assert.deepEqual(await accessibilityProblems(page), []);
      await page.getByRole('link', { name: 'Delete' }).first().focus();
      await page.keyboard.press('Enter');
      await page.getByLabel('Username').fill(SUPERUSER.username);
      await page.getByLabel('Password').fill(SUPERUSER.password);
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: 'Are you sure?' }).waitFor();
      assert.match(await page.textContent('main') ?? '', /move the note “Buy milk” to the trash/);
      assert.deepEqual(await accessibilityProblems(page), []);
      await page.getByRole('button', { name: /Yes/ }).focus();
      await page.keyboard.press('Enter');
      await page.waitForURL(`${base}/notes/`);
      assert.match(await page.getByRole('status').textContent() ?? '', /“Buy milk” was moved to the trash\.Undo/);
      assert.deepEqual(await page.locator('main li').allTextContents(), ['Call the plumber Delete']);
      assert.deepEqual(await accessibilityProblems(page), []);
      await page.getByRole('button', { name: 'Undo' }).focus();
      await page.keyboard.press('Enter');
      await page.getByRole('status').getByText('Restored 1 object.').waitFor();
      assert.deepEqual(await page.locator('main li').allTextContents(), ['Buy milk Delete', 'Call the plumber Delete']);
    } finally {
      await browser.close();
    }
  } finally {
    process.kill(-server.pid!, 'SIGTERM');
  }
});

// In the project the test above made, with its superuser: what a day of work on it is.
test('the daily loop: an app, its mistakes seen and fixed, migrations, tests, a form view, the reloader, from the tarball', (t) => dailyLoop(folder, SUPERUSER, t));

async function shellScript(script: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const child = spawn('npx', ['--no-install', 'trove', 'shell'], { cwd: folder, stdio: ['pipe', 'inherit', 'inherit'] });
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`trove shell exited with ${code}`))));
    child.stdin.end(script);
  });
}

/**
 * axe-core's serious and critical findings on the page, as `id: selector` lines. Evaluated
 * through the DevTools protocol: the page's Content-Security-Policy refuses inline scripts.
 */
async function accessibilityProblems(page: Page): Promise<string[]> {
  await page.evaluate(readFileSync(join(root, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8'));
  const result = await page.evaluate(() => (globalThis as unknown as { axe: { run(): Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> } }).axe.run());
  return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** The compilerOptions of a tsconfig.json, which may have comments and trailing commas. */
function compilerOptions(text: string): Record<string, unknown> {
  const json = text.replace(/^\s*\/\/.*$/gm, '').replace(/\s\/\/ [^"\n]*$/gm, '').replace(/,(\s*[}\]])/g, '$1');
  return (JSON.parse(json) as { compilerOptions: Record<string, unknown> }).compilerOptions;
}
