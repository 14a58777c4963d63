/**
 * A project's system checks, as `trove check` and the commands that start work run them: the
 * models', the trash's, each admin site's, the URLs', the settings' (with `--deploy`) and the
 * project's own (`registerCheck`). Errors stop the command before it touches anything;
 * warnings are printed and it goes on.
 */
import { AdminSite, checkAdminSite } from '../admin/index.ts';
import {
  formatCheckMessages, isAtLeast, registeredChecks, registeredTags, SystemCheckError, type CheckLevel, type CheckMessage,
} from '../checks/index.ts';
import { checkTrashCascades } from '../deletion/index.ts';
import { allModels, checkModels } from '../orm/index.ts';
import { checkUrls } from '../web/index.ts';
import type { Project } from './config.ts';
import { migrationChecks } from './migration-checks.ts';
import { printError } from './output.ts';
import { securityChecks } from './security-checks.ts';

/** Trove's own tags, each a part of the project. */
export const BUILT_IN_TAGS = ['models', 'trash', 'admin', 'urls', 'migrations', 'security'] as const;

export interface CheckOptions {
  /** Only the checks with one of these tags (all when empty). */
  readonly tags?: readonly string[];
  /** Also the checks of a deployment (`security` settings), as `check --deploy`. */
  readonly deploy?: boolean;
  /** Ids a command reports in its own words (migrate: the changes no migration holds, after it runs). */
  readonly omit?: readonly string[];
}

export interface CheckReport {
  readonly messages: readonly CheckMessage[];
  /** Messages the config's `silencedChecks` left out. */
  readonly silenced: number;
}

export function allTags(): string[] {
  return [...new Set([...BUILT_IN_TAGS, ...registeredTags()])].sort();
}

export async function runChecks(project: Project, options: CheckOptions = {}): Promise<CheckReport> {
  const tags = options.tags ?? [];
  const deploy = options.deploy ?? false;
  const wanted = (tag: string) => tags.length === 0 || tags.includes(tag);
  const models = allModels();
  const messages: CheckMessage[] = [];
  // A check that fails (on a model half defined, say) is reported as such, and the others still run.
  const add = async (tag: string, check: () => readonly CheckMessage[] | Promise<readonly CheckMessage[]>, chosen = wanted(tag)) => {
    if (!chosen) return;
    try {
      messages.push(...(await check()));
    } catch (error) {
      messages.push({ level: 'critical', id: 'checks.E001', message: `The '${tag}' checks failed: ${(error as Error).message}`, object: tag, hint: 'Fix the errors above first; this may be one of them seen from elsewhere.' });
    }
  };
  await add('models', () => checkModels(models));
  await add('trash', () => checkTrashCascades(models));
  // URLs before the admin: loading them is what registers the models with it.
  const urls = project.config.urls === undefined ? [] : typeof project.config.urls === 'function' ? await project.config.urls() : project.config.urls;
  await add('urls', () => checkUrls(urls));
  await add('admin', () => AdminSite.all().flatMap(checkAdminSite));
  await add('migrations', () => migrationChecks(project));
  if (deploy) await add('security', () => securityChecks(project));
  // Chosen already by any of their tags.
  for (const { check, tags: own } of registeredChecks(tags, deploy)) await add(own.join(', ') || 'project', () => check({ models, deploy }), true);
  const silencedIds = new Set(project.config.silencedChecks ?? []);
  const omitted = new Set(options.omit ?? []);
  const reported = messages.filter((m) => !omitted.has(m.id));
  const kept = reported.filter((m) => !silencedIds.has(m.id));
  return { messages: kept, silenced: reported.length - kept.length };
}

/**
 * The checks a command runs before it starts (Django's `requires_system_checks`): warnings on
 * standard error, and a SystemCheckError when any message is at `failLevel` or worse.
 */
export async function checkBeforeStart(project: Project, options: CheckOptions & { failLevel?: CheckLevel } = {}): Promise<void> {
  const report = await runChecks(project, options);
  const failing = report.messages.filter((m) => isAtLeast(m, options.failLevel ?? 'error'));
  if (failing.length > 0) throw new SystemCheckError(report.messages, report.silenced);
  const shown = report.messages.filter((m) => isAtLeast(m, 'warning'));
  if (shown.length > 0) printError(`System check identified some issues:\n\n${formatCheckMessages(shown, report.silenced)}`);
}
