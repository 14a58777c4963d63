/**
 * `npm run tour`: a console tour of the blog example on a SQLite file (`npm start` serves the
 * blog on the web); it shows the ORM and the three ways of deleting without a browser.
 */
import { rmSync } from 'node:fs';
import { connect, Q, restoreDeletion } from 'trove';
import { Author, Comment, Post } from './models.ts';
import { seedDemo } from './seed.ts';

const file = process.env.TROVE_TOUR_DB ?? 'examples/blog/tour.db';
for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });

console.log(`Trove console tour: the blog example on SQLite (${file}).`);
console.log('(`npm start` serves the same blog on the web.)\n');

const db = await connect(`sqlite:${file}`);
await db.createTables();
await seedDemo();

const ann = await Author.objects.get({ email: 'ann@example.com' });
console.log(`${await Author.objects.count()} authors, ${await Post.objects.count()} posts, ${await Comment.objects.count()} comments.`);

console.log(`\nPosts by ${ann}:`);
for (const post of await ann.posts.all()) console.log(`  - ${post} [${post.status}]`);

const drafts = Post.objects.filter({ status: 'draft' });
console.log(`\nDrafts: ${(await drafts).map(String).join(', ')}`);

const commented = await Post.objects.filter({ comments__text__icontains: 'thanks' });
console.log(`Posts with a comment saying thanks: ${commented.map(String).join(', ')}`);

const either = await Post.objects.filter(Q({ status: 'draft' }).or({ tags__name: 'how-to' })).orderBy('title');
console.log(`Drafts or how-tos: ${either.map(String).join(', ')}`);

const withAuthors = await Comment.objects.selectRelated('post__author').orderBy('id');
console.log('\nComments, with their post and its author in one query:');
for (const c of withAuthors) console.log(`  "${c.text}" on "${c.post}" by ${c.post.author}`);

console.log('\nDeleting the drafts (posts have a trash)…');
const trashed = await drafts.delete({ actor: 'tour', reason: 'showing the trash' });
console.log(`  ${trashed.total} rows to the trash, operation ${trashed.deletionId}`);
console.log(`  ${await Post.objects.count()} live posts, ${await Post.deletedObjects.count()} in the trash.`);
await restoreDeletion(trashed.deletionId!);
console.log(`  restored: ${await Post.objects.count()} live posts again.`);

const plan = await ann.planDelete();
console.log(`\nDeleting ${ann} for real would take ${plan.total} rows:`, plan.byModel);
const { total, byModel } = await ann.delete();
console.log(`  deleted ${total} rows:`, byModel);
console.log(`  ${await Post.allObjects.count()} posts left, ${await Comment.objects.count()} comments.`);

await db.close();
console.log('\nDone. Next: `npm test` runs the test suite.');
