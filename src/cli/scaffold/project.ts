/**
 * The files of a new project (`trove startproject mysite`): its package.json, a tsconfig that is
 * `tsc --init`'s plus what Trove needs, trove.config.ts, the root URLs, a README with the next
 * commands, and a first app. The package.json is merged into one that already exists.
 */
import { randomBytes } from 'node:crypto';
import { INSECURE_KEY_PREFIX } from '../deploy.ts';
import { appFiles, listUrlName, type AppNames } from './app.ts';

/** What a new project's package.json gets: the versions Trove itself was built and tested with. */
export interface PackageVersions {
  readonly trove: string;
  readonly hono: string;
  readonly typescript: string;
  readonly typesNode: string;
}

export const SCRIPTS: Readonly<Record<string, string>> = {
  dev: 'trove runserver',
  serve: 'trove runserver --no-debug',
  test: 'tsc --noEmit && trove test',
  migrate: 'trove migrate',
  makemigrations: 'trove makemigrations',
  shell: 'trove shell',
};

type PackageJson = Record<string, unknown> & {
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  allowScripts?: Record<string, boolean>;
};

/**
 * The project's package.json: `existing` (when there is one) with what Trove needs added. An
 * existing script or dependency of the same name is kept; `kept` names the scripts that differ.
 */
export function projectPackage(name: string, versions: PackageVersions, existing?: PackageJson): { json: PackageJson; kept: string[] } {
  const json: PackageJson = existing === undefined ? { name, version: '0.1.0', private: true } : { ...existing };
  const kept: string[] = [];
  const merge = (key: 'scripts' | 'dependencies' | 'devDependencies', wanted: Record<string, string>) => {
    const current = { ...(json[key] ?? {}) };
    for (const [entry, value] of Object.entries(wanted)) {
      if (current[entry] === undefined) current[entry] = value;
      else if (current[entry] !== value && key === 'scripts') kept.push(entry);
    }
    json[key] = current;
  };
  // TypeScript files are ES modules, and so must the project be for top-level await and imports.
  json.type = 'module';
  merge('scripts', SCRIPTS);
  merge('dependencies', { trove: versions.trove, hono: versions.hono });
  merge('devDependencies', { typescript: versions.typescript, '@types/node': versions.typesNode });
  // npm asks before running install scripts: these two build SQLite and the TypeScript compiler.
  json.allowScripts = { ...(json.allowScripts ?? {}), 'better-sqlite3': true, esbuild: true };
  return { json, kept };
}

/** tsconfig.json: `tsc --init`'s choices (TypeScript 5.9), and the four lines marked Trove. */
export function tsconfig(): string {
  return `{
  // tsc --init's defaults, plus the lines marked "Trove".
  "compilerOptions": {
    "module": "nodenext",
    "target": "esnext",
    "types": ["node"], // Trove: Node's globals (process, Buffer) in your code
    "sourceMap": true,
    "declaration": true,
    "declarationMap": true,
    "noUncheckedIndexedAccess": true,
    "exactOptionalPropertyTypes": true,
    "strict": true,
    "jsx": "react-jsx",
    "jsxImportSource": "hono/jsx", // Trove: pages are hono/jsx components
    "verbatimModuleSyntax": true,
    "isolatedModules": true,
    "noUncheckedSideEffectImports": true,
    "moduleDetection": "force",
    "skipLibCheck": true,
    "allowImportingTsExtensions": true, // Trove: import './models.ts', the file Node runs
    "noEmit": true // Trove: the trove command runs your .ts files; tsc only checks them
  },
  "exclude": ["node_modules"]
}
`;
}

export function projectFiles(name: string, first: AppNames): Record<string, string> {
  return {
    'tsconfig.json': tsconfig(),
    'trove.config.ts': `/** ${name}'s settings, as Django's settings.py: every trove command reads them. */
import { defineConfig } from 'trove/config';
import { SiteLayout } from './layout.tsx';
import { urls } from './urls.ts';

export default defineConfig({
  // SQLite in this folder; DATABASE_URL overrides (postgres://… or mysql://…).
  database: 'sqlite:db.sqlite3',
  // The modules that define models; trove startapp makes more.
  apps: ['./${first.app}/models.ts'],
  // Signs sessions and CSRF tokens. This one is in the repository, so it is for \`npm run dev\`
  // only: \`npm run serve\` refuses it and takes TROVE_SECRET_KEY, a secret of the site's own.
  secretKey: '${INSECURE_KEY_PREFIX}${randomBytes(24).toString('base64url')}',
  // Error pages with details, and this machine's names as allowedHosts: for \`npm run dev\`.
  // \`npm run serve\` turns it off.
  debug: true,
  // The host names the site answers to without debug (Django's ALLOWED_HOSTS); any other is a
  // 400. TROVE_ALLOWED_HOSTS=example.com,www.example.com overrides.
  allowedHosts: [],
  urls,
  // The frame of every page, Trove's own (DeleteView's confirmation) included.
  layout: SiteLayout,
});
`,
    'layout.tsx': `/** ${name}'s page frame: its name, a link to the admin, the messages (with Undo), the page. */
import { BaseLayout, reverse, type LayoutProps } from 'trove/web';

export function SiteLayout({ title, children }: LayoutProps) {
  return (
    <BaseLayout
      title={\`\${title} · ${name}\`}
      stylesheets={[reverse('static', { file: 'site.css' })]}
      header={
        <header>
          <a href="/" class="brand">${name}</a>
          <a href={reverse('admin:index')}>Admin</a>
        </header>
      }
    >
      {children}
    </BaseLayout>
  );
}
`,
    'static/site.css': `/* ${name}'s styles: served at /static/site.css by urls.ts. Colours are set, not left to the
   browser's defaults, so that contrast checkers see the dark background of the dark scheme. */
:root { color-scheme: light dark; --accent: #1d5fa8; --muted: #5a6270; --error: #b3261e; }
@media (prefers-color-scheme: dark) { :root { --accent: #8ab8ee; --muted: #a7afbb; --error: #ffb4ab; } }
body { font: 16px/1.5 system-ui, sans-serif; max-width: 46rem; margin: 0 auto; padding: 0 1rem 3rem; background: Canvas; color: CanvasText; }
header { display: flex; justify-content: space-between; align-items: baseline; padding: 1rem 0; border-bottom: 1px solid color-mix(in srgb, currentColor 20%, transparent); }
a { color: var(--accent); }
.brand { font-weight: 700; font-size: 1.2rem; text-decoration: none; color: inherit; }
.messages { list-style: none; padding: 0; }
.message { display: flex; gap: 1rem; align-items: center; padding: .6rem .9rem; margin: 1rem 0; border-radius: 6px; background: color-mix(in srgb, var(--accent) 14%, transparent); }
.message form { margin: 0; }
button { font: inherit; padding: .3rem .9rem; border-radius: 6px; border: 1px solid var(--accent); background: var(--accent); color: Canvas; cursor: pointer; }
a:focus-visible, button:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
/* Forms drawn by <Form /> (CreateView, UpdateView, modelForm): a field a row, its label above it. */
.form-row { display: grid; gap: .25rem; margin: 0 0 1rem; }
.form-row > label { font-weight: 600; }
.required-marker { color: var(--error); }
.form-row :is(input:not([type=checkbox]), select, textarea) { font: inherit; padding: .35rem .5rem; width: 100%; max-width: 30rem; box-sizing: border-box; }
.form-row input[type=checkbox] { justify-self: start; }
.form-row select[multiple] { min-height: 6rem; }
.form-row.has-error :is(input, select, textarea) { outline: 2px solid var(--error); }
.errorlist { list-style: none; margin: 0; padding: 0; color: var(--error); font-weight: 600; }
.errornote { padding: .6rem .9rem; margin: 1rem 0; border-left: 4px solid var(--error); border-radius: 6px; background: color-mix(in srgb, var(--error) 10%, transparent); }
.errornote p { margin: 0 0 .3rem; font-weight: 600; }
.error-links { margin: 0; }
.help { color: var(--muted); margin: 0; font-size: .9rem; }
.submit-row { display: flex; gap: 1rem; align-items: center; }
`,
    'urls.ts': `/** ${name}'s URLs: the ${first.app} app at /${first.app}/, the admin at /admin/, the styles at /static/. */
import { fileURLToPath } from 'node:url';
import { site } from 'trove/admin';
import { include, path, redirect, serveStatic } from 'trove/web';
import './${first.app}/admin.ts';
import { urls as ${first.app} } from './${first.app}/urls.ts';

export const urls = [
  path('', () => redirect('${listUrlName(first)}')),
  path('${first.app}/', include(${first.app})),
  path('admin/', include(site.urls)),
  path('static/<path:file>', serveStatic(fileURLToPath(new URL('./static/', import.meta.url))), { name: 'static' }),
];
`,
    '.gitignore': 'node_modules/\ndb.sqlite3\ndb.sqlite3-*\n.trove_history\n',
    'README.md': `# ${name}

A Trove project. Next:

\`\`\`sh
npm install                   # if you have not yet
npm run migrate               # makes db.sqlite3 from the migrations
npx trove createsuperuser     # an account for the admin
npm run dev                   # http://127.0.0.1:8000/ (the admin at /admin/), restarts on changes
npm test                      # type-checks, then runs the *.test.ts files
\`\`\`

To serve it for real, without debug: a secret key of its own and the names it answers to come
from the environment (it refuses to start without them, or with the key in trove.config.ts):

\`\`\`sh
export TROVE_SECRET_KEY=$(node -e "console.log(require('node:crypto').randomBytes(48).toString('base64url'))")
export TROVE_ALLOWED_HOSTS=example.com
npm run serve -- 0.0.0.0:8000       # any address and port; 127.0.0.1:8000 by default
\`\`\`

- \`${first.app}/models.ts\` defines the models. After changing them: \`npm run makemigrations\`,
  then \`npm run migrate\`.
- \`${first.app}/views.tsx\` and \`${first.app}/urls.ts\` are the pages; \`urls.ts\` mounts them.
- \`${first.app}/admin.ts\` puts the models in the admin.
- \`npx trove startapp blog\` makes another app; add \`'./blog/models.ts'\` to \`apps\` in
  \`trove.config.ts\` and its URLs to \`urls.ts\`.
- \`npm run shell\` opens a shell with the models in scope; \`npx trove --help\` lists every command.
- Deletes of \`${first.model}\` go to the trash: \`npx trove trash\` lists them, \`npx trove restore <id>\` brings one back.
`,
    ...appFiles(first, { firstMigration: true }),
  };
}
