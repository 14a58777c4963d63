/**
 * How long a test waits on something slow but healthy (a `trove` shell session, a server coming
 * up, a browser scenario) before it gives up with what it saw. Generous: on a busy 2-core CI
 * machine a process that takes a second here can take a minute. A real hang is also caught by
 * the runner's per-file time limit (scripts/run-tests.mjs).
 */
export const PATIENCE_MS = 3 * 60_000;
