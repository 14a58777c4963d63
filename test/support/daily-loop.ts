/**
 * The daily loop of a Django developer, as one user goes through it in a project that
 * `trove startproject` made from the installed tarball (test/package.test.ts runs it there, after
 * its own look at the new project, with the superuser it made): `startapp library`, the models,
 * the admin, a form view and a delete view; the mistakes everyone makes (a rename the admin
 * still names, a misspelt relation, a typo in a models file), each seen as the user sees it and
 * fixed; makemigrations, migrate, check and the project's tests; then runserver, used over HTTP
 * as a browser would (an author added in the admin, a book through the form view, seen in the
 * admin's list, deleted and brought back with Undo, each request in the log), edited while it
 * runs (files replaced by a rename, as editors save them; a mistake that is a 500 with its
 * traceback on the console; a new file imported), and the form in Chromium with axe.
 *
 * Every command is a process (`npx trove …`, `npx tsc`, `npm test`), as the user types it.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { accessibilityProblems, browserSkip, launchChromium } from './browser.ts';
import { attempt, CookieJar, csrfTokenOf, runserver, sh, type Finished } from './installed-package.ts';
import { PATIENCE_MS } from './patience.ts';

/** A superuser of the project, as `trove createsuperuser` made it. */
export interface Superuser {
  readonly username: string;
  readonly password: string;
}

/** library/models.ts as the user writes it; `published` is the field they rename later. */
function modelsSource({ published = 'published', loanTarget = "'library.Book'", char = 'char' } = {}): string {
  return `/** The library: authors, their books (tagged, kept in a trash when deleted) and the loans of them. */
import { CASCADE, PROTECT, fields as f, model } from 'trove';

export class Author extends model('library.Author', {
  name: f.${char}({ maxLength: 100 }),
}) {
  override toString(): string {
    return this.name;
  }
}

export class Tag extends model('library.Tag', {
  name: f.char({ maxLength: 40, unique: true }),
}) {
  override toString(): string {
    return this.name;
  }
}

export class Book extends model('library.Book', {
  title: f.char({ maxLength: 200 }),
  author: f.foreignKey(() => Author, { onDelete: CASCADE, relatedName: 'books' }),
  tags: f.manyToMany(() => Tag, { relatedName: 'books', blank: true }),
  ${published}: f.date({ null: true, blank: true, helpText: 'The day of the first edition.' }),
}, { ordering: ['title'], softDelete: true }) {
  override toString(): string {
    return this.title;
  }
}

export class Loan extends model('library.Loan', {
  book: f.foreignKey(${loanTarget}, { onDelete: PROTECT, relatedName: 'loans' }),
  borrower: f.char({ maxLength: 100 }),
  due: f.date(),
}) {}
`;
}

function adminSource(published = 'published'): string {
  return `/** The library in the admin: the books, with their authors and when they came out. */
import { site } from 'trove/admin';
import { Author, Book } from './models.ts';

site.register(Author, { searchFields: ['name'] });
site.register(Book, {
  listDisplay: ['title', 'author', '${published}'],
  listFilter: ['author'],
  searchFields: ['title', 'author__name'],
});
`;
}

/**
 * library/views.tsx: the list (its heading and order are what the user changes while the server
 * runs), a form view and a delete view.
 */
function viewsSource(heading: string, { extraImport = '', order = "'title'" } = {}): string {
  return `/** The library's pages: the books, a form to add one, and a delete with its confirmation and Undo. */
import { CreateView, DeleteView, Layout, render, reverse, type ViewRequest } from 'trove/web';
import { Book } from './models.ts';
${extraImport}
export async function bookList(request: ViewRequest) {
  const books = await Book.objects.selectRelated('author').orderBy(${order});
  return render(request, (
    <Layout title="Library">
      <h1>{${heading}}</h1>
      <p><a href={reverse('book_add')}>Add a book</a></p>
      <ul>
        {books.map((book) => (
          <li>
            {book.title} by {book.author.name} <a href={reverse('book_delete', { id: book.id })}>Delete</a>
          </li>
        ))}
      </ul>
    </Layout>
  ));
}

export const bookAdd = CreateView.for(Book, {
  fields: ['title', 'author', 'tags', 'publishedOn'],
  successUrl: 'book_list',
  successMessage: (book) => \`Added “\${book.title}”.\`,
  loginUrl: '/admin/login/',
});

export const bookDelete = DeleteView.for(Book, { successUrl: 'book_list', loginUrl: '/admin/login/', restoreUrl: 'book_restore' });
`;
}

const URLS = `/** The library's URLs, mounted at /library/ by the project's urls.ts. */
import { path, restoreView } from 'trove/web';
import { bookAdd, bookDelete, bookList } from './views.tsx';

export const urls = [
  path('', bookList, { name: 'book_list' }),
  path('add/', bookAdd, { name: 'book_add' }),
  path('<int:id>/delete/', bookDelete, { name: 'book_delete' }),
  path('restore/<uuid:deletionId>/', restoreView({ successUrl: 'book_list' }), { name: 'book_restore' }),
];
`;

const TEST = `/** The library's tests: the models on a database of their own, and the list page. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { connect, restoreDeletion, type Database } from 'trove';
import { loadProject, migrateProject } from 'trove/config';
import { createApp } from 'trove/web';
import { Author, Book, Tag } from './models.ts';
import { urls } from './urls.ts';

let db: Database;

before(async () => {
  db = await connect('sqlite::memory:');
  await migrateProject(await loadProject({ configPath: fileURLToPath(new URL('../trove.config.ts', import.meta.url)) }), db);
});
after(() => db.close());

test('a deleted book goes to the trash with its tags and comes back whole', async () => {
  const author = await Author.objects.create({ name: 'Ursula K. Le Guin' });
  const book = await Book.objects.create({ title: 'The Dispossessed', author, publishedOn: '1974-05-01' });
  await book.tags.add(await Tag.objects.create({ name: 'utopia' }));
  const { deletionId } = await book.delete();
  assert.equal(await Book.objects.count(), 0);
  await restoreDeletion(deletionId!);
  const back = await Book.objects.get({ id: book.id });
  assert.deepEqual((await back.tags.all()).map(String), ['utopia']);
});

test('the list page shows the books and their authors', async () => {
  const response = await createApp({ urls }).request('/');
  assert.equal(response.status, 200);
  assert.match(await response.text(), /The Dispossessed by Ursula K\\. Le Guin/);
});
`;

/** The 1-based line and column where `needle` first appears in `text`. */
function positionOf(text: string, needle: string): { line: number; column: number } {
  const at = text.indexOf(needle);
  assert.ok(at >= 0, `${needle} is in the text`);
  const before = text.slice(0, at).split('\n');
  return { line: before.length, column: before.at(-1)!.length + 1 };
}

export async function dailyLoop(folder: string, superuser: Superuser, t: TestContext): Promise<void> {
  const file = (name: string) => join(folder, name);
  const read = (name: string) => readFileSync(file(name), 'utf8');
  const write = (name: string, text: string) => writeFileSync(file(name), text);
  const trove = (args: string[]) => attempt('npx', ['--no-install', 'trove', ...args], folder);
  const troveOk = (args: string[]) => sh('npx', ['--no-install', 'trove', ...args], folder);
  const shown = (run: Finished) => `${run.stdout}${run.stderr}`;
  assert.ok(existsSync(file('trove.config.ts')), 'the project startproject made is there');
  // Each step's time in the test's output: the loop is meant to stay cheap.
  let stepStarted = performance.now();
  const stepDone = (step: string) => {
    t.diagnostic(`${step}: ${((performance.now() - stepStarted) / 1000).toFixed(1)} s`);
    stepStarted = performance.now();
  };

  // 1. A new app, wired in as startapp says to, its files made the library (its test too).
  const made = await troveOk(['startapp', 'library', '--model', 'Book']);
  assert.match(made.stdout, /Made the app library in library\/ with the model library\.Book\./);
  assert.ok(!existsSync(file('library/migrations/0001_initial.ts')), 'no migration for the placeholder model');
  const urlsLine = /urls\.ts: (import .*)$/m.exec(made.stdout)?.[1];
  const pathLine = /and add (path\('library\/', include\(library\)\))/.exec(made.stdout)?.[1];
  assert.ok(urlsLine !== undefined && pathLine !== undefined, made.stdout);
  write('trove.config.ts', read('trove.config.ts').replace("apps: ['./notes/models.ts']", "apps: ['./notes/models.ts', './library/models.ts']"));
  write('urls.ts', `${urlsLine}\n${read('urls.ts').replace("  path('admin/',", `  ${pathLine},\n  path('admin/',`)}`);
  write('library/models.ts', modelsSource());
  write('library/admin.ts', adminSource());
  write('library/views.tsx', viewsSource("'Library'"));
  write('library/urls.ts', URLS);
  write('library/library.test.ts', TEST);

  stepDone('startapp and the app\'s files');

  // 2. The mistakes. A field renamed in the model, not in the admin: tsc refuses it, and check
  // names the option and the field that is there now.
  write('library/models.ts', modelsSource({ published: 'publishedOn' }));
  // tsc and check side by side, as in two terminals: the loop's time is mostly theirs.
  const [compiled, renamed] = await Promise.all([attempt('npx', ['--no-install', 'tsc', '--noEmit'], folder), trove(['check'])]);
  assert.notEqual(compiled.code, 0);
  assert.match(compiled.stdout, /library\/admin\.ts\(\d+,\d+\): error TS\d+: .*'"published"'/);
  assert.doesNotMatch(compiled.stdout, /library\/(models|views|urls)\.tsx?\(/, 'the rest of the app compiles');
  assert.equal(renamed.code, 1, shown(renamed));
  assert.match(shown(renamed), /admin library\.Book: \(admin\.E108\) The value of 'listDisplay\[2\]' refers to 'published', which is not a field of 'library\.Book'/);
  assert.match(shown(renamed), /HINT: Did you mean 'publishedOn'\?/);
  write('library/admin.ts', adminSource('publishedOn'));

  stepDone('a renamed field: tsc and check');

  // A relation to a model that is not there.
  write('library/models.ts', modelsSource({ published: 'publishedOn', loanTarget: "'library.Bok'" }));
  const misspelt = await trove(['check']);
  assert.equal(misspelt.code, 1, shown(misspelt));
  assert.match(shown(misspelt), /library\.Loan\.book: \(fields\.E300\) Field defines a relation with model 'library\.Bok', which is not defined\.\n\s*HINT: Did you mean 'library\.Book'\?/);

  stepDone('a misspelt relation: check');

  // A typo that breaks loading the models: where it is, in the user's file.
  const typo = modelsSource({ published: 'publishedOn', char: 'chr' });
  write('library/models.ts', typo);
  const broken = await trove(['check']);
  assert.equal(broken.code, 1, shown(broken));
  const at = positionOf(typo, 'chr('); // V8 points at the name that is not a function
  assert.match(shown(broken), /f\.chr is not a function/);
  assert.match(shown(broken), new RegExp(`library/models\\.ts:${at.line}:${at.column}\\b`), shown(broken));
  write('library/models.ts', modelsSource({ published: 'publishedOn' }));

  stepDone('a typo: check');

  // 3. The tables, a clean check, the tests.
  const migration = await troveOk(['makemigrations']);
  assert.match(migration.stdout, /library\/migrations\/0001_initial\.ts/);
  assert.match((await troveOk(['migrate'])).stdout, /Applied library\.0001_initial/);
  const [checked, tested] = await Promise.all([troveOk(['check']), sh('npm', ['test'], folder)]);
  assert.match(checked.stdout, /System check identified no issues/);
  assert.match(tested.stdout, /# fail 0/);
  assert.match(tested.stdout, /a deleted book goes to the trash with its tags and comes back whole/);

  stepDone('makemigrations, migrate, check, npm test');

  // 4. Serving it: an author added in the admin, a book through the form view, seen in the
  // admin's list, deleted and brought back; each request logged.
  const server = await runserver(folder);
  try {
    const { base } = server;
    const visitor = new CookieJar();
    const anonymous = await visitor.fetch(`${base}/library/add/`);
    assert.equal(anonymous.status, 302);
    assert.equal(anonymous.headers.get('location'), '/admin/login/?next=%2Flibrary%2Fadd%2F');
    const loginPage = await visitor.fetch(`${base}/admin/login/?next=/library/add/`);
    const loggedIn = await visitor.post(`${base}/admin/login/`, { csrfmiddlewaretoken: csrfTokenOf(await loginPage.text()), username: superuser.username, password: superuser.password, next: '/library/add/' });
    assert.equal(loggedIn.status, 302);
    assert.equal(loggedIn.headers.get('location'), '/library/add/');

    const authorForm = await visitor.fetch(`${base}/admin/library/author/add/`);
    assert.equal(authorForm.status, 200);
    const authorAdded = await visitor.post(`${base}/admin/library/author/add/`, { csrfmiddlewaretoken: csrfTokenOf(await authorForm.text()), name: 'Ursula K. Le Guin', _save: 'Save' });
    assert.equal(authorAdded.status, 302, await authorAdded.clone().text());

    const form = await visitor.fetch(`${base}/library/add/`);
    assert.equal(form.status, 200);
    const formHtml = await form.text();
    const authorId = /<option value="(\d+)"[^>]*>Ursula K\. Le Guin<\/option>/.exec(formHtml)?.[1];
    assert.ok(authorId, `the author is offered:\n${formHtml}`);
    const invalid = await visitor.post(`${base}/library/add/`, { csrfmiddlewaretoken: csrfTokenOf(formHtml), title: '', author: authorId, publishedOn: '1974-02-30' });
    assert.equal(invalid.status, 200, 'an invalid form comes back');
    const invalidHtml = await invalid.text();
    assert.match(invalidHtml, /aria-invalid="true"/);
    const added = await visitor.post(`${base}/library/add/`, { csrfmiddlewaretoken: csrfTokenOf(invalidHtml), title: 'The Left Hand of Darkness', author: authorId, publishedOn: '1969-03-01' });
    assert.equal(added.status, 302, await added.clone().text());
    assert.equal(added.headers.get('location'), '/library/');
    const list = await (await visitor.fetch(`${base}/library/`)).text();
    assert.match(list, /Added “The Left Hand of Darkness”\./);
    const bookId = /href="\/library\/(\d+)\/delete\/"/.exec(list)?.[1];
    assert.ok(bookId, list);

    const changelist = await visitor.fetch(`${base}/admin/library/book/`);
    assert.equal(changelist.status, 200);
    const changelistHtml = await changelist.text();
    assert.match(changelistHtml, /The Left Hand of Darkness/);
    assert.match(changelistHtml, /Ursula K\. Le Guin/);

    const confirm = await visitor.fetch(`${base}/library/${bookId}/delete/`);
    assert.equal(confirm.status, 200);
    const confirmHtml = await confirm.text();
    assert.match(confirmHtml, /move the book “The Left Hand of Darkness” to the trash/);
    const deleted = await visitor.post(`${base}/library/${bookId}/delete/`, { csrfmiddlewaretoken: csrfTokenOf(confirmHtml) });
    assert.equal(deleted.status, 302);
    const afterDelete = await (await visitor.fetch(`${base}/library/`)).text();
    assert.match(afterDelete, /The book “The Left Hand of Darkness” was moved to the trash\./);
    assert.doesNotMatch(afterDelete, /<li>The Left Hand/);
    assert.doesNotMatch(await (await visitor.fetch(`${base}/admin/library/book/`)).text(), /The Left Hand of Darkness/);
    // The message's Undo: a form that posts to the restore view.
    const undo = /<form[^>]*action="([^"]+)"[^>]*>[\s\S]*?Undo/.exec(afterDelete)?.[1];
    assert.ok(undo, afterDelete);
    const restored = await visitor.post(`${base}${undo.replaceAll('&amp;', '&')}`, { csrfmiddlewaretoken: csrfTokenOf(afterDelete) });
    assert.equal(restored.status, 302);
    assert.match(await (await visitor.fetch(`${base}/library/`)).text(), /<li>The Left Hand of Darkness by Ursula K\. Le Guin/);

    for (const line of [`"GET /library/add/ HTTP/1.1" 302`, `"POST /admin/library/author/add/ HTTP/1.1" 302`, `"POST /library/add/ HTTP/1.1" 200`, `"POST /library/add/ HTTP/1.1" 302`, `"GET /admin/library/book/ HTTP/1.1" 200`, `"POST /library/${bookId}/delete/ HTTP/1.1" 302`]) {
      assert.ok(server.output().includes(line), `the request log has ${line}:\n${server.output()}`);
    }

    stepDone('runserver and the visit over HTTP');

    // 5. Editing while it runs. Editors (and sed -i) save by writing a new file and renaming it
    // over the old one: every save is served, not only the first.
    const served = async (path: string, expected: RegExp): Promise<void> => {
      const deadline = Date.now() + PATIENCE_MS;
      let last = '';
      while (Date.now() < deadline) {
        try {
          const response = await visitor.fetch(`${base}${path}`);
          last = `${response.status}\n${await response.text()}`;
          if (expected.test(last)) return;
        } catch {
          // The server is restarting: nothing listens for a moment.
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      assert.fail(`${path} never answered ${expected}; last:\n${last}\nserver:\n${server.output()}`);
    };
    const replaceByRename = (name: string, text: string) => {
      writeFileSync(`${file(name)}.swp`, text);
      renameSync(`${file(name)}.swp`, file(name));
    };
    replaceByRename('library/views.tsx', viewsSource("'Library, second edition'"));
    await served('/library/', /^200\n[\s\S]*<h1>Library, second edition<\/h1>/);
    // The second save, which a watcher of the replaced file would miss, with a misspelt field
    // that tsc would refuse but the server runs: a 500, and its traceback on the console, where
    // the user's own line is named.
    const misspelt = viewsSource("'Library, second edition'", { order: "'-publishedon' as never" });
    replaceByRename('library/views.tsx', misspelt);
    await served('/library/', /^500\n[\s\S]*FieldError/);
    const line = positionOf(misspelt, "orderBy('-publishedon'").line;
    assert.match(server.output(), new RegExp(`Internal Server Error: GET /library/\\n(FieldError|Error): [^\\n]*'publishedon'[\\s\\S]*library/views\\.tsx:${line}:\\d+`), server.output());
    // Fixed, importing a file new to the app, which is then watched too.
    write('library/greeting.ts', "export const greeting = 'Welcome to the library';\n");
    replaceByRename('library/views.tsx', viewsSource('greeting', { extraImport: "import { greeting } from './greeting.ts';\n", order: "'-publishedOn'" }));
    await served('/library/', /^200\n[\s\S]*<h1>Welcome to the library<\/h1>/);
    replaceByRename('library/greeting.ts', "export const greeting = 'Welcome back to the library';\n");
    await served('/library/', /^200\n[\s\S]*<h1>Welcome back to the library<\/h1>/);
    stepDone('the reloader');

    // 6. The form in Chromium: logged in with the keyboard, checked by axe, valid and in error.
    if (browserSkip !== false) {
      t.skip(browserSkip);
      return;
    }
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(`${base}/library/add/`);
      await page.getByLabel('Username').fill(superuser.username);
      await page.getByLabel('Password').fill(superuser.password);
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: 'Add book' }).waitFor();
      assert.deepEqual(await accessibilityProblems(page), []);
      await page.getByLabel(/Title/).fill('The Lathe of Heaven');
      await page.getByRole('button', { name: /Save/ }).click();
      await page.getByRole('alert').waitFor();
      assert.deepEqual(await accessibilityProblems(page), [], 'the form in error');
      // TROVE_SCREENSHOTS=folder keeps a picture of it, to look at.
      const screenshots = process.env.TROVE_SCREENSHOTS;
      if (screenshots !== undefined) await page.screenshot({ path: join(screenshots, 'daily-loop-form.png'), fullPage: true });
      await page.emulateMedia({ colorScheme: 'dark' });
      assert.deepEqual(await accessibilityProblems(page), [], 'the form in error, in the dark scheme');
      if (screenshots !== undefined) await page.screenshot({ path: join(screenshots, 'daily-loop-form-dark.png'), fullPage: true });
      await page.emulateMedia({ colorScheme: 'light' });
      await page.getByLabel(/Author/).selectOption({ label: 'Ursula K. Le Guin' });
      await page.getByRole('button', { name: /Save/ }).click();
      await page.waitForURL(`${base}/library/`);
      assert.match(await page.getByRole('status').textContent() ?? '', /Added “The Lathe of Heaven”\./);
      assert.match(await page.textContent('main') ?? '', /The Lathe of Heaven by Ursula K\. Le Guin/);
      stepDone('Chromium');
    } finally {
      await browser.close();
    }
  } finally {
    await server.stop();
  }
}
