/**
 * `trove startproject mysite [directory]`: a project that runs, as `django-admin startproject`
 * makes one, with a first app. Into an existing folder (`.`) its package.json is merged; any
 * other file already there stops it before anything is written.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { UsageError, type Command } from '../command.ts';
import { print } from '../output.ts';
import { existingFiles, modelNameFor, modelNameProblem, packageVersions, projectFiles, projectPackage, SCRIPTS, writeFiles } from '../scaffold/index.ts';

export const NAME = /^[a-z][a-z0-9_]*$/;

export const startproject: Command = {
  name: 'startproject',
  summary: 'Make a new project: package.json, tsconfig.json, trove.config.ts, URLs and a first app with a test.',
  usage: 'trove startproject NAME [DIRECTORY] [--app APP]',
  details: `
  DIRECTORY         where to write it (default ./NAME); '.' is the current folder
  --app APP         the first app's name (default notes)`,
  options: { app: { type: 'string' } },
  positionals: { min: 1, max: 2 },
  async run({ values, positionals }) {
    const [name = '', directory] = positionals;
    const app = (values.app as string | undefined) ?? 'notes';
    if (!NAME.test(name)) throw new UsageError(`'${name}' is not a project name: lowercase letters, digits and _, starting with a letter.`);
    if (!NAME.test(app)) throw new UsageError(`'${app}' is not an app name: lowercase letters, digits and _, starting with a letter.`);
    const model = modelNameFor(app);
    const problem = modelNameProblem(model);
    if (problem !== undefined) throw new UsageError(`the app ${app} would get the model ${model}: ${problem}`);
    const root = resolve(directory ?? name);
    const files = projectFiles(name, { app, model });
    const taken = existingFiles(root, files);
    if (taken.length > 0) {
      print(`Nothing written: ${root} already has ${taken.join(', ')}.`);
      return 1;
    }
    const manifestPath = join(root, 'package.json');
    const existing = existsSync(manifestPath) ? (JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, unknown>) : undefined;
    const { json, kept } = projectPackage(name, packageVersions(process.cwd(), root), existing);
    writeFiles(root, { ...files, 'package.json': `${JSON.stringify(json, null, 2)}\n` });

    const where = relative(process.cwd(), root);
    print(`Made the project ${name}${where === '' ? ' here' : ` in ${where}/`}, with the app ${app}.${existing === undefined ? '' : ' package.json: merged.'}`);
    for (const script of kept) print(`  Kept your script '${script}'; Trove's would be: "${script}": "${SCRIPTS[script]}"`);
    print('Next:');
    if (where !== '') print(`  cd ${where}`);
    print('  npm install');
    print('  npm run migrate');
    print('  npx trove createsuperuser');
    print('  npm run dev            # then open http://127.0.0.1:8000/');
    return 0;
  },
};
