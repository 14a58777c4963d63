/**
 * Hostile users against the blog and its admin over a real socket: every attack in
 * hostile/attacks.ts is sent as its kind of user, and each must be refused as the attack says,
 * with no 5xx and no change to any table (sessions and login throttling aside).
 */
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { createBlogApp } from '../../examples/blog/app.ts';
import { Post } from '../../examples/blog/models.ts';
import { seedDemo, seedDemoUsers } from '../../examples/blog/seed.ts';
import { LoginFailure } from '../../src/auth/index.ts';
import type { Database } from '../../src/index.ts';
import { setupDatabase } from '../support/database.ts';
import { PATIENCE_MS } from '../support/patience.ts';
import { listen, TestClient } from '../support/web.ts';
import { attacks, type AttackContext, type Role, type Sent } from './hostile/attacks.ts';

/** Tables an attack may change: who is logged in, and the throttle's count of failures. */
const CHANGING = new Set(['trove_session', 'auth_loginfailure', 'auth_loginthrottlekey']);

let db: Database;
let server: Awaited<ReturnType<typeof listen>>;
let postId: number;

before(async () => {
  db = await setupDatabase();
  await seedDemo();
  await seedDemoUsers();
  postId = (await Post.objects.orderBy('id').first())!.id;
  server = await listen(createBlogApp({ secretKey: 'blog-hostile-secret-key-long-enough' }));
});
after(async () => {
  await server?.close();
  await db?.close();
});

/** Every table's rows but those that logging in changes (and users' last login time). */
async function snapshot(): Promise<string> {
  // The project's own tables: on PostgreSQL, those of the default schema (pg-boss keeps its jobs in another).
  const tables = (await db.kysely.introspection.getTables()).filter((t) => t.schema === undefined || t.schema === 'public').map((t) => t.name).filter((name) => !CHANGING.has(name)).sort();
  const rows: Record<string, unknown> = {};
  for (const table of tables) {
    const found = (await sql<Record<string, unknown>>`select * from ${sql.table(table)} order by 1`.execute(db.kysely)).rows;
    rows[table] = found.map((row) => ({ ...row, last_login: undefined }));
  }
  return JSON.stringify(rows, (_key, value: unknown) => (typeof value === 'bigint' ? Number(value) : value));
}

async function clientAs(role: Role): Promise<TestClient> {
  const client = TestClient.overSocket(server.url);
  if (role !== 'anonymous') await client.login(role, role);
  return client;
}

/** The answer to a raw request, parsed; a reset after the answer arrived still counts. */
function answerOf(socket: Socket, what: string): Promise<Sent> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    // A reset after the answer arrived is the server closing early: the answer still counts.
    socket.on('error', () => undefined);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [head = '', ...rest] = text.split('\r\n\r\n');
      const [statusLine = '', ...headerLines] = head.split('\r\n');
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1]);
      if (!Number.isInteger(status)) return reject(new Error(`no answer to ${what}: ${JSON.stringify(text.slice(0, 80))}`));
      const responseHeaders = new Headers();
      for (const line of headerLines) {
        const colon = line.indexOf(':');
        if (colon > 0) responseHeaders.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
      }
      resolve({ status, headers: responseHeaders, body: rest.join('\r\n\r\n') });
    });
  });
}

function requestHead(method: string, target: string, headers: Record<string, string>, body: string): string {
  const { hostname, port } = new URL(server.url);
  const lines = [`${method} ${target} HTTP/1.1`, ...('host' in headers ? [] : [`host: ${hostname}:${port}`]), 'connection: close', `content-length: ${Buffer.byteLength(body)}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/**
 * A request sent as written over a plain socket: fetch() would resolve `..` and `%2e%2e` and
 * refuse some methods, and Node's client drops an answer that comes before the request is sent
 * (a 431 to oversized headers). The body is read as it comes (chunked bodies keep their sizes).
 */
function raw(method: string, target: string, headers: Record<string, string> = {}, body = ''): Promise<Sent> {
  const { hostname, port } = new URL(server.url);
  const socket = connect(Number(port), hostname);
  const answer = answerOf(socket, `${method} ${target}`);
  // No half-close: `connection: close` has the server end the connection once it answered.
  socket.write(`${requestHead(method, target, headers, body)}${body}`);
  return answer;
}

/** A raw request whose head is sent now (the server reads its session) and whose body waits for `release()`. */
async function held(method: string, target: string, headers: Record<string, string>, body: string): Promise<{ release: () => Promise<Sent> }> {
  const { hostname, port } = new URL(server.url);
  const socket = connect(Number(port), hostname);
  const answer = answerOf(socket, `${method} ${target}`);
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  socket.write(requestHead(method, target, headers, body));
  // Until the server has read the head and loaded the session.
  await new Promise((resolve) => setTimeout(resolve, 300));
  return {
    release: () => {
      socket.write(body);
      return answer;
    },
  };
}

/** An attack that gets no answer fails rather than holding the run. */
const ATTACK_PATIENCE_MS = Math.min(PATIENCE_MS, 30_000);

function withinPatience<T>(promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ATTACK_PATIENCE_MS / 1000} s`)), ATTACK_PATIENCE_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function read(answer: Sent | Response): Promise<Sent> {
  if (typeof answer.body === 'string') return answer as Sent;
  answer = answer as Response;
  return { status: answer.status, headers: answer.headers, body: await answer.text() };
}

test(`${attacks.length} attacks by anonymous users, readers, editors and admins are refused, with no 5xx and no change to any table`, async () => {
  const before = await snapshot();
  const failures: string[] = [];
  for (const attack of attacks) {
    const context: AttackContext = { client: await clientAs(attack.as), as: clientAs, raw, held, postId };
    try {
      const sent = await withinPatience(attack.send(context).then(read));
      assert.ok(sent.status < 500, `answered ${sent.status}: ${sent.body.slice(0, 200)}`);
      attack.refused(sent);
      assert.equal(await snapshot(), before, 'a table changed');
    } catch (error) {
      if (process.env.HOSTILE_VERBOSE) console.error(attack.name, error);
      failures.push(`${attack.name} (as ${attack.as}): ${(error as Error).message.split('\n')[0]}`);
    } finally {
      // Each attack starts with no failed logins counted: one that guesses passwords must not
      // lock the next one's user out.
      await LoginFailure.objects.all().delete();
    }
  }
  assert.deepEqual(failures, [], `${failures.length} attacks were not refused:\n${failures.join('\n')}`);
});
