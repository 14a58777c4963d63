/**
 * The two servers bench/http.ts compares, each run in a child process of its own:
 * `trove` is the blog example (createBlogApp, sessions, CSRF, auth, JSX pages, the ORM);
 * `bare` is a bare Hono handler running the same queries through better-sqlite3 and writing the
 * same HTML with template strings. Prints `listening <port>` when ready.
 */
import { serve } from '@hono/node-server';
import Sqlite from 'better-sqlite3';
import { Hono } from 'hono';
import { connect } from 'trove';
import { createBlogApp } from '../../examples/blog/app.ts';

const [variant, file] = process.argv.slice(2) as ['trove' | 'bare', string];

async function troveFetch(): Promise<(request: Request) => Promise<Response>> {
  await connect(`sqlite:${file}`);
  return createBlogApp({ secretKey: 'bench-secret-key-long-enough' }).fetch;
}

function bareFetch(): (request: Request) => Response | Promise<Response> {
  const db = new Sqlite(file);
  db.pragma('journal_mode = WAL');
  const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const countPosts = db.prepare('select count(*) as n from blog_post where deleted_at is null');
  // The very statement Trove sends for `Post.objects.selectRelated('author').slice(…)`.
  const listPosts = db.prepare(
    'select p.id, p.title, p.content, p.status, p.author_id, p.created_at, p.deleted_at, p.deletion_id, a.id as a_id, a.name as author, a.email as a_email ' +
      'from blog_post p left join blog_author a on a.id = p.author_id where p.deleted_at is null order by p.created_at desc, p.id desc limit 50 offset ?',
  );
  const onePost = db.prepare('select id, title from blog_post where id = ? and deleted_at is null');
  const countComments = db.prepare('select count(*) as n from blog_comment where post_id = ? and deleted_at is null');
  const sampleComments = db.prepare('select id, text from blog_comment where post_id = ? and deleted_at is null order by id limit 5');
  const html = (title: string, body: string) =>
    new Response(`<!doctype html><html lang="en"><head><meta charset="utf-8"/><title>${escape(title)}</title><link rel="stylesheet" href="/static/blog.css"/></head><body><header><a href="/posts/">Trove blog</a></header><main>${body}</main></body></html>`, {
      headers: { 'content-type': 'text/html; charset=utf-8' },
    });
  const app = new Hono();
  app.get('/posts/', (c) => {
    const pages = Math.max(1, Math.ceil((countPosts.get() as { n: number }).n / 50));
    const page = Math.min(pages, Math.max(1, Number.parseInt(c.req.query('page') ?? '1', 10) || 1));
    const rows = listPosts.all((page - 1) * 50) as { id: number; title: string; status: string; author: string }[];
    const body = rows
      .map((p) => `<tr><td><a href="/posts/${p.id}/">${escape(p.title)}</a></td><td>${escape(p.author)}</td><td>${escape(p.status)}</td><td><a href="/posts/${p.id}/delete/">Delete</a> <a href="/posts/${p.id}/remove/">Remove</a></td></tr>`)
      .join('');
    return html('Posts', `<h1>Posts</h1><table><tbody>${body}</tbody></table><nav>Page ${page} of ${pages}</nav>`);
  });
  app.get('/posts/:id/remove/', (c) => {
    const id = Number(c.req.param('id'));
    const post = onePost.get(id) as { id: number; title: string } | undefined;
    if (post === undefined) return c.notFound();
    const comments = (countComments.get(id) as { n: number }).n;
    const sample = (sampleComments.all(id) as { text: string }[]).map((row) => escape(row.text)).join(', ');
    return html('Delete post?', `<h1>Are you sure?</h1><p>Delete “${escape(post.title)}”?</p><ul><li>Post: 1</li><li>Comments: ${comments}</li></ul><ul><li>Post: ${escape(post.title)}</li><li>Comments: ${sample}</li></ul><form method="post"><input type="hidden" name="csrfmiddlewaretoken" value="x"/><button>Yes, I’m sure</button></form>`);
  });
  return app.fetch;
}

const fetch = variant === 'trove' ? await troveFetch() : bareFetch();
serve({ fetch, hostname: '127.0.0.1', port: 0 }, (info) => console.log(`listening ${info.port}`));
