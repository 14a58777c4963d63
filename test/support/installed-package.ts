/**
 * Trove as a user has it: commands run as processes in a folder where the packed tarball is
 * installed (test/package.test.ts packs and installs it once), with nothing of the test's own
 * run in their environment; a server's output gathered while it runs; a visitor's cookies.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { PATIENCE_MS } from './patience.ts';

export interface Finished {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The test's environment without what belongs to its own run: its database, its TROVE_ and npm settings, Node's test-runner context. */
export function userEnvironment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const own = (key: string) => key.startsWith('TROVE_') || key.startsWith('NODE_') || key === 'DATABASE_URL' || key.startsWith('npm_');
  return { ...Object.fromEntries(Object.entries(process.env).filter(([key]) => !own(key))), ...extra };
}

/** Runs `command` to its end in `cwd`, whatever its exit code. */
export function attempt(command: string, args: readonly string[], cwd: string, env: Record<string, string> = {}): Promise<Finished> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd, env: userEnvironment(env), maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error !== null && typeof error.code !== 'number') reject(error);
      else resolve({ code: error === null ? 0 : (error.code as number), stdout, stderr });
    });
  });
}

/** Runs `command` in `cwd`; a non-zero exit is an error carrying its output. */
export async function sh(command: string, args: readonly string[], cwd: string, env: Record<string, string> = {}): Promise<Finished> {
  const done = await attempt(command, args, cwd, env);
  if (done.code !== 0) throw new Error(`${command} ${args.join(' ')} failed (exit ${done.code}) in ${cwd}:\n${done.stdout}${done.stderr}`);
  return done;
}

/** A port nothing listens on now. */
export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** Resolves once `child` has printed something `pattern` matches (on either stream). */
export function waitFor(child: ChildProcess, pattern: RegExp): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`no ${pattern} within ${PATIENCE_MS / 1000} s:\n${seen}`)), PATIENCE_MS);
    const look = (chunk: Buffer) => {
      seen += chunk.toString();
      if (pattern.test(seen)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', look);
    child.stderr!.on('data', look);
    child.once('exit', (code) => reject(new Error(`exited with ${code}:\n${seen}`)));
  });
}

/** `npx trove runserver` in `cwd` on a free port, in a process group of its own (so `stop()` ends npx and the server under it). */
export async function runserver(cwd: string): Promise<{ base: string; output: () => string; stop: () => Promise<void> }> {
  const port = await freePort();
  const server = spawn('npx', ['--no-install', 'trove', 'runserver', String(port)], { cwd, env: userEnvironment(), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  server.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  server.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
  const stop = async () => {
    if (server.exitCode !== null || server.signalCode !== null) return;
    process.kill(-server.pid!, 'SIGTERM');
    await exited;
  };
  try {
    await waitFor(server, /Trove is serving/);
  } catch (error) {
    await stop();
    throw error;
  }
  return { base: `http://127.0.0.1:${port}`, output: () => output, stop };
}

/** A visitor's cookies, kept from one response to the next request as a browser keeps them. */
export class CookieJar {
  private readonly cookies = new Map<string, string>();

  get(name: string): string | undefined {
    return this.cookies.get(name);
  }

  /** `fetch`, sending the cookies and keeping what the response sets; redirects are not followed. */
  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size > 0) headers.set('cookie', [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; '));
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const at = pair.indexOf('=');
      const [name, value] = [pair.slice(0, at).trim(), pair.slice(at + 1).trim()];
      const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a) || (/^\s*expires=/i.test(a) && Date.parse(a.split('=')[1]!) < Date.now()));
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return response;
  }

  /** A form POSTed as a browser sends it (with the Origin header that the CSRF check compares). */
  post(url: string, fields: Record<string, string | readonly string[]>): Promise<Response> {
    const body = new URLSearchParams();
    for (const [name, value] of Object.entries(fields)) for (const one of typeof value === 'string' ? [value] : value) body.append(name, one);
    return this.fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded', origin: new URL(url).origin } });
  }
}

/** The CSRF token a page's form carries. */
export function csrfTokenOf(html: string): string {
  const token = /name="csrfmiddlewaretoken" value="([^"]+)"/.exec(html)?.[1];
  if (token === undefined) throw new Error(`the page has no CSRF field:\n${html}`);
  return token;
}
