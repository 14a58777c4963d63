/**
 * Attacks on the blog and its admin, each as one kind of user: what it sends, and how it must be
 * refused. The runner (blog.hostile.test.ts) also checks every answer is below 500 and that no
 * table changed. Add an attack here when a new one is found, before fixing it.
 */
import assert from 'node:assert/strict';
import type { TestClient } from '../../support/web.ts';

export type Role = 'anonymous' | 'reader' | 'editor' | 'admin';

export interface Sent {
  readonly status: number;
  readonly headers: Headers;
  readonly body: string;
}

export interface AttackContext {
  /** A client logged in as the attack's role (a fresh one for each attack). */
  readonly client: TestClient;
  /** Logs in a fresh client as another role (for tokens of another session). */
  readonly as: (role: Role) => Promise<TestClient>;
  /** Sends the request line exactly as written (no URL normalisation), over the socket. */
  readonly raw: (method: string, target: string, headers?: Record<string, string>, body?: string) => Promise<Sent>;
  /**
   * Sends a raw request's head now (the server loads its session) and its body on `release()`,
   * which resolves with the answer: for requests in flight while something else happens.
   */
  readonly held: (method: string, target: string, headers: Record<string, string>, body: string) => Promise<{ release: () => Promise<Sent> }>;
  /** A post's id that exists. */
  readonly postId: number;
}

export interface Attack {
  readonly name: string;
  readonly as: Role;
  readonly send: (context: AttackContext) => Promise<Sent | Response>;
  /** What a refusal looks like; the runner has already checked the status is below 500. */
  readonly refused: (sent: Sent) => void;
}

const status = (...allowed: number[]) => (sent: Sent) => assert.ok(allowed.includes(sent.status), `answered ${sent.status}, expected ${allowed.join(' or ')}`);

/** Not a redirect to another site: no Location, or one on this site. */
function staysHere(sent: Sent): void {
  const location = sent.headers.get('location');
  if (location === null) return;
  assert.match(location, /^\/(?![/\\])/, `redirects off the site: ${location}`);
}

const EVIL_NEXTS = ['//evil.example/', 'https://evil.example/', '/\\evil.example/', '\\\\evil.example', '\t//evil.example', 'javascript:alert(1)', 'http:evil.example', '///evil.example'];

export const attacks: Attack[] = [
  // CSRF: a state-changing request without the session's token.
  ...(['POST', 'PUT', 'PATCH', 'DELETE'] as const).map((method): Attack => ({
    name: `CSRF: ${method} a post's deletion with no token`,
    as: 'admin',
    send: ({ client, postId }) => client.request(`/posts/${postId}/delete/`, { method, body: 'confirm=yes', headers: { 'content-type': 'application/x-www-form-urlencoded' } }),
    refused: status(403, 405),
  })),
  {
    name: 'CSRF: the token of another session',
    as: 'admin',
    send: async ({ client, as, postId }) => {
      const other = await as('reader');
      await other.page('/login/');
      return client.post(`/admin/blog/post/${postId}/delete/`, { post: 'yes' }, { token: other.token! });
    },
    refused: status(403),
  },
  {
    name: 'CSRF: a valid token from another origin',
    as: 'admin',
    send: async ({ client, postId }) => {
      await client.page(`/admin/blog/post/${postId}/delete/`);
      return client.post(`/admin/blog/post/${postId}/delete/`, { post: 'yes' }, { headers: { origin: 'https://evil.example' } });
    },
    refused: status(403),
  },
  {
    name: 'CSRF: the token in a header, from another origin',
    as: 'admin',
    send: async ({ client, postId }) => {
      await client.page('/posts/');
      return client.request(`/posts/${postId}/delete/`, { method: 'POST', headers: { 'x-csrftoken': client.token!, origin: 'null' } });
    },
    refused: status(403),
  },

  // Open redirects after logging in (and for a user already logged in).
  ...EVIL_NEXTS.map((next): Attack => ({
    name: `open redirect: login with next=${JSON.stringify(next)}`,
    as: 'anonymous',
    send: async ({ client }) => {
      await client.page('/login/');
      return client.post('/login/', { username: 'reader', password: 'reader', next });
    },
    refused: staysHere,
  })),
  ...EVIL_NEXTS.map((next): Attack => ({
    name: `open redirect: the admin's login with next=${JSON.stringify(next)}`,
    as: 'anonymous',
    send: async ({ client }) => {
      await client.page('/admin/login/');
      return client.post(`/admin/login/?next=${encodeURIComponent(next)}`, { username: 'admin', password: 'admin', next });
    },
    refused: staysHere,
  })),
  {
    name: 'open redirect: logout with next to another site',
    as: 'reader',
    send: async ({ client }) => {
      await client.page('/posts/');
      return client.post('/logout/?next=//evil.example/', { next: 'https://evil.example/' });
    },
    refused: staysHere,
  },

  // Static files: nothing outside the static folders.
  ...['/static/../package.json', '/static/..%2f..%2fpackage.json', '/static/%2e%2e/%2e%2e/package.json', '/static/..\\..\\package.json', '/static/%2e%2e%5c%2e%2e%5cpackage.json',
    '/admin/static/../../../package.json', '/admin/static/..%2f..%2f..%2fpackage.json', '/static/blog.css%00.json', '/static//etc/passwd', '/static/%2fetc%2fpasswd'].map((target): Attack => ({
    name: `traversal: GET ${target}`,
    as: 'anonymous',
    send: ({ raw }) => raw('GET', target),
    refused: (sent) => {
      assert.ok(sent.status === 400 || sent.status === 404 || sent.status === 403, `answered ${sent.status}`);
      assert.doesNotMatch(sent.body, /"devDependencies"|root:x:0/);
    },
  })),

  // Sizes.
  {
    name: 'a body larger than the limit is refused before it is read',
    as: 'anonymous',
    send: ({ raw }) => raw('POST', '/login/', { 'content-type': 'application/x-www-form-urlencoded' }, `username=${'a'.repeat(3_000_000)}`),
    refused: status(413),
  },
  {
    name: 'an oversized cookie header',
    as: 'anonymous',
    send: ({ raw }) => raw('GET', '/posts/', { cookie: `trove_session=${'x'.repeat(20_000)}` }),
    refused: status(400, 431),
  },
  {
    name: 'a malformed session cookie is no session',
    as: 'anonymous',
    send: ({ raw }) => raw('GET', '/admin/', { cookie: 'trove_session=%E0%A4%A; trove_session=..;' }),
    refused: (sent) => {
      assert.equal(sent.status, 302);
      assert.match(sent.headers.get('location') ?? '', /^\/admin\/login\//);
    },
  },

  // Methods a route does not take.
  ...([['PUT', '/posts/'], ['DELETE', '/posts/1/'], ['TRACE', '/posts/'], ['PATCH', '/admin/blog/post/'], ['PROPFIND', '/admin/']] as const).map(([method, target]): Attack => ({
    name: `method: ${method} ${target}`,
    as: 'admin',
    // fetch() will not send TRACE: the request line goes as written.
    send: ({ client, raw }) => raw(method, target, { cookie: client.cookieHeader }),
    refused: status(403, 405, 400, 501),
  })),

  // Permissions.
  {
    name: 'a reader cannot reach the admin',
    as: 'reader',
    send: ({ client }) => client.get('/admin/blog/post/'),
    refused: (sent) => {
      assert.equal(sent.status, 302);
      assert.match(sent.headers.get('location') ?? '', /^\/admin\/login\//);
    },
  },
  {
    name: 'an editor cannot list authors (no view permission)',
    as: 'editor',
    send: ({ client }) => client.get('/admin/blog/author/'),
    refused: status(403),
  },
  {
    name: 'an editor cannot delete an author',
    as: 'editor',
    send: async ({ client }) => {
      await client.page('/admin/blog/post/');
      return client.post('/admin/blog/author/1/delete/', { post: 'yes' });
    },
    refused: status(403),
  },
  {
    name: 'an editor cannot delete for good (no purge permission)',
    as: 'editor',
    send: async ({ client, postId }) => {
      await client.page('/admin/blog/post/');
      return client.post('/admin/blog/post/', [['action', 'delete_permanently'], ['_selected_action', String(postId)], ['post', 'yes']]);
    },
    refused: status(403),
  },
  {
    name: 'a reader cannot delete a post from the blog',
    as: 'reader',
    send: async ({ client, postId }) => {
      await client.page('/posts/');
      return client.post(`/posts/${postId}/delete/`, { confirm: 'yes' });
    },
    refused: status(403),
  },
  {
    name: 'an editor cannot run an action on a model it may not change',
    as: 'editor',
    send: async ({ client }) => {
      await client.page('/admin/blog/post/');
      return client.post('/admin/blog/author/', [['action', 'delete_selected'], ['_selected_action', '1'], ['post', 'yes']]);
    },
    refused: status(403),
  },

  // Reflected markup: shown as text, never as HTML.
  ...['/posts/?q=<script>alert(1)</script>', '/admin/blog/post/?q=<script>alert(1)</script>', '/admin/blog/post/?o=<script>', '/login/?next=<script>alert(1)</script>'].map((target): Attack => ({
    name: `reflected markup: GET ${target}`,
    as: target.startsWith('/admin') ? 'admin' : 'anonymous',
    send: ({ client }) => client.get(target.replace(/<|>/g, encodeURIComponent)),
    refused: (sent) => assert.doesNotMatch(sent.body, /<script>alert\(1\)<\/script>|<script>(?!\s*$)/),
  })),

  // Changelist lookups beyond listFilter and dateHierarchy (Django's lookup_allowed): a 400, never rows read through them.
  ...['/admin/blog/post/?author__email__startswith=an', '/admin/blog/post/?comments__text__startswith=a', '/admin/blog/post/?author__posts__author__email=x', '/admin/blog/comment/?author__email__contains=@'].map((target): Attack => ({
    name: `lookup leak: GET ${target}`,
    as: 'editor',
    send: ({ client }) => client.get(target),
    refused: status(400),
  })),
  {
    name: 'lookup leak: a select-across delete filtered by a lookup not allowed',
    as: 'editor',
    send: async ({ client }) => {
      await client.page('/admin/blog/post/');
      return client.post('/admin/blog/post/?author__email__startswith=a', [['action', 'delete_selected'], ['select_across', '1'], ['index', '0'], ['_selected_action', '1'], ['post', 'yes']]);
    },
    refused: status(400),
  },
  {
    name: 'a search of 1,500 words is answered at once, not a 500',
    as: 'editor',
    send: ({ client }) => client.get(`/admin/blog/post/?q=${encodeURIComponent(Array.from({ length: 1500 }, (_, i) => `w${i}`).join(' '))}`),
    refused: status(200, 400),
  },

  // The Host header (Django's ALLOWED_HOSTS): another host is a 400, so no redirect or origin check trusts it.
  ...['evil.example', 'evil.example:80', '127.0.0.1.evil.example', 'localhost@evil.example'].map((host): Attack => ({
    name: `Host: ${host} on a login`,
    as: 'anonymous',
    send: ({ raw }) => raw('POST', '/login/?next=/x', { host, 'content-type': 'application/x-www-form-urlencoded' }, 'username=reader&password=reader'),
    refused: status(400),
  })),
  {
    name: 'an admin page is never cached and allows no inline script',
    as: 'admin',
    send: ({ client }) => client.get('/admin/blog/post/'),
    refused: (sent) => {
      assert.equal(sent.status, 200);
      assert.match(sent.headers.get('cache-control') ?? '', /no-store/);
      assert.match(sent.headers.get('content-security-policy') ?? '', /default-src 'self'/);
      assert.doesNotMatch(sent.headers.get('content-security-policy') ?? '', /unsafe-inline/);
    },
  },

  // Sessions: a logout is not undone by a request of the same session already in flight (Django's
  // SessionInterrupted): the held request is a 400 and the old cookie stays logged out.
  {
    name: 'a request in flight during a logout does not bring its session back',
    as: 'editor',
    send: async ({ client, held }) => {
      await client.page('/admin/blog/post/');
      const stolen = client.cookieHeader;
      const body = new URLSearchParams({ csrfmiddlewaretoken: client.token!, action: 'publish', index: '0' }).toString();
      const inFlight = await held('POST', '/admin/blog/post/', { cookie: stolen, 'content-type': 'application/x-www-form-urlencoded' }, body);
      const out = await client.post('/admin/logout/');
      assert.match(out.headers.get('set-cookie') ?? '', /Max-Age=0/);
      const answer = await inFlight.release();
      const again = await client.request('/admin/', { headers: { cookie: stolen } });
      assert.equal(again.status, 302, 'the logged-out cookie reached the admin again');
      return answer;
    },
    refused: status(400),
  },
  // Shared caches: a page with a visitor's new session and CSRF token varies by cookie and is never cached.
  ...['/login/', '/admin/login/'].map((target): Attack => ({
    name: `a shared cache cannot keep ${target} with its session and CSRF token`,
    as: 'anonymous',
    send: ({ client }) => client.get(target),
    refused: (sent) => {
      assert.equal(sent.status, 200);
      assert.match(sent.headers.get('set-cookie') ?? '', /trove_session=/);
      assert.match(sent.headers.get('vary') ?? '', /Cookie/);
      assert.match(sent.headers.get('cache-control') ?? '', /no-store/);
    },
  })),
  // Existence: a user without permission on a model gets the same 403 whether the object exists or not.
  ...['change', 'delete', 'history'].flatMap((page) => ['1', '999'].map((pk): Attack => ({
    name: `an editor cannot tell whether author ${pk} exists from its ${page} page`,
    as: 'editor',
    send: ({ client }) => client.get(`/admin/blog/author/${pk}/${page}/`),
    refused: status(403),
  }))),
  {
    name: 'a changelist ordered by the same column 2,001 times is no 500',
    as: 'editor',
    send: ({ client }) => client.get(`/admin/blog/post/?o=${Array(2001).fill('1').join('.')}`),
    refused: status(200),
  },
  // A stolen session guessing the password on the password change page: throttled as logins are.
  {
    name: 'guesses at the old password on the password change page stop at the login limit',
    as: 'editor',
    send: async ({ client }) => {
      await client.page('/admin/password_change/');
      const change = (old: string) => client.post('/admin/password_change/', { old_password: old, new_password1: 'Another-pass-2024', new_password2: 'Another-pass-2024' });
      for (let i = 0; i < 10; i++) {
        const wrong = await change(`guess-${i}`);
        assert.equal(wrong.status, 200);
        await wrong.body?.cancel();
      }
      // The right password, now: refused all the same, so the answer tells nothing.
      return change('editor');
    },
    refused: (sent) => {
      assert.equal(sent.status, 429);
      assert.ok(Number(sent.headers.get('retry-after')) > 0);
      assert.match(sent.body, /Too many incorrect passwords/);
    },
  },
];
