/**
 * A browser-like test client: keeps the session cookie, remembers the CSRF token of the last
 * page it read, and never follows redirects (tests look at them). It talks to an app in process
 * (`app.request`) or to a real server over a socket (`fetch`).
 */
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { TroveApp } from '../../src/web/index.ts';
import { authenticate, CSRF_FIELD, login, path } from '../../src/web/index.ts';
import { after, before } from 'node:test';

type Send = (url: string, init: RequestInit) => Promise<Response>;

export class TestClient {
  private cookies = new Map<string, string>();
  /** The CSRF token of the last page read with page(). */
  token: string | undefined;

  constructor(
    private readonly send: Send,
    readonly origin: string,
  ) {}

  static inProcess(app: TroveApp): TestClient {
    return new TestClient((url, init) => app.request(url, init), 'http://localhost');
  }

  static overSocket(baseUrl: string): TestClient {
    return new TestClient((url, init) => fetch(url, init), baseUrl);
  }

  get cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size > 0 && !headers.has('cookie')) headers.set('cookie', this.cookieHeader);
    const response = await this.send(this.origin + path, { ...init, headers, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const [name, ...value] = pair!.trim().split('=');
      if (attributes.some((a) => a.trim().toLowerCase() === 'max-age=0')) this.cookies.delete(name!);
      else this.cookies.set(name!, value.join('='));
    }
    return response;
  }

  get(path: string, headers: Record<string, string> = {}): Promise<Response> {
    return this.request(path, { headers });
  }

  /** GETs a page and reads its HTML, remembering the CSRF token of its forms. */
  async page(path: string): Promise<{ status: number; html: string; response: Response }> {
    const response = await this.get(path);
    const html = await response.text();
    const token = new RegExp(`name="${CSRF_FIELD}" value="([^"]+)"`).exec(html)?.[1];
    if (token !== undefined) this.token = token;
    return { status: response.status, html, response };
  }

  /**
   * POSTs a form; the remembered CSRF token goes with it unless `token` says otherwise (null: none).
   * Fields given as pairs may repeat a name: `[['_selected_action', '1'], ['_selected_action', '2']]`.
   */
  post(path: string, fields: Record<string, string> | [string, string][] = {}, options: { token?: string | null; headers?: Record<string, string> } = {}): Promise<Response> {
    const body = new URLSearchParams(fields);
    const token = options.token === undefined ? this.token : options.token;
    if (token !== null && token !== undefined) body.set(CSRF_FIELD, token);
    return this.request(path, {
      method: 'POST',
      body: body.toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...options.headers },
    });
  }

  /** Logs in through a login form at `loginPath` (username and password fields); then reads the new CSRF token there. */
  async login(username: string, password: string, loginPath = '/login/'): Promise<void> {
    await this.page(loginPath);
    const response = await this.post(loginPath, { username, password });
    if (response.status !== 302) throw new Error(`login as ${username} failed: ${response.status}`);
    // Logging in rotates the token, as in Django.
    await this.page(loginPath);
  }
}

/** The hidden fields of the confirmation form, as the browser would post them back. */
export function confirmationFields(html: string): [string, string][] {
  const form = /<form method="post" class="delete-confirmation">([\s\S]*?)<\/form>/.exec(html)?.[1] ?? '';
  return [...form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)]
    .filter((m) => m[1] !== 'csrfmiddlewaretoken')
    .map((m) => [m[1]!, m[2]!.replaceAll('&quot;', '"').replaceAll('&amp;', '&')]);
}

/** Serves `app` on a free port of 127.0.0.1 until `close()`. */
export async function listen(app: TroveApp): Promise<{ url: string; close: () => Promise<void> }> {
  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info: AddressInfo) => {
      resolve({
        url: `http://127.0.0.1:${info.port}`,
        close: () => new Promise<void>((done) => {
          (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
          server.close(() => done());
        }),
      });
    });
  });
}

/** A bare login page at `login/` for tests: its CSRF token on GET; on POST, logs in and goes to `next`. */
export function loginRoute(next: string) {
  return path('login/', async (request) => {
    if (request.method === 'GET') return new Response(`<input name="csrfmiddlewaretoken" value="${request.csrfToken}">`);
    const form = await request.form();
    const user = await authenticate(String(form.get('username')), String(form.get('password')));
    if (user === null) return new Response('no', { status: 401 });
    await login(request, user);
    return new Response(null, { status: 302, headers: { location: next } });
  });
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * A request to the server at `baseUrl` with exactly the Host header and request target given
 * (fetch() sets Host from the URL): `rawRequest(url, 'http://evil.example/x', 'evil.example')`.
 */
export function rawRequest(baseUrl: string, target: string, host: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<RawResponse> {
  const { port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    // A connection of its own (agent: false): whatever this request does to it stays with it.
    const req = httpRequest({ agent: false, host: '127.0.0.1', port, path: target, method: options.method ?? 'GET', headers: { ...options.headers, host } }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/**
 * Clients of `app` both ways a test sends requests: in process, and over a socket to the app
 * served for the file's tests (started before them, closed after).
 */
export function clientsInProcessAndOverSocket(app: TroveApp): Record<string, () => TestClient> {
  let server: Awaited<ReturnType<typeof listen>> | undefined;
  before(async () => {
    server = await listen(app);
  });
  after(() => server?.close());
  return {
    'in process': () => TestClient.inProcess(app),
    'over a socket': () => TestClient.overSocket(server!.url),
  };
}
