/**
 * The URL patterns' system checks (Django's `urls.*`): entries that are not patterns, names
 * given twice (reverse() finds the first only) and patterns given twice (the second is never
 * reached).
 */
import { checkError, checkWarning, type CheckMessage } from '../checks/index.ts';
import { flatten, type UrlPattern } from './urls.ts';

export function checkUrls(patterns: readonly unknown[]): CheckMessage[] {
  const messages: CheckMessage[] = [];
  const valid: UrlPattern[] = [];
  patterns.forEach((entry, i) => {
    if (isPattern(entry)) valid.push(entry);
    else messages.push(checkError('urls.E004', `Your URL pattern at index ${i} (${describe(entry)}) is invalid. Ensure that urls is a list of path() instances.`, { object: 'urls' }));
  });
  const routes = flatten(valid);
  const byName = new Map<string, string>();
  const byPattern = new Map<string, string>();
  for (const route of routes) {
    if (route.name !== undefined) {
      const first = byName.get(route.name);
      if (first === undefined) byName.set(route.name, route.pattern);
      else messages.push(checkWarning('urls.W005', `URL name '${route.name}' is given to '${first}' and '${route.pattern}': reverse('${route.name}') finds only the first.`, { object: 'urls', hint: 'Give each pattern a name of its own.' }));
    }
    const first = byPattern.get(route.pattern);
    if (first === undefined) byPattern.set(route.pattern, route.name ?? route.pattern);
    else messages.push(checkWarning('urls.W010', `URL pattern '${route.pattern}' is given twice: the second (${route.name ?? 'unnamed'}) is never reached.`, { object: 'urls' }));
  }
  return messages;
}

function isPattern(entry: unknown): entry is UrlPattern {
  if (typeof entry !== 'object' || entry === null) return false;
  return ('view' in entry && typeof entry.view === 'function' && 'pattern' in entry) || ('patterns' in entry && Array.isArray(entry.patterns) && entry.patterns.every(isPattern));
}

function describe(entry: unknown): string {
  if (typeof entry === 'function') return `the function ${entry.name || '(anonymous)'}`;
  return JSON.stringify(entry) ?? String(entry);
}
