// @backends: sqlite-only
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { include, NoReverseMatch, path, reverse, UrlResolver, createApp, type ParamsOf } from '../../src/web/index.ts';

const ok = () => new Response('ok');
const blog = [
  path('', ok, { name: 'post_list' }),
  path('<int:id>/', ok, { name: 'post_detail' }),
  path('<int:id>/delete/', ok, { name: 'post_delete' }),
  path('tag/<slug:tag>/', ok, { name: 'tag' }),
  path('by/<str:author>/', ok, { name: 'by_author' }),
  path('u/<uuid:key>/', ok, { name: 'by_key' }),
  path('files/<path:rest>', ok, { name: 'file' }),
];
const resolver = new UrlResolver([path('posts/', include(blog)), path('about/', ok, { name: 'about' })]);

test('patterns resolve with converted values, prefixes from include()', () => {
  assert.deepEqual(resolver.resolve('/posts/')?.route.name, 'post_list');
  const detail = resolver.resolve('/posts/42/')!;
  assert.equal(detail.route.name, 'post_detail');
  assert.deepEqual(detail.params, { id: 42 });
  assert.deepEqual(resolver.resolve('/posts/tag/new-stuff_1/')!.params, { tag: 'new-stuff_1' });
  assert.deepEqual(resolver.resolve('/posts/by/Ann%20Archer/')!.params, { author: 'Ann Archer' });
  assert.deepEqual(resolver.resolve('/posts/files/a/b/c.txt')!.params, { rest: 'a/b/c.txt' });
  assert.equal(resolver.resolve('/posts/abc/'), undefined);
  assert.equal(resolver.resolve('/posts/42'), undefined);
  assert.equal(resolver.resolve('/posts/u/not-a-uuid/'), undefined);
  assert.equal(resolver.resolve('/nowhere/'), undefined);
});

test('reverse builds URLs and refuses unknown names and values that do not fit', () => {
  assert.equal(resolver.reverse('post_list'), '/posts/');
  assert.equal(resolver.reverse('post_delete', { id: 3 }), '/posts/3/delete/');
  assert.equal(resolver.reverse('by_author', { author: 'Ann Archer' }), '/posts/by/Ann%20Archer/');
  assert.equal(resolver.reverse('about'), '/about/');
  assert.throws(() => resolver.reverse('nope'), NoReverseMatch);
  assert.throws(() => resolver.reverse('post_delete', { id: 'abc' }), /does not fit/);
  assert.throws(() => resolver.reverse('post_delete'), NoReverseMatch);
  assert.throws(() => resolver.reverse('tag', { tag: 'has space' }), NoReverseMatch);
});

test('the module-level reverse() uses the app created last', () => {
  createApp({ urls: [path('x/<int:n>/', ok, { name: 'x' })] });
  assert.equal(reverse('x', { n: 7 }), '/x/7/');
  assert.throws(() => reverse('post_list'), NoReverseMatch);
});

test('bad patterns are refused when defined', () => {
  assert.throws(() => path('/leading/', ok), /no leading slash/);
  assert.throws(() => path('<float:x>/', ok), /Unknown path converter 'float'/);
});

// Type-level: the view's params follow the pattern.
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const typed: Equal<ParamsOf<'posts/<int:id>/<slug:slug>/'>, { id: number; slug: string }> = true;
const none: Equal<ParamsOf<'posts/'>, {}> = true;
void none;
path('posts/<int:id>/', (request) => new Response(String(request.params.id + 1)));
// @ts-expect-error an int parameter is a number
path('posts/<int:id>/', (request) => new Response(request.params.id.toUpperCase()));
void typed;

test("during a request, reverse() means that app's patterns, whichever app was created last", async () => {
  const first = createApp({ urls: [path('one/', () => new Response(reverse('home')), { name: 'here' }), path('first-home/', ok, { name: 'home' })] });
  const second = createApp({ urls: [path('two/', () => new Response(reverse('home'))), path('second-home/', ok, { name: 'home' })] });
  assert.equal(await (await first.request('http://localhost/one/')).text(), '/first-home/');
  assert.equal(await (await second.request('http://localhost/two/')).text(), '/second-home/');
  assert.equal(reverse('home'), '/second-home/', 'outside a request: the app created last');
});
