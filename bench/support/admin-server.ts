/**
 * The Trove side of bench/admin.ts: an admin site with the same Comment and Author admins as
 * bench/django/blog/admin.py, over the database URL given as the first argument.
 */
import { serve } from '@hono/node-server';
import { connect } from 'trove';
import { AdminSite } from 'trove/admin';
import { createApp, include, path } from 'trove/web';
import { Author, Comment } from '../../examples/blog/models.ts';

const db = await connect(process.argv[2]!);
const site = new AdminSite();
site.register(Comment, { listDisplay: ['__str__', 'post', 'author'], searchFields: ['text'], listPerPage: 100 });
site.register(Author, { listDisplay: ['name', 'email'], searchFields: ['name'], listPerPage: 100 });
const app = createApp({ urls: [path('admin/', include(site.urls))], secretKey: 'bench-only-secret-key-not-for-production' });
const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info) => console.log(`listening ${info.port}`));
process.once('SIGTERM', () => server.close(() => void db.close().then(() => process.exit(0))));
