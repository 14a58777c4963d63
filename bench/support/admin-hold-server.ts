/**
 * The server side of bench/admin-hold.ts: the blog (its admin as registered) on a SQLite file
 * of 100,000 posts, made on first use. It tells its parent, on request, the longest statement
 * since the last reset and the longest the event loop was held (both in ms).
 */
import { existsSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { atomic, connect } from 'trove';
import { createBlogApp } from '../../examples/blog/app.ts';
import { Author, Post } from '../../examples/blog/models.ts';
import { seedDemo, seedDemoUsers } from '../../examples/blog/seed.ts';
import { listen } from '../../test/support/web.ts';

const POSTS = Number(process.env.BENCH_POSTS ?? 100_000);
const file = process.argv[2]!;
const fresh = !existsSync(file);
let longest = 0;
const db = await connect(`sqlite:${file}`, { onQuery: (e) => void (longest = Math.max(longest, e.durationMs)) });
if (fresh) {
  await db.createTables();
  await seedDemo();
  await seedDemoUsers();
  const authors = await Author.objects.bulkCreate(Array.from({ length: 200 }, (_, i) => ({ name: `Author ${i}`, email: `a${i}@example.com` })));
  const words = 'lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore magna aliqua'.split(' ');
  for (let start = 0; start < POSTS; start += 5000) {
    await atomic(async () => {
      await Post.objects.bulkCreate(Array.from({ length: Math.min(5000, POSTS - start) }, (_, j) => {
        const i = start + j;
        // About 900 characters of the same nineteen words: every post matches a search of them.
        const content = Array.from({ length: 150 }, (_, k) => words[(i * 7 + k * 13) % words.length]).join(' ');
        return { title: `Post number ${i} ${words[i % words.length]}`, content, status: i % 3 ? 'published' : 'draft', author: authors[i % authors.length]! };
      }));
    });
  }
}
const server = await listen(createBlogApp({ secretKey: 'bench-only-secret-key-not-for-production' }));
const held = monitorEventLoopDelay({ resolution: 5 });
held.enable();
process.on('message', (message: string) => {
  if (message === 'reset') {
    longest = 0;
    held.reset();
    process.send!('ok');
  } else if (message === 'stats') process.send!(JSON.stringify({ longest, held: held.max / 1e6 }));
});
process.send!(server.url);
