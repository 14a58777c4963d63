/**
 * `trove check`: Django's system check framework. Loads the project (no database needed),
 * checks its models, admin, URLs and, with --deploy, its settings, and prints what is wrong.
 * Exit 1 when a message is at --fail-level (default error) or worse.
 */
import { CHECK_LEVELS, formatCheckMessages, isAtLeast, type CheckLevel } from '../../checks/index.ts';
import { allTags, runChecks } from '../checks.ts';
import { UsageError, type Command } from '../command.ts';
import { loadProjectWithTroveApps } from '../config.ts';
import { print, printError } from '../output.ts';

export const check: Command = {
  name: 'check',
  summary: 'Check the project for problems: models, admin options, URLs, settings.',
  usage: 'trove check [--deploy] [--tag TAG]… [--list-tags] [--fail-level LEVEL]',
  details: `
  --deploy          also check the settings for serving (secret key, debug, allowed hosts)
  --tag TAG         only the checks of this tag (models, trash, admin, urls, security, or a project's own); repeatable
  --list-tags       list the tags and stop
  --fail-level L    exit 1 on messages of this level or worse: critical, error (default), warning, info, debug`,
  options: { deploy: { type: 'boolean' }, tag: { type: 'string', multiple: true, short: 't' }, 'list-tags': { type: 'boolean' }, 'fail-level': { type: 'string' } },
  async run({ values }) {
    const failLevel = (values['fail-level'] as string | undefined) ?? 'error';
    if (!(CHECK_LEVELS as readonly string[]).includes(failLevel)) throw new UsageError(`--fail-level takes ${CHECK_LEVELS.join(', ')}; got '${failLevel}'.`);
    const project = await loadProjectWithTroveApps(values.config as string | undefined);
    const deploy = values.deploy === true;
    if (values['list-tags'] === true) {
      // The project is loaded first: its own checks register their tags as it loads.
      print(allTags().join('\n'));
      return 0;
    }
    const tags = (values.tag as string[] | undefined) ?? [];
    const unknown = tags.filter((tag) => !allTags().includes(tag));
    if (unknown.length > 0) throw new UsageError(`there is no system check with the tag '${unknown[0]}' (tags: ${allTags().join(', ')}).`);
    const report = await runChecks(project, { tags, deploy });
    const text = formatCheckMessages(report.messages, report.silenced);
    const failing = report.messages.some((m) => isAtLeast(m, failLevel as CheckLevel));
    if (report.messages.length === 0) print(text);
    else if (failing) printError(`SystemCheckError: System check identified some issues:\n\n${text}`);
    else print(`System check identified some issues:\n\n${text}`);
    return failing ? 1 : 0;
  },
};
