/**
 * A node:test reporter for scripts/run-tests.mjs. It writes, at once and one line each, every test
 * as it starts and ends and the file's closing counts, to the file TROVE_TEST_PROGRESS names: so
 * the runner can count a file's results and, when it stops a file at its time limit, name the
 * tests that were still running.
 */
import { appendFileSync } from 'node:fs';

export default async function* progress(source) {
  const file = process.env.TROVE_TEST_PROGRESS;
  for await (const { type, data } of source) {
    if (!file) continue;
    const name = () => String(data.name).replace(/\s+/g, ' ');
    if (type === 'test:dequeue') appendFileSync(file, `start\t${data.nesting}\t${name()}\n`);
    if (type === 'test:complete') appendFileSync(file, `end\t${data.nesting}\t${name()}\t${data.details.passed ? 'ok' : 'not ok'}\n`);
    const count = type === 'test:diagnostic' && data.nesting === 0 && /^(pass|fail|cancelled|skipped|todo) (\d+)$/.exec(data.message);
    if (count) appendFileSync(file, `count\t${count[1]}\t${count[2]}\n`);
  }
}

/** A progress file read back: the closing counts (if the file got that far) and the tests still running. */
export function readProgress(text) {
  const counts = {};
  let ok = 0;
  let failed = 0;
  const open = [];
  for (const line of text.split('\n')) {
    const [mark, a, b, c] = line.split('\t');
    if (mark === 'count') counts[a] = Number(b);
    if (mark === 'start') open.push({ nesting: Number(a), name: b });
    if (mark === 'end') {
      const at = open.findLastIndex((t) => t.nesting === Number(a) && t.name === b);
      if (at >= 0) open.splice(at, 1);
      if (a === '0') (c === 'ok' ? ok++ : failed++);
    }
  }
  const finished = 'pass' in counts;
  return {
    pass: finished ? counts.pass : ok,
    fail: finished ? counts.fail + (counts.cancelled ?? 0) : failed,
    skipped: finished ? (counts.skipped ?? 0) + (counts.todo ?? 0) : 0,
    finished,
    // The innermost tests started and not ended, each as `describe › test`.
    running: open.flatMap((test, i) => {
      if (open[i + 1]?.nesting > test.nesting) return [];
      const path = [test.name];
      for (let j = i - 1, want = test.nesting - 1; j >= 0 && want >= 0; j--) {
        if (open[j].nesting === want) (path.unshift(open[j].name), want--);
      }
      return [path.join(' › ')];
    }),
  };
}
