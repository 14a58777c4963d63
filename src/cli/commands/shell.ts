/**
 * `trove shell`: Node's REPL with the project's models, `Q`, `atomic`, `db` and the config in
 * scope, top-level await, and history per project. When standard input is not a terminal it
 * runs it as a script instead, as `python manage.py shell < script.py` does.
 */
import { createRequire } from 'node:module';
import { userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import repl from 'node:repl';
import { text } from 'node:stream/consumers';
import { pathToFileURL } from 'node:url';
import { inspect } from 'node:util';
import { setDeletionDefaults } from '../../deletion/index.ts';
import * as trove from '../../index.ts';
import { allModels, type ModelMeta } from '../../orm/index.ts';
import type { Command } from '../command.ts';
import { openProject, type Project } from '../config.ts';

/** The names a shell session starts with. */
export function shellScope(project: Project, db: trove.Database): Record<string, unknown> {
  const scope: Record<string, unknown> = {
    db,
    // The settings in effect: the file's, with DATABASE_URL and TROVE_SECRET_KEY applied.
    config: { ...project.config, database: project.databaseUrl, secretKey: project.secretKey },
    Q: trove.Q,
    atomic: trove.atomic,
    signals: trove.signals,
    restoreDeletion: trove.restoreDeletion,
    purgeDeletion: trove.purgeDeletion,
    purge: trove.purge,
    Deletion: trove.Deletion,
  };
  // Every model by its class name; the project's own classes (with their methods) first.
  const taken = new Set<string>(Object.keys(scope));
  for (const [name, cls] of project.models) {
    scope[name] = cls;
    taken.add(name);
  }
  const present = new Set(Object.values(scope).map((value) => (value as { meta?: unknown } | undefined)?.meta));
  for (const meta of allModels()) {
    if (meta.autoCreated || meta.options.internal === true || present.has(meta)) continue;
    const name = taken.has(meta.objectName) ? meta.label.replace('.', '_') : meta.objectName;
    scope[name] = meta.modelClass;
    taken.add(name);
  }
  return scope;
}

function osUser(): string | undefined {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? process.env.USERNAME;
  }
}

/** The models in scope, by the name they have there. */
function modelsInScope(scope: Record<string, unknown>): Array<[string, unknown]> {
  return Object.entries(scope).filter(([, value]) => typeof value === 'function' && (value as { meta?: unknown }).meta !== undefined);
}

function modelsList(scope: Record<string, unknown>): string {
  const rows = modelsInScope(scope)
    .map(([name, value]) => {
      const meta = (value as { meta: ModelMeta }).meta;
      return `  ${name.padEnd(16)} ${meta.label}${meta.softDelete ? '  (soft delete)' : ''}`;
    });
  return rows.join('\n');
}

/** `Post.DoesNotExist: Post matching query does not exist.`: the message, not a stack. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return `Uncaught ${inspect(error)}`;
}

/**
 * A script's `import('./seed.ts')` means the file next to the user, as in the REPL; compiled
 * into a function here, it would resolve from this module, so relative specifiers are made absolute.
 */
export function resolveImports(source: string, cwd: string): string {
  return source.replace(/\bimport\(\s*(['"])(\.{1,2}\/[^'"]+)\1\s*\)/g, (_, _quote: string, specifier: string) => `import(${JSON.stringify(pathToFileURL(resolve(cwd, specifier)).href)})`);
}

/** TypeScript as JavaScript, types stripped (`const p: Post = …` works in the shell too). */
function stripTypes(source: string): string {
  // Loaded on first use, so that every other command starts without esbuild.
  const { transformSync } = createRequire(import.meta.url)('esbuild') as typeof import('esbuild');
  return transformSync(source, { loader: 'ts' }).code;
}

async function runScript(source: string, scope: Record<string, unknown>): Promise<number> {
  source = resolveImports(source, process.cwd());
  const names = Object.keys(scope);
  const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (...args: string[]) => (...values: unknown[]) => Promise<unknown>;
  let script: (...values: unknown[]) => Promise<unknown>;
  try {
    script = new AsyncFunction(...names, source);
  } catch (error) {
    // Not JavaScript: perhaps TypeScript. If it is neither, the first error says why.
    try {
      script = new AsyncFunction(...names, stripTypes(source));
    } catch {
      process.stderr.write(`${describeError(error)}\n`);
      return 1;
    }
  }
  try {
    await script(...names.map((n) => scope[n]));
    return 0;
  } catch (error) {
    process.stderr.write(`${describeError(error)}\n`);
    return 1;
  }
}

async function runRepl(project: Project, scope: Record<string, unknown>): Promise<number> {
  process.stdout.write(`Trove shell: ${modelsInScope(scope).length} models from ${project.configPath}. Top-level await works; .models lists them; .exit leaves.\n`);
  const colors = process.stdout.hasColors?.() ?? false;
  // An exception prints as `Post.DoesNotExist: Post matching query does not exist.` (no stack
  // of REPL internals), and the session goes on; values print as Node prints them.
  const writer = (value: unknown) => (value instanceof Error ? describeError(value) : inspect(value, { colors }));
  const server = repl.start({ prompt: 'trove> ', useGlobal: false, breakEvalOnSigint: true, writer });
  Object.assign(server.context, scope);
  // What Node cannot parse is tried again as TypeScript; TypeScript cut short waits for more lines.
  const evaluate = server.eval;
  const evaluateTypeScript: typeof evaluate = (code, context, file, callback) =>
    evaluate.call(server, code, context, file, (error, result) => {
      if (error === null || error instanceof repl.Recoverable || error.name !== 'SyntaxError') return callback(error, result);
      let javascript: string;
      try {
        javascript = stripTypes(code);
      } catch (tsError) {
        if (/end of file/.test((tsError as Error).message)) return callback(new repl.Recoverable(error), undefined);
        return callback(error, result);
      }
      evaluate.call(server, javascript, context, file, callback);
    });
  (server as unknown as { eval: typeof evaluate }).eval = evaluateTypeScript;
  server.defineCommand('models', {
    help: 'List the models in scope',
    action() {
      this.clearBufferedCommand();
      process.stdout.write(`${modelsList(scope)}\n`);
      this.displayPrompt();
    },
  });
  await new Promise<void>((resolve, reject) => server.setupHistory(join(project.root, '.trove_history'), (error) => (error ? reject(error) : resolve())));
  await new Promise<void>((resolve) => server.once('exit', resolve));
  return 0;
}

export const shell: Command = {
  name: 'shell',
  summary: "Open Node's REPL with the project's models, Q, atomic, db and config in scope (top-level await works).",
  usage: 'trove shell [-c CODE]   (or: echo "…" | trove shell)',
  details: `
  -c, --command CODE  run CODE instead of opening the REPL, as Django's shell -c

When standard input is not a terminal, the shell runs it as a script with the same names in
scope. A script or command that throws prints its error and exits 1.`,
  options: { command: { type: 'string', short: 'c' } },
  async run({ values }) {
    const { project, db } = await openProject(values.config as string | undefined);
    // A soft delete typed here says it came from the shell, and whose shell it was.
    setDeletionDefaults({ source: 'shell', actor: osUser() });
    try {
      const scope = shellScope(project, db);
      if (typeof values.command === 'string') return await runScript(values.command, scope);
      if (!process.stdin.isTTY) return await runScript(await text(process.stdin), scope);
      return await runRepl(project, scope);
    } finally {
      await db.close();
    }
  },
};
