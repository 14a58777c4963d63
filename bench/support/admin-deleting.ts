/**
 * The deleting half of bench/admin.ts, on SQLite: Trove's admin against Django 5.2's on the same
 * file. The delete page of one author (1 author, 10 posts, 100 comments); the delete_selected
 * confirmation for 100 ticked authors (11,100 objects) and for "Select all" of 5,000 authors
 * (555,000 objects); the final POST of the latter against the same delete done by a queryset;
 * the Trove server's peak memory for 100 and for 5,000 authors.
 */
import { execFileSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { data, median, peakMemoryMb, root, seed, Session, startDjango, startTrove } from './admin-bench.ts';

const ROUNDS = Number(process.env.BENCH_DELETE_ROUNDS ?? 7);
/** Requests before timing, so that both servers are warm. */
const WARMUP = 3;
/** Django's 5,000-author confirmation takes minutes: measured once, and only when asked. */
const DJANGO_SELECT_ACROSS = process.env.BENCH_DJANGO_SELECT_ACROSS === '1';
const FILE = join(data, 'admin-delete.db');
const PRISTINE = join(data, 'admin-delete.pristine.db');
const URL_ = `sqlite:${FILE}`;
const SELECT_ACROSS_FILTER = '?id__lte=5000';

function reset(): void {
  for (const suffix of ['-wal', '-shm']) rmSync(FILE + suffix, { force: true });
  copyFileSync(PRISTINE, FILE);
}

async function csrfToken(session: Session, path: string): Promise<string> {
  const html = await (await session.fetch(path)).text();
  return /name="csrfmiddlewaretoken" value="([^"]+)"/.exec(html)?.[1] ?? '';
}

/** POSTs the changelist's action form; returns the milliseconds, the status and the page. */
async function postAction(session: Session, query: string, fields: [string, string][]): Promise<{ ms: number; status: number; html: string }> {
  const path = `/admin/blog/author/${query}`;
  const token = await csrfToken(session, path);
  const body = new URLSearchParams([...fields, ['csrfmiddlewaretoken', token]]);
  const start = performance.now();
  const response = await session.fetch(path, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  const html = await response.text();
  return { ms: performance.now() - start, status: response.status, html };
}

async function timeGet(session: Session, path: string): Promise<number> {
  const start = performance.now();
  const response = await session.fetch(path);
  await response.text();
  if (response.status !== 200) throw new Error(`${session.base}${path} answered ${response.status}`);
  return performance.now() - start;
}

const ticked = (n: number): [string, string][] => Array.from({ length: n }, (_, i) => ['_selected_action', String(i + 1)]);
const confirmation = (fields: [string, string][]) => [['action', 'delete_selected'], ['index', '0'], ...fields] as [string, string][];

function stop(...children: ChildProcess[]): void {
  for (const child of children) child.kill('SIGTERM');
}

/** The hidden fields of Trove's confirmation form. */
function confirmationFields(html: string): [string, string][] {
  const form = /<form method="post" class="delete-confirmation">([\s\S]*?)<\/form>/.exec(html)?.[1] ?? '';
  return [...form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)]
    .filter((m) => m[1] !== 'csrfmiddlewaretoken')
    .map((m) => [m[1]!, m[2]!.replaceAll('&quot;', '"').replaceAll('&amp;', '&')]);
}

export async function benchDeleting(): Promise<string> {
  console.log('\nDeleting (SQLite):');
  for (const suffix of ['', '-wal', '-shm']) rmSync(FILE + suffix, { force: true });
  await seed(URL_);
  copyFileSync(FILE, PRISTINE);
  const rows: string[] = ['| SQLite: deleting | Trove ms | Django 5.2 ms | Django / Trove |', '|---|---:|---:|---:|'];
  const line = (label: string, t: number, d: number | undefined) => {
    rows.push(`| ${label} | ${t.toFixed(1)} | ${d === undefined ? 'not run' : d.toFixed(1)} | ${d === undefined ? '' : `${(d / t).toFixed(1)}x`} |`);
    console.log(`  ${label}: Trove ${t.toFixed(1)} ms, Django ${d === undefined ? 'not run' : `${d.toFixed(1)} ms`}`);
  };

  // Pages that delete nothing, side by side.
  const trove = await startTrove(URL_);
  const django = await startDjango(URL_);
  const sessions = { trove: new Session(trove.base), django: new Session(django.base) };
  await sessions.trove.login();
  await sessions.django.login();
  const memory: Record<string, number> = { 'after logging in': peakMemoryMb(trove.child.pid!) };
  try {
    const times = { trove: [] as number[], django: [] as number[] };
    for (let i = 0; i < ROUNDS + WARMUP; i++) {
      for (const side of ['trove', 'django'] as const) {
        const ms = await timeGet(sessions[side], '/admin/blog/author/17/delete/');
        if (i >= WARMUP) times[side].push(ms);
      }
    }
    line('delete page, 1 author (111 objects)', median(times.trove), median(times.django));

    const hundred = { trove: [] as number[], django: [] as number[] };
    for (let i = 0; i < ROUNDS + WARMUP; i++) {
      for (const side of ['trove', 'django'] as const) {
        const answer = await postAction(sessions[side], '', confirmation(ticked(100)));
        if (answer.status !== 200 || !/Are you sure|Move to the trash/.test(answer.html)) throw new Error(`${side}: the 100-author confirmation answered ${answer.status}`);
        if (i >= WARMUP) hundred[side].push(answer.ms);
      }
    }
    line('delete_selected confirmation, 100 ticked authors (11,100 objects)', median(hundred.trove), median(hundred.django));
    memory['after 100 authors'] = peakMemoryMb(trove.child.pid!);

    const across = [] as number[];
    for (let i = 0; i < Math.max(3, Math.ceil(ROUNDS / 2)); i++) {
      const answer = await postAction(sessions.trove, SELECT_ACROSS_FILTER, confirmation([['select_across', '1']]));
      if (answer.status !== 200 || !/the 5,000 selected authors/.test(answer.html)) throw new Error(`trove: the select-across confirmation answered ${answer.status}`);
      across.push(answer.ms);
    }
    memory['after 5,000 authors'] = peakMemoryMb(trove.child.pid!);
    let djangoAcross: number | undefined;
    if (DJANGO_SELECT_ACROSS) {
      const answer = await postAction(sessions.django, SELECT_ACROSS_FILTER, confirmation([['select_across', '1'], ['_selected_action', '1']]));
      if (answer.status !== 200) throw new Error(`django: the select-across confirmation answered ${answer.status}`);
      djangoAcross = answer.ms;
      console.log(`  (Django's page: ${(answer.html.length / 1e6).toFixed(1)} MB)`);
    }
    line('delete_selected confirmation, select all 5,000 authors (555,000 objects)', median(across), djangoAcross);
  } finally {
    stop(trove.child, django.child);
  }

  // The final POST of the select-across delete, against the same delete by a queryset; a fresh copy each time.
  const post: number[] = [];
  const queryset: number[] = [];
  for (let i = 0; i < Math.max(3, Math.ceil(ROUNDS / 2)); i++) {
    reset();
    const server = await startTrove(URL_);
    try {
      const session = new Session(server.base);
      await session.login();
      const page = await postAction(session, SELECT_ACROSS_FILTER, confirmation([['select_across', '1']]));
      const answer = await postAction(session, SELECT_ACROSS_FILTER, [...confirmationFields(page.html)]);
      if (answer.status !== 302) throw new Error(`trove: the final POST answered ${answer.status}: ${answer.html.slice(0, 200)}`);
      post.push(answer.ms);
    } finally {
      stop(server.child);
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    reset();
    const out = execFileSync(process.execPath, ['--import', 'tsx', 'bench/support/admin-queryset-delete.ts', URL_], { cwd: root }).toString();
    queryset.push(Number(/deleted in ([\d.]+) ms/.exec(out)?.[1]));
  }
  const [p, q] = [median(post), median(queryset)];
  rows.push('', '| SQLite: select all 5,000 authors, then confirm | ms | ratio |', '|---|---:|---:|');
  rows.push(`| \`Author.objects.filter({ id__lte: 5000 }).delete()\` | ${q.toFixed(0)} | 1.00x |`, `| the admin's final POST | ${p.toFixed(0)} | ${(p / q).toFixed(2)}x |`);
  console.log(`  final POST ${p.toFixed(0)} ms, queryset delete ${q.toFixed(0)} ms`);
  rows.push('', '| Trove server, peak resident memory | MB |', '|---|---:|');
  for (const [label, mb] of Object.entries(memory)) rows.push(`| ${label} | ${mb.toFixed(0)} |`);
  rmSync(PRISTINE, { force: true });
  return rows.join('\n');
}
