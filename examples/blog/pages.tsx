/** The blog's pages: plain hono/jsx components inside one frame. */
import type { InstanceOfClass } from 'trove';
import { BaseLayout, CsrfField, reverse, useRequest, type LayoutProps } from 'trove/web';
import type { Post, PostRow } from './models.ts';

type PostWithAuthor = InstanceOfClass<typeof Post> & { author: { name: string } };

/** The site's frame; DeleteView's confirmation page renders inside it too (createApp({ layout })). */
export function BlogLayout({ title, children }: LayoutProps) {
  const { user } = useRequest();
  return (
    <BaseLayout
      title={`${title} · Trove blog`}
      stylesheets={[reverse('static', { file: 'blog.css' })]}
      header={
        <header>
          <a href={reverse('post_list')} class="brand">Trove blog</a>
          {user.isAuthenticated ? (
            <form method="post" action={reverse('logout')} class="account">
              Signed in as <strong>{user.username}</strong> <CsrfField /> <button type="submit">Log out</button>
            </form>
          ) : (
            <a href={reverse('login')} class="account">Log in</a>
          )}
        </header>
      }
    >
      {children}
    </BaseLayout>
  );
}

export function PostList({ posts, page, pages }: { posts: PostWithAuthor[]; page: number; pages: number }) {
  return (
    <BlogLayout title="Posts">
      <h1>Posts</h1>
      <table class="posts">
        <thead>
          <tr><th>Title</th><th>Author</th><th>Status</th><th></th></tr>
        </thead>
        <tbody>
          {posts.map((post) => (
            <tr>
              <td><a href={reverse('post_detail', { id: post.id })}>{post.title}</a></td>
              <td>{post.author.name}</td>
              <td>{post.status}</td>
              <td class="actions">
                <a href={reverse('post_delete', { id: post.id })}>Delete</a>{' '}
                <a href={reverse('post_remove', { id: post.id })} title="The same, through the generic DeleteView">Remove</a>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {posts.length === 0 && <p>No posts.</p>}
      {pages > 1 && (
        <nav class="pages">
          {page > 1 && <a href={`?page=${page - 1}`} rel="prev">Newer</a>} Page {page} of {pages}{' '}
          {page < pages && <a href={`?page=${page + 1}`} rel="next">Older</a>}
        </nav>
      )}
    </BlogLayout>
  );
}

export function PostDetail({ post, tags, comments }: { post: PostWithAuthor; tags: string[]; comments: { text: string; by: string }[] }) {
  return (
    <BlogLayout title={post.title}>
      <article>
        <h1>{post.title}</h1>
        <p class="byline">by {post.author.name} · {post.status}{tags.length > 0 ? ` · ${tags.join(', ')}` : ''}</p>
        <p>{post.content}</p>
      </article>
      <h2>Comments ({comments.length})</h2>
      <ul class="comments">
        {comments.map((c) => <li>{c.text} <span class="by">{c.by}</span></li>)}
      </ul>
      <p class="actions">
        <a href={reverse('post_delete', { id: post.id })}>Delete this post</a>
      </p>
    </BlogLayout>
  );
}

/** The hand-written confirmation page, as a Django template would be. */
export function ConfirmPostDelete({ post, comments, refused }: { post: PostRow; comments: number; refused?: string }) {
  return (
    <BlogLayout title="Delete post?">
      <h1>Delete “{post.title}”?</h1>
      {refused !== undefined && <p class="error" role="alert">Nothing was deleted. {refused}</p>}
      <p>
        Are you sure you want to delete “{post.title}”{comments > 0 ? ` and its ${comments} ${comments === 1 ? 'comment' : 'comments'}` : ''}?
        Everything goes to the trash, and you can undo it.
      </p>
      <form method="post">
        <CsrfField />
        <button type="submit">Yes, delete</button> <a href={reverse('post_detail', { id: post.id })}>Cancel</a>
      </form>
    </BlogLayout>
  );
}

export function LoginPage({ next, failed, demo }: { next: string; failed: boolean; demo: boolean }) {
  return (
    <BlogLayout title="Log in">
      <h1>Log in</h1>
      {failed && <p class="error" role="alert">Please enter a correct username and password.</p>}
      <form method="post" class="login">
        <CsrfField />
        <input type="hidden" name="next" value={next} />
        <label>Username <input name="username" autocomplete="username" required /></label>
        <label>Password <input name="password" type="password" autocomplete="current-password" required /></label>
        <button type="submit">Log in</button>
      </form>
      {demo && <p class="hint">Demo accounts: <code>admin</code> / <code>admin</code> (may delete and undo), <code>reader</code> / <code>reader</code> (may not).</p>}
    </BlogLayout>
  );
}
