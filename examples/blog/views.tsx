/** The blog's views: functions from a request to a response, as in Django. */
import { authenticate, DeletionNotPermitted, getObjectOr404, login, logout, mayDelete, mayUndo, messages, redirect, redirectToUrl, render, reverse, urlHasAllowedHostAndScheme, type ViewRequest } from 'trove/web';
import { Comment, Post } from './models.ts';
import { ConfirmPostDelete, LoginPage, PostDetail, PostList } from './pages.tsx';

const PER_PAGE = 50;

export async function postList(request: ViewRequest) {
  const pages = Math.max(1, Math.ceil((await Post.objects.count()) / PER_PAGE));
  const page = Math.min(pages, Math.max(1, Number.parseInt(request.url.searchParams.get('page') ?? '1', 10) || 1));
  const posts = await Post.objects.selectRelated('author').slice((page - 1) * PER_PAGE, page * PER_PAGE);
  return render(request, <PostList posts={posts} page={page} pages={pages} />);
}

export async function postDetail(request: ViewRequest<{ id: number }>) {
  const post = await getObjectOr404(Post.objects.selectRelated('author'), { id: request.params.id });
  const tags = (await post.tags.all()).map((t) => t.name);
  const comments = (await Comment.objects.filter({ post }).selectRelated('author').orderBy('id')).map((c) => ({ text: c.text, by: c.author?.name ?? 'anonymous' }));
  return render(request, <PostDetail post={post} tags={tags} comments={comments} />);
}

/**
 * Deleting by hand, exactly as a Django view would: fetch or 404, confirm on GET, delete on
 * POST and redirect. `mayDelete` checks the user may delete everything the delete takes (the
 * post's comments too) before it writes anything. The delete is soft, so the message carries
 * an Undo button, for users who may restore what it took.
 */
export async function postDelete(request: ViewRequest<{ id: number }>) {
  const post = await getObjectOr404(Post, { id: request.params.id });
  if (request.method === 'POST') {
    try {
      const { deletionId, byModel } = await post.delete({ actor: request.user.username, source: 'view', authorize: mayDelete(request) });
      const undo = (await mayUndo(request, byModel)) ? { undoUrl: reverse('restore', { deletionId }) } : undefined;
      messages.success(request, `Deleted “${post}”.`, undo);
      return redirect('post_list');
    } catch (error) {
      if (!(error instanceof DeletionNotPermitted)) throw error;
      return render(request, <ConfirmPostDelete post={post} comments={await post.comments.count()} refused={error.message} />, 403);
    }
  }
  return render(request, <ConfirmPostDelete post={post} comments={await post.comments.count()} />);
}

export async function loginView(request: ViewRequest) {
  const demo = process.env.TROVE_BLOG_DEMO === '1';
  if (request.method === 'POST') {
    const form = await request.form();
    const next = safeNext(request, String(form.get('next') ?? ''));
    const user = await authenticate(String(form.get('username') ?? ''), String(form.get('password') ?? ''), request);
    if (user !== null) {
      await login(request, user);
      return redirectToUrl(next);
    }
    return render(request, <LoginPage next={next} failed demo={demo} />, 200);
  }
  return render(request, <LoginPage next={safeNext(request, request.url.searchParams.get('next') ?? '')} failed={false} demo={demo} />);
}

export async function logoutView(request: ViewRequest) {
  if (request.method !== 'POST') return redirect('post_list');
  logout(request);
  return redirect('post_list');
}

/** Only this site: `?next=https://evil.example/` must not turn the login into a redirector. */
function safeNext(request: ViewRequest, next: string): string {
  return urlHasAllowedHostAndScheme(next, { allowedHosts: [request.url.host], requireHttps: request.url.protocol === 'https:' }) ? next : reverse('post_list');
}
