#!/usr/bin/env node
/**
 * Runs every test file once per database backend, each file in a process of its own.
 *
 * Backends: TROVE_TEST_BACKENDS=sqlite,postgres,mariadb (any of them) runs exactly those, and a
 * server named there must answer. Without it, SQLite always runs; PostgreSQL and MariaDB run when
 * TROVE_TEST_POSTGRES_URL / TROVE_TEST_MYSQL_URL are set (then an unreachable server fails the
 * run), or when a server answers at the usual local address (otherwise that backend is skipped,
 * and we say so). Files marked `// @backends: sqlite-only` in their first lines run on SQLite only.
 *
 * The backends run side by side, each in its own lane (one file at a time, on its own database);
 * SQLite-only files wait in a queue that every lane takes from once its own files are done.
 * The first lane's output is printed as each file ends, the others' when it is done, so the log
 * reads lane by lane. TROVE_TEST_SERIAL=1 runs the lanes one after another instead.
 *
 * Every file has a time limit, 10 minutes unless its first lines say otherwise (`// @timeout: 20m`):
 * the slowest healthy files take about 2 minutes on a busy 2-core machine, and one hang then costs
 * 10 minutes, not CI's 90. Past it the file's processes are stopped and it fails, naming the tests
 * still running. Each file's time is printed, and the slowest ones at the end;
 * TROVE_TEST_TIMINGS=out.json writes them all.
 * `tsc --noEmit` runs beside the lanes, and a type error fails the run as a failing file does.
 * Arguments narrow the run to matching test files: `npm test -- queryset`.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { readProgress } from './test-progress.mjs';

const root = new URL('..', import.meta.url).pathname;
const filters = process.argv.slice(2);
const DEFAULT_FILE_TIMEOUT_S = 600;
const started = Date.now();

function listTests(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return listTests(path);
    return entry.name.endsWith('.test.ts') || entry.name.endsWith('.test.tsx') ? [path] : [];
  });
}

/** What a file says of itself in its first lines: `// @backends: sqlite-only`, `// @timeout: 15m`. */
function header(file) {
  const head = readFileSync(file, 'utf8').slice(0, 600);
  const timeout = /^\/\/ @timeout: (\d+)\s*(s|m)\b/m.exec(head);
  return {
    // Tests that exercise no database-specific code run once, on SQLite.
    sqliteOnly: /^\/\/ @backends: sqlite-only/m.test(head),
    // Scheduled first among the SQLite-only files, so that no lane ends on a long one alone.
    slow: /^\/\/ @slow\b/m.test(head),
    timeoutS: timeout ? Number(timeout[1]) * (timeout[2] === 'm' ? 60 : 1) : DEFAULT_FILE_TIMEOUT_S,
  };
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

const seconds = (ms) => (ms / 1000).toFixed(1);
const duration = (ms) => (ms < 60_000 ? `${seconds(ms)} s` : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`);

const servers = [
  { name: 'postgres', env: 'TROVE_TEST_POSTGRES_URL', fallback: 'postgres://postgres@127.0.0.1:5432/test', port: 5432 },
  { name: 'mariadb', env: 'TROVE_TEST_MYSQL_URL', fallback: 'mysql://root@127.0.0.1:3306/test', port: 3306 },
];
const chosen = process.env.TROVE_TEST_BACKENDS?.split(',').map((name) => name.trim()).filter(Boolean);
const unknown = chosen?.filter((name) => name !== 'sqlite' && !servers.some((s) => s.name === name)) ?? [];
if (unknown.length > 0 || chosen?.length === 0) {
  console.error(`TROVE_TEST_BACKENDS names ${unknown.join(', ') || 'nothing'}; it takes sqlite, postgres, mariadb.`);
  process.exit(2);
}

const files = listTests(join(root, 'test')).filter((f) => filters.length === 0 || filters.some((x) => f.includes(x))).sort();
const backends = !chosen || chosen.includes('sqlite') ? [{ name: 'sqlite', url: 'sqlite::memory:' }] : [];
const skipped = [];
for (const server of servers) {
  const explicit = process.env[server.env];
  const url = explicit || server.fallback;
  if (chosen ? chosen.includes(server.name) : explicit) {
    if (!(await reachable(url, server.port))) {
      const why = chosen ? `TROVE_TEST_BACKENDS names it` : `${server.env} is set`;
      console.error(`${server.name}: ${why} but nothing answers at ${url}. Failing, as asked.`);
      process.exit(1);
    }
    backends.push({ name: server.name, url });
  } else if (chosen) {
    skipped.push(`${server.name} (not in TROVE_TEST_BACKENDS)`);
  } else if (await reachable(url, server.port)) {
    backends.push({ name: server.name, url });
  } else {
    skipped.push(`${server.name} (nothing at ${url}; set ${server.env} to require it)`);
  }
}

const reportDir = mkdtempSync(join(tmpdir(), 'trove-tests-'));
const running = new Set();

/** A hang must not outlive the run: on Ctrl-C or CI's stop, the files' process groups go too. */
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    for (const child of running) killGroup(child, 'SIGKILL');
    rmSync(reportDir, { recursive: true, force: true });
    process.exit(130);
  });
}

function killGroup(child, signal) {
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

/** Runs one test file in its own process (group); resolves with its output, counts and time. */
function runFile(backend, file, index) {
  const { timeoutS } = header(file);
  const name = relative(root, file);
  const progress = join(reportDir, `${backend.name}-${index}.progress`);
  const start = Date.now();
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [
        '--import', 'tsx', '--test-reporter=spec', '--test-reporter-destination=stdout',
        `--test-reporter=${join(root, 'scripts', 'test-progress.mjs')}`, '--test-reporter-destination=stdout', name,
      ],
      {
        cwd: root,
        detached: true, // its own process group, so that a time limit stops what it started too
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, TROVE_TEST_DATABASE: backend.url, TROVE_TEST_BACKEND: backend.name, TROVE_TEST_PROGRESS: progress },
      },
    );
    running.add(child);
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child, 'SIGTERM');
      setTimeout(() => killGroup(child, 'SIGKILL'), 5000).unref();
    }, timeoutS * 1000);
    let done = false;
    const finish = (code) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      running.delete(child);
      // A process a test left behind may still hold the pipes; what it writes later is not ours.
      child.stdout.destroy();
      child.stderr.destroy();
      let text = '';
      try {
        text = readFileSync(progress, 'utf8');
      } catch {
        // the process died before its first test
      }
      const { finished: _finished, running: stillRunning, ...result } = readProgress(text);
      if (timedOut) {
        result.fail += 1;
        output += `\n✖ ${name} did not finish within ${timeoutS} s, its time limit (\`// @timeout: 20m\` in its first lines sets another), and was stopped.`;
        output += stillRunning.length > 0 ? ` Still running: ${stillRunning.join('; ')}.\n` : ' No test was running: something it started kept it alive.\n';
      } else if (code !== 0 && result.fail === 0) {
        result.fail = 1;
        output += `\n✖ ${name} exited with ${code} without a failing test to show for it.\n`;
      }
      resolve({ backend: backend.name, file: name, ms: Date.now() - start, output, timedOut, ...result });
    };
    child.once('exit', (code, signal) => {
      // Let the pipes drain, but not wait on a grandchild that keeps them open.
      const grace = setTimeout(() => finish(code ?? signal), 2000);
      child.once('close', () => (clearTimeout(grace), finish(code ?? signal)));
    });
    child.once('error', (error) => {
      output += `${error.stack}\n`;
      finish(1);
    });
  });
}

/** A file's output under a line with its time and counts (which stand for the reporter's own closing lines). */
function block(result) {
  const status = result.fail > 0 ? '✖' : '✔';
  const counts = `${result.pass} passed, ${result.fail} failed, ${result.skipped} skipped`;
  const output = result.output.replace(/^ℹ (tests|suites|pass|fail|cancelled|skipped|todo|duration_ms) [\d.]+\n/gm, '').trimEnd();
  return `\n── ${status} ${result.backend}: ${result.file} (${duration(result.ms)}; ${counts}) ──\n${output}\n`;
}

/** A failing file's output from its first failing test on, at most `max` lines. */
function failureExcerpt(output, max = 80) {
  const lines = output.trimEnd().split('\n');
  const first = lines.findIndex((line) => /^\s*✖/.test(line));
  const from = lines.slice(first < 0 ? Math.max(0, lines.length - max) : first);
  return from.length <= max ? from.join('\n') : [...from.slice(0, max), `… ${from.length - max} more lines in the file's block above`].join('\n');
}

/**
 * Files that run on SQLite only depend on no server, so any lane may take them: they wait in one
 * queue, the slow ones (`// @slow` in their first lines) first, and a lane takes from it once its
 * own backend's files are done. The lanes then end together, instead of SQLite's (which has the
 * most files) running on alone at the end.
 */
const sqliteBackend = backends.find((b) => b.name === 'sqlite');
const shared = sqliteBackend === undefined ? [] : files.filter((f) => header(f).sqliteOnly).sort((a, b) => Number(header(b).slow) - Number(header(a).slow));
let sharedIndex = 0;

/** One backend's files, one after another, then files from the shared queue; `print` gets each file's block as the file ends. */
async function runLane(backend, print) {
  const own = files.filter((f) => !header(f).sqliteOnly);
  const start = Date.now();
  print(`\n=== ${backend.name}: ${own.length} test files, then SQLite-only files from the shared queue ===\n`);
  const results = [];
  for (const [index, file] of own.entries()) {
    const result = await runFile(backend, file, index);
    results.push(result);
    print(block(result));
  }
  while (sharedIndex < shared.length) {
    const index = sharedIndex++;
    const result = await runFile(sqliteBackend, shared[index], `shared-${index}`);
    results.push(result);
    print(block(result));
  }
  return { backend: backend.name, results, ms: Date.now() - start };
}

/**
 * `tsc --noEmit` over the sources, tests and examples runs beside the lanes rather than before
 * them: it takes a minute of one core, which the files' waits on servers and processes can share.
 * Its result counts as one more file.
 */
function typecheck() {
  const start = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '--noEmit'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.once('close', (code) => {
      const ok = code === 0;
      if (!ok) output = `✖ tsc --noEmit found type errors:\n${output}`;
      resolve({ backend: 'types', file: 'tsc --noEmit', ms: Date.now() - start, output, timedOut: false, pass: ok ? 1 : 0, fail: ok ? 0 : 1, skipped: 0 });
    });
  });
}
const typesChecked = typecheck();

const serial = process.env.TROVE_TEST_SERIAL === '1';
const live = (text) => process.stdout.write(text);
const lanes = [];
if (serial) {
  for (const backend of backends) lanes.push(await runLane(backend, live));
} else {
  // The first backend prints as it goes; the others keep their output until it is their turn.
  const buffers = backends.map(() => []);
  const all = await Promise.all(backends.map((backend, i) => runLane(backend, i === 0 ? live : (text) => buffers[i].push(text))));
  for (const [i, lane] of all.entries()) {
    if (i > 0) process.stdout.write(buffers[i].join(''));
    lanes.push(lane);
  }
}

// Temporary projects live in test/.tmp (inside the repository, so they resolve 'trove'); a test
// that failed half-way may have left one behind. Nothing of a run outlives it.
rmSync(join(root, 'test', '.tmp'), { recursive: true, force: true });
rmSync(reportDir, { recursive: true, force: true });

const types = await typesChecked;
console.log(block(types));
const results = [...lanes.flatMap((lane) => lane.results), types];
if (process.env.TROVE_TEST_TIMINGS) {
  const timings = results.map(({ output: _output, ...rest }) => ({ ...rest, seconds: Number(seconds(rest.ms)) }));
  writeFileSync(process.env.TROVE_TEST_TIMINGS, `${JSON.stringify(timings, null, 2)}\n`);
}

console.log('\n=== slowest files ===');
for (const r of [...results].sort((a, b) => b.ms - a.ms).slice(0, 10)) {
  console.log(`${duration(r.ms).padStart(12)}  ${r.backend.padEnd(8)}  ${r.file}`);
}

// A long run's log is often read from its end only: each failing file's own words come again
// here, from its first failing test on, so the cause (and a fuzz test's seed) is never cut off.
const failedResults = results.filter((r) => r.fail > 0);
if (failedResults.length > 0) console.log('\n=== failures ===');
for (const r of failedResults) console.log(`\n── ✖ ${r.backend}: ${r.file} ──\n${failureExcerpt(r.output)}`);

const totals = { pass: 0, fail: 0, skipped: 0 };
console.log('\n=== summary ===');
for (const backend of backends) {
  const mine = results.filter((r) => r.backend === backend.name);
  const sum = (key) => mine.reduce((n, r) => n + r[key], 0);
  for (const key of Object.keys(totals)) totals[key] += sum(key);
  console.log(`${backend.name}: ${sum('pass')} passed, ${sum('fail')} failed, ${sum('skipped')} skipped (${mine.length} files, ${duration(mine.reduce((n, r) => n + r.ms, 0))} of test time)`);
}
totals.pass += types.pass;
totals.fail += types.fail;
console.log(`types: tsc --noEmit ${types.fail > 0 ? 'failed' : 'passed'} (${duration(types.ms)}, beside the lanes)`);
console.log(`lanes: ${lanes.map((lane) => `${lane.backend} ${duration(lane.ms)}`).join(', ')}`);
for (const line of skipped) console.log(`skipped backend: ${line}`);
for (const r of results.filter((r) => r.fail > 0)) console.log(`failed: ${r.backend}: ${r.file}${r.timedOut ? ' (killed at its time limit)' : ''}`);
console.log(`wall time: ${duration(Date.now() - started)}${serial || backends.length < 2 ? '' : ', backends side by side'}`);
console.log(`${totals.pass} passed, ${totals.fail} failed, ${totals.skipped} skipped`);
process.exit(totals.fail > 0 ? 1 : 0);
