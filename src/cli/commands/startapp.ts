/**
 * `trove startapp blog`: an app in the project (models, admin, views, URLs, a test and an empty
 * migrations folder), as `manage.py startapp` makes one. It says what to add to trove.config.ts and
 * urls.ts rather than editing them.
 */
import { dirname, join, relative } from 'node:path';
import { UsageError, type Command } from '../command.ts';
import { findConfig } from '../config.ts';
import { print } from '../output.ts';
import { appFiles, existingFiles, listUrlName, modelNameFor, modelNameProblem, writeFiles } from '../scaffold/index.ts';
import { NAME } from './startproject.ts';

export const startapp: Command = {
  name: 'startapp',
  summary: 'Make a new app in the project: models, admin, views, URLs and a test (makemigrations writes its first migration).',
  usage: 'trove startapp NAME [--model MODEL]',
  details: '  --model MODEL     the first model\'s class name (default: from NAME, blog → Blog, notes → Note)',
  options: { model: { type: 'string' } },
  positionals: { min: 1, max: 1 },
  async run({ values, positionals }) {
    const app = positionals[0] ?? '';
    if (!NAME.test(app)) throw new UsageError(`'${app}' is not an app name: lowercase letters, digits and _, starting with a letter.`);
    const model = (values.model as string | undefined) ?? modelNameFor(app);
    const problem = modelNameProblem(model);
    if (problem !== undefined) throw new UsageError(problem);
    const root = dirname(findConfig(values.config as string | undefined));
    const files = appFiles({ app, model }, { firstMigration: false });
    const taken = existingFiles(root, files);
    if (taken.length > 0) {
      print(`Nothing written: ${root} already has ${taken.join(', ')}.`);
      return 1;
    }
    writeFiles(root, files);
    print(`Made the app ${app} in ${relative(process.cwd(), join(root, app)) || '.'}/ with the model ${app}.${model}. To use it:`);
    print(`  trove.config.ts: add './${app}/models.ts' to apps`);
    print(`  urls.ts: import { urls as ${app} } from './${app}/urls.ts'; import './${app}/admin.ts';`);
    print(`           and add path('${app}/', include(${app})) to the patterns (its list is named '${listUrlName({ app, model })}')`);
    print(`  then: make ${app}/models.ts the models you need, and run npm run makemigrations && npm run migrate`);
    return 0;
  },
};
