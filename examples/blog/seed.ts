/** Demo data for the blog example. */
import { atomic } from 'trove';
import { Permission, User, syncPermissions } from 'trove/auth';
import { Author, Comment, Post, Tag } from './models.ts';

export async function seedDemo(): Promise<void> {
  await atomic(async () => {
    const ann = await Author.objects.create({ name: 'Ann Archer', email: 'ann@example.com' });
    const bob = await Author.objects.create({ name: 'Bob Baker', email: 'bob@example.com' });
    const [news, howto] = await Tag.objects.bulkCreate([{ name: 'news' }, { name: 'how-to' }]);
    const posts = await Post.objects.bulkCreate([
      { title: 'Welcome to Trove', content: 'Deleting data, safely.', status: 'published', author: ann },
      { title: 'Cascades explained', content: 'CASCADE, PROTECT, RESTRICT…', status: 'published', author: ann },
      { title: 'Half-finished thoughts', author: bob },
      { title: 'Another draft', author: bob },
    ]);
    await posts[0]!.tags.add(news!);
    await posts[1]!.tags.add(howto!, news!);
    await Comment.objects.bulkCreate([
      { post: posts[0]!, author: bob, text: 'Looks great.' },
      { post: posts[0]!, author: null, text: 'First!' },
      { post: posts[1]!, author: bob, text: 'Very clear, thanks.' },
    ]);
  });
}

/**
 * Demo accounts: `admin` may do anything; `editor` is staff who may change and delete posts but
 * not the comments a post takes with it (so the admin's "Cannot delete" can be seen); `reader`
 * has no permissions (so the 403s can be seen).
 */
export async function seedDemoUsers(): Promise<void> {
  await syncPermissions();
  await User.createSuperuser({ username: 'admin', email: 'admin@example.com', password: 'admin' });
  await User.createUser({ username: 'reader', password: 'reader' });
  const editor = await User.createUser({ username: 'editor', password: 'editor', isStaff: true });
  const grants = [['blog.Post', 'view_post'], ['blog.Post', 'change_post'], ['blog.Post', 'delete_post'], ['blog.Comment', 'view_comment']] as const;
  for (const [modelLabel, codename] of grants) await editor.userPermissions.add(await Permission.objects.get({ modelLabel, codename }));
}
