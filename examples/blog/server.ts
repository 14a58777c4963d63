/**
 * `npm start`: the blog at http://127.0.0.1:8000/ (PORT and HOST override) on a SQLite file with
 * demo data. The file is made and seeded when it does not exist, or anew with
 * `npm start -- --reset`; otherwise it is migrated and kept. A taken port is found before any
 * file is touched.
 */
import { existsSync, rmSync } from 'node:fs';
import { serve } from '@hono/node-server';
import { connect } from 'trove';
import { loadProject, migrateProject, portInUse } from 'trove/config';
import { createBlogApp } from './app.ts';
import { seedDemo, seedDemoUsers } from './seed.ts';

const file = process.env.TROVE_BLOG_DB ?? 'examples/blog/blog.db';
const host = process.env.HOST ?? '127.0.0.1';
const port = Number(process.env.PORT ?? 8000);
const reset = process.argv.includes('--reset');

if (port !== 0 && (await portInUse(host, port))) {
  console.error(`port ${port} is in use: PORT=${port + 1} npm start`);
  process.exit(1);
}

const fresh = reset || !existsSync(file);
if (reset) for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
const db = await connect(`sqlite:${file}`);
// The tables come from the blog's migrations (examples/blog/migrations), as `trove migrate` makes them.
await migrateProject(await loadProject({ configPath: new URL('./trove.config.ts', import.meta.url).pathname }), db);
if (fresh) {
  await seedDemo();
  await seedDemoUsers();
}

process.env.TROVE_BLOG_DEMO = '1';
const app = createBlogApp({ secretKey: process.env.TROVE_SECRET_KEY ?? 'blog-demo-secret-key-not-for-production', debug: true });
const server = serve({ fetch: app.fetch, hostname: host, port }, (info) => {
  console.log(`Trove blog: http://${host}:${info.port}/  (log in as admin / admin to delete and undo; Ctrl+C stops)${fresh ? '' : ' (the demo data as you left it; npm start -- --reset starts over)'}`);
});

const stop = () => server.close(() => void db.close().then(() => process.exit(0)));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
