/**
 * What a system check reports (Django's `CheckMessage`): a level, an id such as `fields.E304`
 * that names the problem in the docs and in `silencedChecks`, what is wrong, a hint at the fix,
 * and the object it is about (`library.Loan.borrower`, `admin library.Loan`, `urls`, `settings`).
 */

export const CHECK_LEVELS = ['debug', 'info', 'warning', 'error', 'critical'] as const;
export type CheckLevel = (typeof CHECK_LEVELS)[number];

export interface CheckMessage {
  readonly level: CheckLevel;
  readonly id: string;
  readonly message: string;
  readonly hint?: string;
  readonly object?: string;
}

type Details = { hint?: string; object?: string };

function messageOf(level: CheckLevel, id: string, message: string, details: Details): CheckMessage {
  return { level, id, message, ...(details.hint === undefined ? {} : { hint: details.hint }), ...(details.object === undefined ? {} : { object: details.object }) };
}

export const checkError = (id: string, message: string, details: Details = {}): CheckMessage => messageOf('error', id, message, details);
export const checkWarning = (id: string, message: string, details: Details = {}): CheckMessage => messageOf('warning', id, message, details);
export const checkInfo = (id: string, message: string, details: Details = {}): CheckMessage => messageOf('info', id, message, details);

/** True when `message` is at `level` or worse. */
export function isAtLeast(message: CheckMessage, level: CheckLevel): boolean {
  return CHECK_LEVELS.indexOf(message.level) >= CHECK_LEVELS.indexOf(level);
}

const HEADINGS: Record<CheckLevel, string> = { critical: 'CRITICALS', error: 'ERRORS', warning: 'WARNINGS', info: 'INFOS', debug: 'DEBUGS' };

/**
 * Django's report: the messages grouped by level, worst first, each as
 * `object: (id) message` with its hint on the next line, and a count at the end.
 */
export function formatCheckMessages(messages: readonly CheckMessage[], silenced = 0): string {
  const lines: string[] = [];
  for (const level of [...CHECK_LEVELS].reverse()) {
    const ofLevel = messages.filter((m) => m.level === level);
    if (ofLevel.length === 0) continue;
    lines.push(`${HEADINGS[level]}:`);
    for (const m of [...ofLevel].sort((a, b) => (a.object ?? '').localeCompare(b.object ?? '') || a.id.localeCompare(b.id))) {
      lines.push(`${m.object === undefined ? '?' : m.object}: (${m.id}) ${m.message}`);
      if (m.hint !== undefined) lines.push(`\tHINT: ${m.hint}`);
    }
    lines.push('');
  }
  const count = messages.length === 0 ? 'no issues' : messages.length === 1 ? '1 issue' : `${messages.length} issues`;
  lines.push(`System check identified ${count} (${silenced} silenced).`);
  return lines.join('\n');
}

/** Checks found errors: the command that ran them stops before doing anything. */
export class SystemCheckError extends Error {
  override name = 'SystemCheckError';

  constructor(
    readonly messages: readonly CheckMessage[],
    silenced = 0,
  ) {
    super(`System check identified some issues:\n\n${formatCheckMessages(messages, silenced)}`);
  }
}
