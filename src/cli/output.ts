/**
 * Terminal output: aligned tables, progress (a bar on a terminal, plain lines otherwise), and
 * prompts (a hidden one for passwords).
 */
import { createInterface } from 'node:readline';
import { SingleBar } from 'cli-progress';

/** `1 row`, `2 rows`. */
export function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

export function print(line = ''): void {
  process.stdout.write(`${line}\n`);
}

/** A line on standard error: warnings that should not mix with what a script reads. */
export function printError(line = ''): void {
  process.stderr.write(`${line}\n`);
}

/** Columns padded to their widest cell; numbers right-aligned. */
export function table(headers: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const cells = [headers, ...rows.map((r) => r.map(String))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const numeric = headers.map((_, i) => rows.length > 0 && rows.every((r) => typeof r[i] === 'number'));
  const line = (r: readonly string[]) => r.map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

export interface Progress {
  update(done: number, total?: number): void;
  stop(): void;
}

/**
 * Progress of long work on standard error: a bar when it is a terminal; otherwise a plain line
 * at every tenth of the way, so logs stay short and readable.
 */
export function progress(label: string, total: number): Progress {
  if (process.stderr.isTTY) {
    const bar = new SingleBar({ format: `${label} [{bar}] {percentage}% {value}/{total}`, stream: process.stderr, hideCursor: true, barsize: 30 });
    bar.start(total, 0);
    return {
      update: (done, newTotal) => {
        if (newTotal !== undefined) bar.setTotal(newTotal);
        bar.update(done);
      },
      stop: () => bar.stop(),
    };
  }
  let lastTenth = -1;
  let current = total;
  const lines: Progress = {
    update(done, newTotal) {
      if (newTotal !== undefined) current = newTotal;
      const tenth = current === 0 ? 10 : Math.floor((done / current) * 10);
      if (tenth === lastTenth) return;
      lastTenth = tenth;
      process.stderr.write(`${label}: ${done}/${current} (${Math.round(current === 0 ? 100 : (done / current) * 100)}%)\n`);
    },
    stop() {},
  };
  lines.update(0);
  return lines;
}

/** Asks a question on the terminal; the answer, trimmed. */
export async function ask(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: process.stdin.isTTY === true });
  try {
    return (await new Promise<string>((resolve, reject) => {
      rl.question(question, resolve);
      rl.once('close', () => reject(new Error('no answer: standard input closed')));
    })).trim();
  } finally {
    rl.close();
  }
}

/** Asks for a secret on the terminal without echoing it (raw mode: every key is read, none shown). */
export async function askHidden(question: string): Promise<string> {
  const input = process.stdin;
  if (!input.isTTY) return ask(question);
  // Raw mode first: whatever is typed once the question shows must not be echoed.
  input.setRawMode(true);
  input.setEncoding('utf8');
  input.resume();
  process.stderr.write(question);
  return new Promise<string>((resolve, reject) => {
    let value = '';
    const finish = (error?: Error) => {
      input.off('data', onData);
      input.setRawMode(false);
      input.pause();
      process.stderr.write('\n');
      if (error === undefined) resolve(value);
      else reject(error);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return finish();
        if (ch === '\u0003' || ch === '\u0004') return finish(new Error('cancelled'));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    input.on('data', onData);
  });
}
