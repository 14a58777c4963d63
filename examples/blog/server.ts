/**
 * The blog at http://127.0.0.1:8000/ (PORT and HOST override) on a SQLite file with demo data.
 * The file is made and seeded when it does not exist, or anew with `--reset`; otherwise it is
 * migrated and kept. A taken port is found before any file is touched.
 *
 * `npm start` (or `npm run dev`) is the demo: debugging on, the sample secret key written below,
 * demo accounts with known passwords (admin / admin). `npm run serve` (`--no-debug`) serves for
 * real: debugging off, the secret key from TROVE_SECRET_KEY and the host names from
 * TROVE_ALLOWED_HOSTS (it refuses to start without them, or with the sample key), and no demo
 * accounts: make one with `npx trove createsuperuser` in examples/blog.
 */
import { existsSync, rmSync } from 'node:fs';
import { serve } from '@hono/node-server';
import { connect } from 'trove';
import { assertReadyToServe, ConfigError, loadProject, migrateProject, portInUse } from 'trove/config';
import { createBlogApp } from './app.ts';
import { seedDemo, seedDemoUsers } from './seed.ts';

/** Known to everyone who has the code: for the demo only, refused by `npm run serve`. */
const DEMO_SECRET_KEY = 'trove-insecure-blog-demo-secret-key';

const production = process.argv.includes('--no-debug');
const file = process.env.TROVE_BLOG_DB ?? 'examples/blog/blog.db';
const host = process.env.HOST ?? '127.0.0.1';
const port = Number(process.env.PORT ?? 8000);
const reset = process.argv.includes('--reset');

const secretKey = production ? process.env.TROVE_SECRET_KEY : process.env.TROVE_SECRET_KEY || DEMO_SECRET_KEY;
const allowedHosts = (process.env.TROVE_ALLOWED_HOSTS ?? '').split(',').map((name) => name.trim()).filter((name) => name !== '');
if (production) {
  try {
    assertReadyToServe({ secretKey, allowedHosts });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`npm run serve: ${error.message}`);
    process.exit(1);
  }
}

if (port !== 0 && (await portInUse(host, port))) {
  console.error(`port ${port} is in use: PORT=${port + 1} npm ${production ? 'run serve' : 'start'}`);
  process.exit(1);
}

const fresh = reset || !existsSync(file);
if (reset) for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
const db = await connect(`sqlite:${file}`);
// The tables come from the blog's migrations (examples/blog/migrations), as `trove migrate` makes them.
await migrateProject(await loadProject({ configPath: new URL('./trove.config.ts', import.meta.url).pathname }), db);
if (fresh) {
  await seedDemo();
  if (!production) await seedDemoUsers();
}

if (!production) process.env.TROVE_BLOG_DEMO = '1';
const app = createBlogApp({ secretKey: secretKey!, debug: !production, allowedHosts });
const server = serve({ fetch: app.fetch, hostname: host, port }, (info) => {
  const how = production
    ? ` (without debug, for ${allowedHosts.join(', ')}; make an account with: cd examples/blog && npx trove createsuperuser)`
    : '  (log in as admin / admin to delete and undo; Ctrl+C stops)';
  console.log(`Trove blog: http://${host}:${info.port}/${how}${fresh ? '' : ` (the demo data as you left it; npm ${production ? 'run serve' : 'start'} -- --reset starts over)`}`);
});

const stop = () => server.close(() => void db.close().then(() => process.exit(0)));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
