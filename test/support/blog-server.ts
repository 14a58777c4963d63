/**
 * The blog app in a process of its own, on a database another process (the test) made:
 * `node --import tsx test/support/blog-server.ts <database url>`. Prints `listening <url>` once it
 * serves on a free port of 127.0.0.1, and stops on SIGTERM. Tests use it to show that what holds
 * across requests holds across processes too.
 */
import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { connect } from '../../src/index.ts';
import { createBlogApp } from '../../examples/blog/app.ts';

const url = process.argv[2];
if (url === undefined) throw new Error('usage: blog-server.ts <database url>');
const db = await connect(url);
const app = createBlogApp({ secretKey: process.env.BLOG_SECRET_KEY ?? 'blog-test-secret-key-long-enough' });
const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info: AddressInfo) => {
  process.stdout.write(`listening http://127.0.0.1:${info.port}\n`);
});
process.once('SIGTERM', () => {
  (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
  server.close(() => void db.close().then(() => process.exit(0)));
});
