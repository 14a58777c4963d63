/**
 * The files of a new app (`trove startapp`, and the first app `trove startproject` writes): a
 * soft-delete model, its admin registration, a list view whose rows link to the generic
 * DeleteView (with Undo), its URL patterns and a first test. Each is a template of the names.
 */
import { fields as f } from '../../orm/index.ts';
import { createModel, migrationSource } from '../../migrations/index.ts';

export interface AppNames {
  /** The app label and folder: `notes`. */
  readonly app: string;
  /** The model's class name: `Note`. */
  readonly model: string;
}

// The names the app's files import or declare beside the model's class.
const TAKEN_NAMES = new Set(['Layout', 'ViewRequest', 'DeleteView', 'Database']);
const CLASS_NAME = /^[A-Z][A-Za-z0-9]*$/;

/** Why `model` cannot name the app's model class, or undefined when it can. */
export function modelNameProblem(model: string): string | undefined {
  if (!CLASS_NAME.test(model)) return `'${model}' is not a model class name: a capital letter, then letters and digits.`;
  if (TAKEN_NAMES.has(model)) return `'${model}' is a name the app's files already import: choose another model name (--model).`;
  return undefined;
}

/** `notes` → `Note`, `blog` → `Blog`: a model name for an app that names none. */
export function modelNameFor(app: string): string {
  const singular = app.length > 3 && app.endsWith('s') && !app.endsWith('ss') ? app.slice(0, -1) : app;
  return singular.split(/[_-]+/).map((part) => part.charAt(0).toUpperCase() + part.slice(1)).join('');
}

/** `note`: the model's name as the views, URL names and variables use it. */
export function instanceName(model: string): string {
  return model.charAt(0).toLowerCase() + model.slice(1);
}

/** The URL name of the app's list page, which the project's `/` redirects to. */
export function listUrlName({ model }: AppNames): string {
  return `${instanceName(model)}_list`;
}

/**
 * The app's files. `firstMigration`: the migration that creates the example model, for a new
 * project that runs at once; `trove startapp` leaves it out (an empty migrations folder
 * instead), so that the model the user writes in place of the example is created, not taken for
 * a rename of it.
 */
export function appFiles({ app, model }: AppNames, options: { firstMigration: boolean }): Record<string, string> {
  const lower = instanceName(model);
  const plural = `${lower}s`;
  const label = `${app}.${model}`;
  return {
    ...(options.firstMigration ? initialMigration({ app, model }) : { [`${app}/migrations/.gitkeep`]: '' }),
    [`${app}/models.ts`]: `/** The ${app} app's models. After changing them: npm run makemigrations && npm run migrate. */
import { model, fields as f } from 'trove';

export class ${model} extends model('${label}', {
  title: f.char({ maxLength: 200 }),
  body: f.text({ blank: true, default: '' }),
  createdAt: f.dateTime({ autoNowAdd: true }),
}, { ordering: ['-createdAt', '-id'], softDelete: true }) {
  override toString(): string {
    return this.title;
  }
}
`,
    [`${app}/admin.ts`]: `/** The ${app} app in the admin (/admin/): what the list shows and how it is searched. */
import { site } from 'trove/admin';
import { ${model} } from './models.ts';

site.register(${model}, {
  listDisplay: ['title', 'createdAt'],
  searchFields: ['title', 'body'],
  dateHierarchy: 'createdAt',
});
`,
    [`${app}/views.tsx`]: `/** The ${app} app's views: functions from a request to a response, as in Django. */
import { Layout, render, reverse, type ViewRequest } from 'trove/web';
import { ${model} } from './models.ts';

export async function ${lower}List(request: ViewRequest) {
  const ${plural} = await ${model}.objects.all();
  return render(request, (
    <Layout title="${capitalised(app)}">
      <h1>${capitalised(app)}</h1>
      {${plural}.length === 0 ? (
        <p>Nothing here yet: add some in the <a href={reverse('admin:index')}>admin</a>.</p>
      ) : (
        <ul>
          {${plural}.map((${lower}) => (
            <li>
              {${lower}.title} <a href={reverse('${lower}_delete', { id: ${lower}.id })}>Delete</a>
            </li>
          ))}
        </ul>
      )}
    </Layout>
  ));
}
`,
    [`${app}/urls.ts`]: `/** The ${app} app's URLs, mounted by the project's urls.ts. */
import { DeleteView, path, restoreView } from 'trove/web';
import { ${model} } from './models.ts';
import { ${lower}List } from './views.tsx';

export const urls = [
  path('', ${lower}List, { name: '${lower}_list' }),
  // Django's generic DeleteView: a confirmation that shows what the delete takes, then an Undo.
  path('<int:id>/delete/', DeleteView.for(${model}, { successUrl: '${lower}_list', loginUrl: '/admin/login/', restoreUrl: '${lower}_restore' }), { name: '${lower}_delete' }),
  path('restore/<uuid:deletionId>/', restoreView({ successUrl: '${lower}_list' }), { name: '${lower}_restore' }),
];
`,
    [`${app}/${app}.test.ts`]: `/** The ${app} app's first tests: \`npm test\` runs every *.test.ts file with Node's test runner. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { connect, restoreDeletion, type Database } from 'trove';
import { loadProject, migrateProject } from 'trove/config';
import { createApp } from 'trove/web';
import { ${model} } from './models.ts';
import { urls } from './urls.ts';

let db: Database;

before(async () => {
  // A database of its own, in memory, made by the project's migrations.
  db = await connect('sqlite::memory:');
  await migrateProject(await loadProject({ configPath: fileURLToPath(new URL('../trove.config.ts', import.meta.url)) }), db);
});
after(() => db.close());

test('a deleted ${lower} goes to the trash and comes back whole', async () => {
  const ${lower} = await ${model}.objects.create({ title: 'First', body: 'Hello' });
  const { deletionId } = await ${lower}.delete({ reason: 'a test' });
  assert.ok(deletionId, 'a soft delete has a deletionId, the undo handle');
  assert.equal(await ${model}.objects.count(), 0);
  assert.equal(await ${model}.deletedObjects.count(), 1);
  await restoreDeletion(deletionId);
  assert.equal((await ${model}.objects.get({ id: ${lower}.id })).body, 'Hello');
});

test('the list page shows the ${plural}', async () => {
  await ${model}.objects.create({ title: 'Shown on the page' });
  const response = await createApp({ urls }).request('/');
  assert.equal(response.status, 200);
  assert.match(await response.text(), /Shown on the page/);
});
`,
  };
}

/**
 * The app's first migration, written by the same writer as makemigrations from the model's
 * fields, so `trove migrate` works before anything is edited (`makemigrations --check` agrees).
 */
export function initialMigration({ app, model }: AppNames): Record<string, string> {
  const operation = createModel(`${app}.${model}`, {
    title: f.char({ maxLength: 200 }),
    body: f.text({ blank: true, default: '' }),
    createdAt: f.dateTime({ autoNowAdd: true }),
  }, { softDelete: true });
  const source = migrationSource({ app, name: '0001_initial', dependencies: [], operations: [operation], folder: `${app}/migrations`, madeBy: 'trove startapp' });
  return { [`${app}/migrations/0001_initial.ts`]: source };
}

function capitalised(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}
