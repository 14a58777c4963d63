/**
 * The admin site: `site.register(Post, { listDisplay, … })`, then
 * `path('admin/', include(site.urls))`. URLs and form fields are Django's, so Django users (and
 * their tools) find their way: `/admin/`, `/admin/login/`, `/admin/<app>/`, `/admin/<app>/<model>/`.
 * Only active staff get in; per-model permissions decide what each page shows.
 */
import { fileURLToPath } from 'node:url';
import { Group, LoginThrottled, User } from '../auth/index.ts';
import { capitalise, ForeignKeyField, ManyToManyField, type FieldsOf, type ModelMeta } from '../orm/index.ts';
import {
  authenticate, Http404, login, logout, neverCache, path, redirect, redirectToUrl, render, reverse, serveStatic, urlHasAllowedHostAndScheme,
  type UrlPattern, type ViewRequest,
} from '../web/index.ts';
import type { AdminAction } from './actions.ts';
import { applySearch } from './search.ts';
import { changelistView } from './changelist-view.ts';
import type { SiteContext } from './context.ts';
import { deleteObjectView, deleteSelectedAction } from './delete.ts';
import { TrashViews } from './trash.ts';
import { OperationViews } from './operations.ts';
import { ModelAdmin, type AdminModel, type ModelAdminOptions } from './options.ts';
import { changeForm, type ChangeFormContext } from './changeform.ts';
import { recentActions } from './recent-actions.ts';
import { PasswordChangePage } from './form-pages.tsx';
import { historyPage, mayDelete, mayView, objectOf, type ObjectPermission } from './object-pages.ts';
import { ForbiddenPage, IndexPage, LoggedOutPage, LoginPage, type AdminFrame, type AppEntry } from './pages.tsx';
import { isStaff, modelVisibility } from './permissions.ts';
import { GroupAdmin, UserAdmin } from './auth-admin.ts';
import { passwordChangeView } from './password-change.ts';

const STATIC = fileURLToPath(new URL('./static/', import.meta.url));

export interface AdminSiteOptions {
  /** The namespace of the site's URL names (default 'admin': `reverse('admin:index')`). */
  name?: string;
  /** The heading of every page (default "Trove administration"). */
  siteHeader?: string;
  /** The end of every page title (default "Trove site admin"). */
  siteTitle?: string;
  /** The index page's heading (default "Site administration"). */
  indexTitle?: string;
}

/** The instances of a model class, for typing computed columns and hooks. */
type InstanceOf<M> = M extends abstract new (...args: any) => infer I ? I : any;

export class AlreadyRegistered extends Error {
  override name = 'AlreadyRegistered';
}

/** Every site made in this process, for the system checks (the CLI checks what a project built). */
const sites = new Set<AdminSite>();

export class AdminSite {
  /** The sites made so far, in order. */
  static all(): AdminSite[] {
    return [...sites];
  }

  readonly name: string;
  readonly siteHeader: string;
  readonly siteTitle: string;
  readonly indexTitle: string;
  private readonly registry = new Map<string, ModelAdmin>();
  /** Actions offered on every model's list (Django's AdminSite.add_action). */
  private readonly actions = new Map<string, AdminAction>();
  private readonly trash = new TrashViews(() => this.context(), () => [...this.registry.values()]);
  private readonly operations = new OperationViews(() => this.context(), () => [...this.registry.values()]);

  constructor(options: AdminSiteOptions = {}) {
    this.name = options.name ?? 'admin';
    this.siteHeader = options.siteHeader ?? 'Trove administration';
    this.siteTitle = options.siteTitle ?? 'Trove site admin';
    this.indexTitle = options.indexTitle ?? 'Site administration';
    this.addAction(deleteSelectedAction(() => this.context()));
    this.addAction(deleteSelectedAction(() => this.context(), true));
    sites.add(this);
  }

  /** The registered models, with their options. */
  modelAdmins(): ModelAdmin[] {
    return [...this.registry.values()];
  }

  /** The names of the actions offered on every list. */
  actionNames(): string[] {
    return [...this.actions.keys()];
  }

  /** What the site's views need of it: its frame, its URLs, its registered models. */
  context(): SiteContext {
    return { frame: this.frame(), url: (name, params) => this.url(name, params), adminFor: (label) => this.registry.get(label) };
  }

  /**
   * Registers a model (or several) with Django's ModelAdmin options, or with an admin of its own
   * (Django's `register(User, UserAdmin)`): `site.register(User, new UserAdmin({ … }))`.
   */
  register<M extends AdminModel>(model: M | readonly M[], options: ModelAdminOptions<InstanceOf<M>, FieldsOf<M>> | ModelAdmin<InstanceOf<M>> = {}): void {
    for (const m of Array.isArray(model) ? (model as readonly M[]) : [model as M]) {
      if (this.registry.has(m.meta.label)) throw new AlreadyRegistered(`The model ${m.meta.label} is already registered with the admin site '${this.name}'.`);
      if (options instanceof ModelAdmin && options.meta !== m.meta) throw new TypeError(`An admin of ${options.meta.label} cannot be registered for ${m.meta.label}.`);
      this.registry.set(m.meta.label, options instanceof ModelAdmin ? options : new ModelAdmin(m, options as ModelAdminOptions<InstanceOf<M>, any>));
    }
  }

  /** Offers an action on every registered model's list. */
  addAction(action: AdminAction): void {
    this.actions.set(action.name, action);
  }

  /** Withdraws a site-wide action: `site.disableAction('delete_selected')`. */
  disableAction(name: string): void {
    if (!this.actions.delete(name)) throw new Error(`The admin site '${this.name}' has no action '${name}'.`);
  }

  unregister(model: AdminModel): void {
    this.registry.delete(model.meta.label);
  }

  isRegistered(model: AdminModel): boolean {
    return this.registry.has(model.meta.label);
  }

  /** The registered model with this app label and lower-case name, if any. */
  modelAdmin(app: string, model: string): ModelAdmin | undefined {
    for (const admin of this.registry.values()) if (admin.meta.appLabel === app && admin.meta.modelName === model) return admin;
    return undefined;
  }

  private url(name: string, params?: Record<string, unknown>): string {
    return reverse(`${this.name}:${name}`, params);
  }

  private frame(): AdminFrame {
    return {
      siteHeader: this.siteHeader,
      siteTitle: this.siteTitle,
      urls: {
        index: this.url('index'),
        logout: this.url('logout'),
        passwordChange: this.url('password_change'),
        trash: this.url('trash'),
        operations: this.url('operations'),
        stylesheet: this.url('static', { file: 'admin.css' }),
        script: this.url('static', { file: 'admin.js' }),
        favicon: this.url('static', { file: 'favicon.svg' }),
      },
    };
  }

  /**
   * Admin pages are for active staff only, and never cached (Django's admin_view and
   * never_cache); they are never shown in a frame either (X-Frame-Options, frame-ancestors).
   */
  private staffOnly<P>(view: (request: ViewRequest<P>) => Promise<Response>) {
    return neverCache(async (request: ViewRequest<P>): Promise<Response> => {
      if (!isStaff(request)) {
        const next = request.url.pathname + request.url.search;
        return redirect(`${this.url('login')}?next=${encodeURIComponent(next)}`);
      }
      return view(request);
    });
  }

  /** The patterns to mount: `path('admin/', include(site.urls))`. */
  get urls(): UrlPattern[] {
    const n = this.name;
    return [
      path('', this.staffOnly((r) => this.index(r)), { name: `${n}:index` }),
      path('login/', neverCache((r) => this.loginView(r)), { name: `${n}:login` }),
      path('logout/', neverCache((r) => this.logoutView(r)), { name: `${n}:logout` }),
      path('static/<path:file>', serveStatic(STATIC), { name: `${n}:static` }),
      path('autocomplete/', this.staffOnly((r) => this.autocomplete(r)), { name: `${n}:autocomplete` }),
      path('password_change/', this.staffOnly((r) => passwordChangeView(r, this.frame(), this.url('password_change_done'))), { name: `${n}:password_change` }),
      path('password_change/done/', this.staffOnly(async (r) => render(r, PasswordChangePage({ frame: this.frame(), errors: {}, done: true }))), { name: `${n}:password_change_done` }),
      path('trash/', this.staffOnly((r) => this.trash.list(r)), { name: `${n}:trash` }),
      path('trash/<uuid:deletionId>/', this.staffOnly((r) => this.trash.detail(r)), { name: `${n}:trash_detail` }),
      path('trash/<uuid:deletionId>/restore/', this.staffOnly((r) => this.trash.restore(r)), { name: `${n}:trash_restore` }),
      path('trash/<uuid:deletionId>/purge/', this.staffOnly((r) => this.trash.purge(r)), { name: `${n}:trash_purge` }),
      path('operations/', this.staffOnly((r) => this.operations.list(r)), { name: `${n}:operations` }),
      path('operations/<uuid:id>/', this.staffOnly((r) => this.operations.detail(r)), { name: `${n}:operation` }),
      path('operations/<uuid:id>/pause/', this.staffOnly((r) => this.operations.control(r, 'pause')), { name: `${n}:operation_pause` }),
      path('operations/<uuid:id>/resume/', this.staffOnly((r) => this.operations.control(r, 'resume')), { name: `${n}:operation_resume` }),
      path('operations/<uuid:id>/cancel/', this.staffOnly((r) => this.operations.control(r, 'cancel')), { name: `${n}:operation_cancel` }),
      path('<str:app>/', this.staffOnly((r) => this.appIndex(r)), { name: `${n}:app_list` }),
      path('<str:app>/<str:model>/', this.staffOnly((r) => this.changelist(r)), { name: `${n}:changelist` }),
      path('<str:app>/<str:model>/trash/', this.staffOnly((r) => this.trash.modelTrash(this.modelAdmin(r.params.app, r.params.model) ?? notFound(), r)), { name: `${n}:model_trash` }),
      path('<str:app>/<str:model>/add/', this.staffOnly((r) => this.addView(r)), { name: `${n}:add` }),
      path('<str:app>/<str:model>/<str:pk>/change/', this.staffOnly((r) => this.changeView(r)), { name: `${n}:change` }),
      path('<str:app>/<str:model>/<str:pk>/delete/', this.staffOnly((r) => this.deleteView(r)), { name: `${n}:delete` }),
      path('<str:app>/<str:model>/<str:pk>/history/', this.staffOnly((r) => this.historyView(r)), { name: `${n}:history` }),
      path('<str:app>/<str:model>/<str:pk>/<str:view>/', this.staffOnly((r) => this.objectView(r)), { name: `${n}:object_view` }),
      path('<str:app>/<str:model>/<str:pk>/', this.staffOnly(async (r) => redirect(this.url('change', r.params))), { name: `${n}:object` }),
    ];
  }

  // ---- login and logout ------------------------------------------------------------------------

  private safeNext(request: ViewRequest<any>, next: string | null): string {
    return next && urlHasAllowedHostAndScheme(next, { allowedHosts: [request.url.host], requireHttps: request.url.protocol === 'https:' }) ? next : this.url('index');
  }

  private async loginView(request: ViewRequest<any>): Promise<Response> {
    const frame = this.frame();
    if (request.method === 'POST') {
      const form = await request.form();
      const next = this.safeNext(request, String(form.get('next') ?? ''));
      try {
        const user = await authenticate(String(form.get('username') ?? ''), String(form.get('password') ?? ''), request);
        if (user !== null && user.isStaff) {
          await login(request, user);
          return redirectToUrl(next);
        }
      } catch (error) {
        if (!(error instanceof LoginThrottled)) throw error;
        const response = await render(request, LoginPage({ frame, next, failed: false, throttled: error.message }), 429);
        response.headers.set('retry-after', String(error.retryAfterSeconds));
        return response;
      }
      return render(request, LoginPage({ frame, next, failed: true }), 200);
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') return new Response(null, { status: 405, headers: { allow: 'GET, POST' } });
    const next = this.safeNext(request, request.url.searchParams.get('next'));
    if (isStaff(request)) return redirectToUrl(next);
    return render(request, LoginPage({ frame, next, failed: false }));
  }

  /** Logging out changes state, so it is a POST only (Django 5's rule). */
  private async logoutView(request: ViewRequest<any>): Promise<Response> {
    if (request.method !== 'POST') return new Response('Log out with a POST.', { status: 405, headers: { allow: 'POST' } });
    logout(request);
    return render(request, LoggedOutPage({ frame: this.frame(), loginUrl: this.url('login') }));
  }

  /**
   * Django's autocomplete JSON for a relation's widget: `?app_label=&model_name=&field_name=&term=&page=`
   * gives `{ results: [{ id, text }], pagination: { more } }`, searched with the related model's
   * searchFields. Anything that does not name a searchable relation the user may view is a 403.
   */
  private async autocomplete(request: ViewRequest<any>): Promise<Response> {
    const params = request.url.searchParams;
    const refuse = () => new Response('Forbidden', { status: 403 });
    const source = this.modelAdmin(params.get('app_label') ?? '', params.get('model_name') ?? '');
    const field = source?.meta.field(params.get('field_name') ?? '');
    if (source === undefined || !(field instanceof ForeignKeyField || field instanceof ManyToManyField)) return refuse();
    const target = this.registry.get(field.target.label);
    if (target === undefined || (target.options.searchFields ?? []).length === 0 || !(await target.hasViewPermission(request))) return refuse();
    const pageText = params.get('page') ?? '1';
    const page = /^[1-9][0-9]{0,6}$/.test(pageText) ? Number(pageText) : 1;
    const perPage = 20;
    const qs = applySearch(target.getQueryset(request), target, params.get('term') ?? '').orderBy(target.meta.pk.name);
    const rows = (await qs.slice((page - 1) * perPage, page * perPage + 1)) as Record<string, unknown>[];
    const results = rows.slice(0, perPage).map((o) => ({ id: String(o[target.meta.pk.attname]), text: String(o) }));
    return Response.json({ results, pagination: { more: rows.length > perPage } });
  }

  // ---- index and app index -------------------------------------------------------------------

  private async apps(request: ViewRequest<any>, onlyApp?: string): Promise<AppEntry[]> {
    const byApp = new Map<string, AppEntry>();
    const admins = [...this.registry.values()].filter((a) => onlyApp === undefined || a.meta.appLabel === onlyApp).sort((a, b) => a.meta.verboseNamePlural.localeCompare(b.meta.verboseNamePlural));
    for (const admin of admins) {
      const meta = admin.meta;
      const canView = await admin.hasViewPermission(request);
      const canAdd = await admin.hasAddPermission(request);
      if (!canView && !canAdd) continue;
      let app = byApp.get(meta.appLabel);
      if (app === undefined) byApp.set(meta.appLabel, (app = { label: meta.appLabel, name: appName(meta), url: this.url('app_list', { app: meta.appLabel }), models: [] }));
      app.models.push({
        name: capitalise(meta.verboseNamePlural),
        url: canView ? this.url('changelist', { app: meta.appLabel, model: meta.modelName }) : undefined,
        addUrl: canAdd ? this.url('add', { app: meta.appLabel, model: meta.modelName }) : undefined,
      });
    }
    return [...byApp.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  private async index(request: ViewRequest<any>): Promise<Response> {
    const recent = await recentActions(this.context(), request);
    return render(request, IndexPage({ frame: this.frame(), apps: await this.apps(request), title: this.indexTitle, recent }));
  }

  // ---- add, change, history ------------------------------------------------------------------

  private formContext(admin: ModelAdmin, request: ViewRequest<any>): ChangeFormContext {
    const meta = admin.meta;
    const names = { app: meta.appLabel, model: meta.modelName };
    return {
      frame: this.frame(),
      crumbs: [['Home', this.url('index')], [appName(meta), this.url('app_list', { app: meta.appLabel })], [capitalise(meta.verboseNamePlural), this.url('changelist', names)]],
      changelistUrl: this.url('changelist', names),
      addUrl: this.url('add', names),
      changeUrl: (pk) => this.url('change', { ...names, pk: String(pk) }),
      historyUrl: (pk) => this.url('history', { ...names, pk: String(pk) }),
      deleteUrl: (pk) => this.url('delete', { ...names, pk: String(pk) }),
      autocomplete: (field) => {
        const target = this.registry.get(field.target.label);
        if (target === undefined || (target.options.searchFields ?? []).length === 0) return undefined;
        return `${this.url('autocomplete')}?${new URLSearchParams({ app_label: meta.appLabel, model_name: meta.modelName, field_name: field.name })}`;
      },
    };
  }

  /**
   * The registered model of the URL and the object its `pk` names, once `may` allows it (else
   * undefined: a 403 whether the object exists or not); a 404 for a missing or malformed one.
   */
  private async objectOf(request: ViewRequest<{ app: string; model: string; pk: string }>, may: ObjectPermission, options: { trash?: boolean } = {}): Promise<{ admin: ModelAdmin; object: any } | undefined> {
    const admin = this.modelAdmin(request.params.app, request.params.model) ?? notFound();
    const found = await objectOf(admin, request, request.params.pk, may, options);
    return found && { admin, object: found.object };
  }

  private forbidden(request: ViewRequest<any>): Promise<Response> {
    return render(request, ForbiddenPage({ frame: this.frame() }), 403);
  }

  private async addView(request: ViewRequest<{ app: string; model: string }>): Promise<Response> {
    const admin = this.modelAdmin(request.params.app, request.params.model) ?? notFound();
    if (!(await admin.hasAddPermission(request))) return render(request, ForbiddenPage({ frame: this.frame() }), 403);
    if (admin.addView) return admin.addView(request, this.formContext(admin, request));
    return changeForm(admin, request, undefined, this.formContext(admin, request));
  }

  private async changeView(request: ViewRequest<{ app: string; model: string; pk: string }>): Promise<Response> {
    const found = await this.objectOf(request, mayView);
    if (found === undefined) return this.forbidden(request);
    return changeForm(found.admin, request, found.object, this.formContext(found.admin, request));
  }

  /** A page an admin adds for one object (UserAdmin's `<pk>/password/`); a 404 for any other name. */
  private async objectView(request: ViewRequest<{ app: string; model: string; pk: string; view: string }>): Promise<Response> {
    const admin = this.modelAdmin(request.params.app, request.params.model) ?? notFound();
    const view = Object.hasOwn(admin.objectViews(), request.params.view) ? admin.objectViews()[request.params.view] : undefined;
    if (view === undefined) notFound();
    // The view checks its own permission on the object; whether there is one is told only to who may view the model.
    const found = await this.objectOf(request, (a, r, object) => object !== undefined || a.hasViewPermission(r));
    if (found === undefined) return this.forbidden(request);
    return view(request, found.object, this.formContext(admin, request));
  }

  private async deleteView(request: ViewRequest<{ app: string; model: string; pk: string }>): Promise<Response> {
    const found = await this.objectOf(request, mayDelete);
    if (found === undefined) return this.forbidden(request);
    return deleteObjectView(found.admin, request, found.object, this.context());
  }

  private async historyView(request: ViewRequest<{ app: string; model: string; pk: string }>): Promise<Response> {
    const found = await this.objectOf(request, mayView, { trash: true });
    if (found === undefined) return this.forbidden(request);
    return historyPage(found.admin, request, found.object, this.formContext(found.admin, request), (deletionId) => this.url('trash_detail', { deletionId }));
  }

  private async appIndex(request: ViewRequest<{ app: string }>): Promise<Response> {
    const apps = await this.apps(request, request.params.app);
    if (apps.length === 0) notFound();
    return render(request, IndexPage({ frame: this.frame(), apps, title: `${apps[0]!.name} administration` }));
  }

  // ---- changelist ----------------------------------------------------------------------------

  private async changelist(request: ViewRequest<{ app: string; model: string }>): Promise<Response> {
    const admin = this.modelAdmin(request.params.app, request.params.model) ?? notFound();
    const meta = admin.meta;
    const names = { app: meta.appLabel, model: meta.modelName };
    return changelistView(admin, request, {
      frame: this.frame(),
      appCrumb: [appName(meta), this.url('app_list', { app: meta.appLabel })],
      addUrl: this.url('add', names),
      trashUrl: this.url('model_trash', names),
      changeUrl: (pk) => this.url('change', { ...names, pk: String(pk) }),
      siteActions: [...this.actions.values()],
      mayView: modelVisibility(this.context(), request),
    });
  }
}

function appName(meta: ModelMeta): string {
  return capitalise(meta.appLabel);
}

function notFound(): never {
  throw new Http404('No such page in the admin.');
}

/**
 * The default site: `import { site } from 'trove/admin'`. Users and groups come registered, as
 * Django's contrib.auth.admin does; `site.unregister(User)` and register your own to change that.
 */
export const site = new AdminSite();
site.register(User, new UserAdmin());
site.register(Group, new GroupAdmin());
