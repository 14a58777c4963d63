/** `trove/admin`: the admin site. `site.register(Post, { listDisplay: ['title', 'author'] })`. */
export { AdminSite, AlreadyRegistered, site, type AdminSiteOptions } from './site.ts';
export { checkAdminSite, checkModelAdmin } from './checks.ts';
export { ModelAdmin, type ModelAdminOptions, type ListColumn, type AdminModel, type ObjectView } from './options.ts';
export { UserAdmin, GroupAdmin, userAdminDefaults } from './auth-admin.ts';
export { AdminLayout, IndexPage, LoginPage, LoggedOutPage, ForbiddenPage, type AdminFrame } from './pages.tsx';
export { ChangeFormPage, HistoryPage, PasswordChangePage } from './form-pages.tsx';
export { ChangeListPage, type ChangeListProps } from './changelist-page.tsx';
export { type AdminAction, type AdminPermission } from './actions.ts';
