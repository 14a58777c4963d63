/**
 * Where in the user's code a project failed to load: the first place in the project's own files
 * (not Trove's, not a dependency's) that the error's stack names, with that line of source, so
 * that `f.chr is not a function` comes with `library/models.ts:4:11` and the line itself.
 */
import { existsSync, readFileSync } from 'node:fs';
import { relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

const FRAME = /(?:\(|\s|^)((?:file:\/\/)?\/[^\s():]+):(\d+)(?::(\d+))?/gm;

/** The first place in `root` (outside node_modules) that `error`'s stack or message names. */
export function locationInProject(error: unknown, root: string): SourceLocation | undefined {
  const text = error instanceof Error ? `${error.stack ?? ''}\n${error.message}` : '';
  for (const match of text.matchAll(FRAME)) {
    const file = match[1]!.startsWith('file://') ? fileURLToPath(match[1]!) : match[1]!;
    if (!file.startsWith(root + sep) || file.includes(`${sep}node_modules${sep}`)) continue;
    return { file, line: Number(match[2]), column: Number(match[3] ?? 0) };
  }
  return undefined;
}

/** `library/models.ts:4:11`, then the line with a caret under the column. */
export function describeLocation(location: SourceLocation, root: string): string {
  const head = `${relative(root, location.file)}:${location.line}${location.column > 0 ? `:${location.column}` : ''}`;
  if (!existsSync(location.file)) return head;
  const source = readFileSync(location.file, 'utf8').split('\n')[location.line - 1];
  if (source === undefined) return head;
  const gutter = String(location.line);
  const caret = location.column > 0 ? `\n  ${' '.repeat(gutter.length)} | ${' '.repeat(location.column - 1)}^` : '';
  return `${head}\n  ${gutter} | ${source}${caret}`;
}

/** The error's message, led by where in the project it happened when the stack says. */
export function loadErrorMessage(error: unknown, root: string): string {
  const message = error instanceof Error ? `${error.name === 'Error' ? '' : `${error.name}: `}${error.message}` : String(error);
  const location = locationInProject(error, root);
  if (location === undefined || message.includes(`${location.file}:${location.line}`)) return message;
  return `${message}\n  at ${describeLocation(location, root)}`;
}
