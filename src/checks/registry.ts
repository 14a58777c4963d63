/**
 * Checks a project adds to Trove's own (Django's `checks.register`): each a function from the
 * models to messages, with tags to run them by (`trove check --tag models`).
 */
import type { CheckMessage } from './messages.ts';

/** What a check gets: the project's models (as `ModelMeta`s) and whether `--deploy` was asked. */
export interface CheckContext {
  readonly models: readonly unknown[];
  readonly deploy: boolean;
}

export type Check = (context: CheckContext) => readonly CheckMessage[] | Promise<readonly CheckMessage[]>;

interface Registered {
  readonly check: Check;
  readonly tags: readonly string[];
  readonly deploy: boolean;
}

const registered: Registered[] = [];

/**
 * Adds a check: `registerCheck(({ models }) => [...], { tags: ['library'] })`. With
 * `deploy: true` it runs only under `trove check --deploy`. Returns the function that removes it.
 */
export function registerCheck(check: Check, options: { tags?: readonly string[]; deploy?: boolean } = {}): () => void {
  const entry: Registered = { check, tags: options.tags ?? [], deploy: options.deploy ?? false };
  registered.push(entry);
  return () => {
    const index = registered.indexOf(entry);
    if (index >= 0) registered.splice(index, 1);
  };
}

/** The registered checks for these tags (all when none are given), deployment ones only when deploying. */
export function registeredChecks(tags: readonly string[], deploy: boolean): Array<{ check: Check; tags: readonly string[] }> {
  return registered.filter((r) => (deploy || !r.deploy) && (tags.length === 0 || r.tags.some((t) => tags.includes(t))));
}

export function registeredTags(): string[] {
  return [...new Set(registered.flatMap((r) => r.tags))];
}
