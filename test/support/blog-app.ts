/**
 * The blog example as an app under test: a fresh database with its demo data and accounts
 * before every test, the app, and (on demand) the same app over a real socket.
 */
import { after, before, beforeEach } from 'node:test';
import type { Database } from '../../src/index.ts';
import { createBlogApp } from '../../examples/blog/app.ts';
import { seedDemo, seedDemoUsers } from '../../examples/blog/seed.ts';
import { setupDatabase } from './database.ts';
import { listen, TestClient } from './web.ts';

export function useBlogApp(options: { socket?: boolean } = {}) {
  let db: Database;
  before(async () => {
    db = await setupDatabase();
  });
  beforeEach(async () => {
    await db.flush();
    await seedDemo();
    await seedDemoUsers();
  });
  after(() => db.close());
  const app = createBlogApp({ secretKey: 'blog-test-secret-key-long-enough' });
  let server: Awaited<ReturnType<typeof listen>> | undefined;
  if (options.socket) {
    before(async () => {
      server = await listen(app);
    });
    after(() => server?.close());
  }
  return {
    app,
    /** A browser-like client in process and, with `socket`, over a real socket. */
    transports: {
      'in process': () => TestClient.inProcess(app),
      ...(options.socket && { 'over a socket': () => TestClient.overSocket(server!.url) }),
    } as Record<string, () => TestClient>,
  };
}
