/**
 * A project: a folder with `trove.config.ts`, Django's settings.py. `defineConfig()` types it;
 * `loadProject()` finds it, checks it, applies the environment's overrides and imports the apps.
 */
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { FC, PropsWithChildren } from 'hono/jsx';
import { setPasswordValidators, type PasswordValidator } from '../auth/password-validation.ts';
import { connect, type Database } from '../db/index.ts';
import { noteModelClass, type ModelMeta } from '../orm/index.ts';
import type { UrlPattern } from '../web/index.ts';
// The settings' names alone: trove/config stays free of the web layer's code.
import { HTTPS_SETTINGS, type HttpsSettings } from '../web/https.ts';
import { autodiscoverAdmin } from './autodiscover.ts';
import { loadErrorMessage } from './load-errors.ts';

/** The HTTPS settings (`secureSslRedirect`, `secureHstsSeconds`, …) are the web app's: see HttpsSettings. */
export interface TroveConfig extends HttpsSettings {
  /** A database URL; `sqlite:` paths are relative to the project folder (default `sqlite:db.sqlite3`). */
  database?: string;
  /** The modules that define the project's models: paths relative to the project, or package names. */
  apps?: readonly string[];
  /**
   * Signs sessions; needed by `runserver` (`TROVE_SECRET_KEY` overrides). Serving without debug
   * refuses a missing one, one shorter than 50 characters, and the sample `trove-insecure-…` that
   * startproject writes here: the real one comes from the environment.
   */
  secretKey?: string;
  /** Error pages with details, and this machine's names as allowedHosts when none are set. For development only. */
  debug?: boolean;
  /**
   * The host names the site answers to (Django's ALLOWED_HOSTS): `'example.com'`,
   * `'.example.com'` (and its subdomains), `'*'`. Other hosts get a 400. Empty while debugging:
   * localhost, 127.0.0.1 and [::1]; empty without debug: runserver refuses to start.
   * `TROVE_ALLOWED_HOSTS=a.example,b.example` overrides.
   */
  allowedHosts?: readonly string[];
  /** The site's URL patterns, for `runserver`. */
  urls?: readonly UrlPattern[] | (() => Promise<readonly UrlPattern[]>);
  /** The site's page frame, for `runserver`. */
  layout?: FC<PropsWithChildren<{ title: string }>>;
  /**
   * Where an app's migrations live, when not in `migrations/` beside the module that defines its
   * models: `{ blog: './db/migrations/blog' }` (Django's MIGRATION_MODULES).
   */
  migrations?: Readonly<Record<string, string>>;
  /** System check ids not to report, e.g. `['trash.W001']` (Django's SILENCED_SYSTEM_CHECKS). */
  silencedChecks?: readonly string[];
  /**
   * The checks a new password must pass in the admin, `createsuperuser` and `changepassword`
   * (Django's AUTH_PASSWORD_VALIDATORS). Default: Django's four, from 'trove/auth'; `[]` checks nothing.
   */
  passwordValidators?: readonly PasswordValidator[];
}

export const CONFIG_FILE = 'trove.config.ts';

/** `export default defineConfig({ … })` in trove.config.ts. */
export function defineConfig(config: TroveConfig): TroveConfig {
  return config;
}

/** A missing or invalid project configuration: the CLI prints it and exits 1. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

export interface Project {
  /** The folder holding the config file. */
  readonly root: string;
  readonly configPath: string;
  readonly config: TroveConfig;
  /** The database URL after DATABASE_URL and defaults. */
  readonly databaseUrl: string;
  readonly secretKey: string | undefined;
  /** The host names after TROVE_ALLOWED_HOSTS and defaults (none: empty). */
  readonly allowedHosts: readonly string[];
  /** What each app module exports that is a model class, by export name. */
  readonly models: ReadonlyMap<string, { meta: ModelMeta }>;
  /** Each app module: its file, and the app labels of the models it exports. */
  readonly appModules: ReadonlyArray<{ readonly specifier: string; readonly path: string; readonly apps: readonly string[] }>;
}

/** The config file: `configPath`, or trove.config.ts in `cwd`; a ConfigError when there is none. */
export function findConfig(configPath: string | undefined, cwd = process.cwd()): string {
  const path = resolve(cwd, configPath ?? CONFIG_FILE);
  if (!existsSync(path)) {
    throw new ConfigError(configPath === undefined
      ? `no ${CONFIG_FILE} in ${cwd}: run trove from a project folder, or give --config path/to/${CONFIG_FILE}.`
      : `no config file at ${path}.`);
  }
  return path;
}

/** Finds trove.config.ts in `cwd` (or takes `configPath`), checks it and imports its apps. */
export async function loadProject(options: { configPath?: string | undefined; cwd?: string } = {}): Promise<Project> {
  const configPath = findConfig(options.configPath, options.cwd);
  const root = dirname(configPath);
  let loaded: { default?: unknown };
  try {
    loaded = (await import(pathToFileURL(configPath).href)) as { default?: unknown };
  } catch (error) {
    throw new ConfigError(`${configPath} failed to load: ${loadErrorMessage(error, root)}`);
  }
  const config = checkConfig(loaded.default, configPath);
  const databaseUrl = resolveDatabaseUrl(process.env.DATABASE_URL || config.database || 'sqlite:db.sqlite3', root);
  const secretKey = process.env.TROVE_SECRET_KEY || config.secretKey;
  if (secretKey !== undefined && secretKey.length < 16) throw new ConfigError(`secretKey must be at least 16 characters long (${configPath}).`);
  const allowedHosts = allowedHostsFromEnvironment() ?? config.allowedHosts ?? [];
  const models = new Map<string, { meta: ModelMeta }>();
  const appModules: Array<{ specifier: string; path: string; apps: string[] }> = [];
  for (const app of config.apps ?? []) {
    const specifier = app.startsWith('.') || isAbsolute(app) ? pathToFileURL(resolve(root, app)).href : app;
    const labels = new Set<string>();
    let exports: Record<string, unknown>;
    try {
      exports = (await import(specifier)) as Record<string, unknown>;
    } catch (error) {
      throw new ConfigError(`app '${app}' in ${configPath} failed to load: ${loadErrorMessage(error, root)}`);
    }
    for (const [name, value] of Object.entries(exports)) {
      if (typeof value === 'function' && (value as { meta?: unknown }).meta !== undefined && 'objects' in value) {
        const cls = value as unknown as { meta: ModelMeta };
        noteModelClass(cls.meta, cls);
        models.set(name, cls);
        labels.add(cls.meta.appLabel);
      }
    }
    appModules.push({ specifier: app, path: fileURLToPath(import.meta.resolve(specifier)), apps: [...labels] });
  }
  return { root, configPath, config, databaseUrl, secretKey, allowedHosts, models, appModules };
}

function checkConfig(value: unknown, path: string): TroveConfig {
  if (typeof value !== 'object' || value === null) throw new ConfigError(`${path} must export default defineConfig({ … }).`);
  const config = value as Record<string, unknown>;
  const known = new Set([
    'database', 'apps', 'secretKey', 'debug', 'allowedHosts', 'urls', 'layout', 'migrations', 'silencedChecks', 'passwordValidators',
    ...HTTPS_SETTINGS,
  ]);
  for (const key of Object.keys(config)) {
    if (!known.has(key)) throw new ConfigError(`unknown setting '${key}' in ${path} (known: ${[...known].join(', ')}).`);
  }
  const expect = (key: string, ok: boolean, what: string) => {
    if (config[key] !== undefined && !ok) throw new ConfigError(`setting '${key}' in ${path} must be ${what}.`);
  };
  expect('database', typeof config.database === 'string' && /^(sqlite|postgres|postgresql|mysql|mariadb):/.test(config.database), "a database URL ('sqlite:…', 'postgres://…', 'mysql://…')");
  expect('apps', Array.isArray(config.apps) && config.apps.every((a) => typeof a === 'string'), 'a list of module paths');
  expect('secretKey', typeof config.secretKey === 'string', 'a string');
  expect('debug', typeof config.debug === 'boolean', 'true or false');
  expect('allowedHosts', Array.isArray(config.allowedHosts) && config.allowedHosts.every((h) => typeof h === 'string' && h !== ''), "a list of host names (['example.com', '.example.com'])");
  expect('secureProxyHeader', Array.isArray(config.secureProxyHeader) && config.secureProxyHeader.length === 2 && config.secureProxyHeader.every((part) => typeof part === 'string' && part !== ''), "a header name and value (['x-forwarded-proto', 'https'])");
  for (const key of ['secureSslRedirect', 'secureHstsIncludeSubdomains', 'secureHstsPreload', 'sessionCookieSecure']) expect(key, typeof config[key] === 'boolean', 'true or false');
  expect('secureHstsSeconds', Number.isInteger(config.secureHstsSeconds) && (config.secureHstsSeconds as number) >= 0, 'a whole number of seconds (3600 to start with)');
  expect('urls', Array.isArray(config.urls) || typeof config.urls === 'function', 'a list of URL patterns');
  expect('layout', typeof config.layout === 'function', 'a component');
  expect('migrations', typeof config.migrations === 'object' && config.migrations !== null && Object.values(config.migrations).every((v) => typeof v === 'string'), "a map of app labels to folders ({ blog: './migrations/blog' })");
  expect('silencedChecks', Array.isArray(config.silencedChecks) && config.silencedChecks.every((id) => typeof id === 'string'), "a list of check ids (['trash.W001'])");
  expect('passwordValidators', Array.isArray(config.passwordValidators) && config.passwordValidators.every((v) => typeof v?.validate === 'function' && typeof v?.helpText === 'function'), "a list of password validators ([new MinimumLengthValidator({ minLength: 12 })] from 'trove/auth')");
  return config as TroveConfig;
}

/** `TROVE_ALLOWED_HOSTS=a.example,b.example`: the names, or undefined when the variable is unset or empty. */
function allowedHostsFromEnvironment(value = process.env.TROVE_ALLOWED_HOSTS): string[] | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  return value.split(',').map((host) => host.trim()).filter((host) => host !== '');
}

/** `sqlite:` paths are the project's: relative ones are taken from its folder. */
function resolveDatabaseUrl(url: string, root: string): string {
  if (!url.startsWith('sqlite:') || url === 'sqlite::memory:') return url;
  const path = url.slice('sqlite:'.length).replace(/^\/\//, '');
  return `sqlite:${isAbsolute(path) ? path : resolve(root, path)}`;
}

/**
 * The project of a command (`--config` or the current folder), with Trove's own apps, as
 * Django's default INSTALLED_APPS: the trash's records, users and permissions, sessions, the
 * admin's history; and each app's admin module (autodiscover.ts), as Django's admin app loads
 * them. Not connected: `trove check` needs no database.
 */
export async function loadProjectWithTroveApps(configPath: string | undefined): Promise<Project> {
  await import('../auth/index.ts');
  await import('../web/sessions.ts');
  await import('../admin/log.ts');
  const project = await loadProject({ configPath });
  if (project.config.passwordValidators !== undefined) setPasswordValidators(project.config.passwordValidators);
  await autodiscoverAdmin(project);
  return project;
}

/** The project of a command, connected to its database. */
export async function openProject(configPath: string | undefined): Promise<{ project: Project; db: Database }> {
  const project = await loadProjectWithTroveApps(configPath);
  const db = await connect(project.databaseUrl);
  return { project, db };
}

export { migrateProject, type MigrateResult } from './migrations.ts';
export { assertReadyToServe, secretKeyProblem, allowedHostsProblem, INSECURE_KEY_PREFIX, MIN_SECRET_KEY_LENGTH } from './deploy.ts';
export { portInUse } from './ports.ts';
