/** The blog's URL patterns. */
import { fileURLToPath } from 'node:url';
import { DeleteView, include, neverCache, path, permissionRequired, redirect, restoreView, serveStatic } from 'trove/web';
import { site } from './admin.ts';
import { Post } from './models.ts';
import { loginView, logoutView, postDelete, postDetail, postList } from './views.tsx';

const staticFolder = fileURLToPath(new URL('./static/', import.meta.url));

export const urls = [
  path('', () => redirect('post_list')),
  path('posts/', postList, { name: 'post_list' }),
  path('posts/<int:id>/', postDetail, { name: 'post_detail' }),
  path('posts/<int:id>/delete/', permissionRequired('blog.delete_post', postDelete), { name: 'post_delete' }),
  path('posts/<int:id>/remove/', DeleteView.for(Post, { successUrl: 'post_list' }), { name: 'post_remove' }),
  path('trash/<uuid:deletionId>/restore/', restoreView({ successUrl: 'post_list' }), { name: 'restore' }),
  // Its form carries the visitor's own session and CSRF token: never cached (Django's LoginView).
  path('login/', neverCache(loginView), { name: 'login' }),
  path('logout/', logoutView, { name: 'logout' }),
  path('static/<path:file>', serveStatic(staticFolder), { name: 'static' }),
  path('admin/', include(site.urls)),
];
