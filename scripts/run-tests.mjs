#!/usr/bin/env node
/**
 * Runs every test file once per database backend.
 *
 * SQLite always runs. PostgreSQL and MariaDB run when TROVE_TEST_POSTGRES_URL /
 * TROVE_TEST_MYSQL_URL are set (then an unreachable server fails the run), or when a server
 * answers at the usual local address (otherwise that backend is skipped, and we say so).
 * Arguments narrow the run to matching test files: `npm test -- queryset`.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const filters = process.argv.slice(2);

function listTests(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return listTests(path);
    return entry.name.endsWith('.test.ts') || entry.name.endsWith('.test.tsx') ? [path] : [];
  });
}

/** Tests that exercise no database-specific code run once, on SQLite. */
function isDatabaseAgnostic(file) {
  return /^\/\/ @backends: sqlite-only/m.test(readFileSync(file, 'utf8').slice(0, 400));
}

function reachable(url, defaultPort) {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = createConnection({ host: hostname, port: Number(port || defaultPort) });
    socket.setTimeout(1000);
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
    socket.once('error', () => resolve(false));
  });
}

const servers = [
  { name: 'postgres', env: 'TROVE_TEST_POSTGRES_URL', fallback: 'postgres://postgres@127.0.0.1:5432/test', port: 5432 },
  { name: 'mariadb', env: 'TROVE_TEST_MYSQL_URL', fallback: 'mysql://root@127.0.0.1:3306/test', port: 3306 },
];

const files = listTests(join(root, 'test')).filter((f) => filters.length === 0 || filters.some((x) => f.includes(x))).sort();
const backends = [{ name: 'sqlite', url: 'sqlite::memory:' }];
const skipped = [];
for (const server of servers) {
  const explicit = process.env[server.env];
  const url = explicit || server.fallback;
  if (explicit) {
    if (!(await reachable(url, server.port))) {
      console.error(`${server.name}: ${server.env} is set but nothing answers at ${url}. Failing, as asked.`);
      process.exit(1);
    }
    backends.push({ name: server.name, url });
  } else if (await reachable(url, server.port)) {
    backends.push({ name: server.name, url });
  } else {
    skipped.push(`${server.name} (nothing at ${url}; set ${server.env} to require it)`);
  }
}

const totals = { pass: 0, fail: 0, skipped: 0 };
const outcomes = [];
const reportDir = mkdtempSync(join(tmpdir(), 'trove-tests-'));
for (const backend of backends) {
  const selected = backend.name === 'sqlite' ? files : files.filter((f) => !isDatabaseAgnostic(f));
  if (selected.length === 0) continue;
  console.log(`\n=== ${backend.name}: ${selected.length} test files ===`);
  const tap = join(reportDir, `${backend.name}.tap`);
  const code = await new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-timeout=120000', '--test-reporter=spec', '--test-reporter-destination=stdout',
        '--test-reporter=tap', `--test-reporter-destination=${tap}`, ...selected.map((f) => relative(root, f))],
      { cwd: root, stdio: 'inherit', env: { ...process.env, TROVE_TEST_DATABASE: backend.url, TROVE_TEST_BACKEND: backend.name } },
    );
    child.on('exit', (c) => resolve(c ?? 1));
  });
  const report = readFileSync(tap, 'utf8');
  const count = (name) => Number(report.match(new RegExp(`^# ${name} (\\d+)$`, 'm'))?.[1] ?? 0);
  const result = { pass: count('pass'), fail: count('fail') + count('cancelled'), skipped: count('skipped') + count('todo') };
  if (code !== 0 && result.fail === 0) result.fail = 1;
  for (const key of Object.keys(totals)) totals[key] += result[key];
  outcomes.push(`${backend.name}: ${result.pass} passed, ${result.fail} failed, ${result.skipped} skipped`);
}

// Temporary projects live in test/.tmp (inside the repository, so they resolve 'trove'); a test
// that failed half-way may have left one behind. Nothing of a run outlives it.
rmSync(join(root, 'test', '.tmp'), { recursive: true, force: true });
rmSync(reportDir, { recursive: true, force: true });

console.log('\n=== summary ===');
for (const line of outcomes) console.log(line);
for (const line of skipped) console.log(`skipped backend: ${line}`);
console.log(`${totals.pass} passed, ${totals.fail} failed, ${totals.skipped} skipped`);
process.exit(totals.fail > 0 ? 1 : 0);
