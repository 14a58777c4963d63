/**
 * The admin site: `site.register(Post, { listDisplay, … })`, then
 * `path('admin/', include(site.urls))`. URLs and form fields are Django's, so Django users (and
 * their tools) find their way: `/admin/`, `/admin/login/`, `/admin/<app>/`, `/admin/<app>/<model>/`.
 * Only active staff get in; per-model permissions decide what each page shows.
 */
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { LoginThrottled } from '../auth/index.ts';
import type { ModelMeta } from '../orm/index.ts';
import {
  authenticate, Http404, login, logout, path, redirect, render, reverse, serveStatic, urlHasAllowedHostAndScheme,
  type UrlPattern, type ViewRequest,
} from '../web/index.ts';
import { buildChangeList, ERROR_VAR, IncorrectLookup, SEARCH_VAR, lookupParams } from './changelist.ts';
import { buildFilters } from './filters.ts';
import { ModelAdmin, type AdminModel, type ModelAdminOptions } from './options.ts';
import { ChangeListPage, ForbiddenPage, IndexPage, LoggedOutPage, LoginPage, type AdminFrame, type AppEntry } from './pages.tsx';
import { isStaff, userPermissions } from './permissions.ts';

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

export class AdminSite {
  readonly name: string;
  readonly siteHeader: string;
  readonly siteTitle: string;
  readonly indexTitle: string;
  private readonly registry = new Map<string, ModelAdmin>();

  constructor(options: AdminSiteOptions = {}) {
    this.name = options.name ?? 'admin';
    this.siteHeader = options.siteHeader ?? 'Trove administration';
    this.siteTitle = options.siteTitle ?? 'Trove site admin';
    this.indexTitle = options.indexTitle ?? 'Site administration';
  }

  /** Registers a model (or several) with Django's ModelAdmin options. */
  register<M extends AdminModel>(model: M | readonly M[], options: ModelAdminOptions<InstanceOf<M>> = {}): void {
    for (const m of Array.isArray(model) ? (model as readonly M[]) : [model as M]) {
      if (this.registry.has(m.meta.label)) throw new AlreadyRegistered(`The model ${m.meta.label} is already registered with the admin site '${this.name}'.`);
      this.registry.set(m.meta.label, new ModelAdmin(m, options));
    }
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
        stylesheet: this.url('static', { file: 'admin.css' }),
        script: this.url('static', { file: 'admin.js' }),
      },
    };
  }

  /** Admin pages are framed by nobody else, and never shown in a frame (X-Frame-Options). */
  private staffOnly<P>(view: (request: ViewRequest<P>) => Promise<Response>) {
    return async (request: ViewRequest<P>): Promise<Response> => {
      if (!isStaff(request)) {
        const next = request.url.pathname + request.url.search;
        return redirect(`${this.url('login')}?next=${encodeURIComponent(next)}`);
      }
      return view(request);
    };
  }

  /** The patterns to mount: `path('admin/', include(site.urls))`. */
  get urls(): UrlPattern[] {
    const n = this.name;
    return [
      path('', this.staffOnly((r) => this.index(r)), { name: `${n}:index` }),
      path('login/', (r) => this.loginView(r), { name: `${n}:login` }),
      path('logout/', (r) => this.logoutView(r), { name: `${n}:logout` }),
      path('static/<path:file>', serveStatic(STATIC), { name: `${n}:static` }),
      path('<str:app>/', this.staffOnly((r) => this.appIndex(r)), { name: `${n}:app_list` }),
      path('<str:app>/<str:model>/', this.staffOnly((r) => this.changelist(r)), { name: `${n}:changelist` }),
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
          return redirect(next);
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
    if (isStaff(request)) return redirect(next);
    return render(request, LoginPage({ frame, next, failed: false }));
  }

  /** Logging out changes state, so it is a POST only (Django 5's rule). */
  private async logoutView(request: ViewRequest<any>): Promise<Response> {
    if (request.method !== 'POST') return new Response('Log out with a POST.', { status: 405, headers: { allow: 'POST' } });
    logout(request);
    return render(request, LoggedOutPage({ frame: this.frame(), loginUrl: this.url('login') }));
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
        addUrl: undefined,
      });
    }
    return [...byApp.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  private async index(request: ViewRequest<any>): Promise<Response> {
    return render(request, IndexPage({ frame: this.frame(), apps: await this.apps(request), title: this.indexTitle }));
  }

  private async appIndex(request: ViewRequest<{ app: string }>): Promise<Response> {
    const apps = await this.apps(request, request.params.app);
    if (apps.length === 0) notFound();
    return render(request, IndexPage({ frame: this.frame(), apps, title: `${apps[0]!.name} administration` }));
  }

  // ---- changelist ----------------------------------------------------------------------------

  private async changelist(request: ViewRequest<{ app: string; model: string }>): Promise<Response> {
    const admin = this.modelAdmin(request.params.app, request.params.model);
    if (admin === undefined) notFound();
    if (!(await admin.hasViewPermission(request))) return render(request, ForbiddenPage({ frame: this.frame() }), 403);
    if (request.method !== 'GET' && request.method !== 'HEAD') return new Response(null, { status: 405, headers: { allow: 'GET' } });
    const params = request.url.searchParams;
    const base = request.url.pathname;
    const link = (changes: Record<string, string | undefined>) => {
      const next = new URLSearchParams(params);
      next.delete(ERROR_VAR);
      for (const [key, value] of Object.entries(changes)) {
        if (value === undefined) next.delete(key);
        else next.set(key, value);
      }
      const query = next.toString();
      return query === '' ? base : `${base}?${query}`;
    };
    let list;
    try {
      list = await buildChangeList(admin, { params, queryset: admin.getQueryset(request), estimate: () => estimateRows(admin.meta, admin.getQueryset(request).db) });
    } catch (error) {
      // As Django: bad parameters in the address lead to the plain list with `?e=1`.
      if (error instanceof IncorrectLookup) return params.has(ERROR_VAR) ? new Response('Bad changelist parameters.', { status: 400 }) : redirect(`${base}?${ERROR_VAR}=1`);
      throw error;
    }
    const filters = await buildFilters(admin, params, link);
    const meta = admin.meta;
    const links = admin.options.listDisplayLinks;
    const display = admin.options.listDisplay ?? ['__str__'];
    const linkColumns = new Set(links === undefined ? [0] : display.flatMap((entry, i) => (typeof entry === 'string' && links.includes(entry) ? [i] : [])));
    return render(request, ChangeListPage({
      frame: this.frame(),
      title: capitalise(meta.verboseNamePlural),
      appCrumb: [appName(meta), this.url('app_list', { app: meta.appLabel })],
      list,
      link,
      changeUrl: (object) => `${base}${encodeURIComponent(String(object[meta.pk.attname]))}/change/`,
      addUrl: undefined,
      search: { enabled: (admin.options.searchFields ?? []).length > 0, value: params.get(SEARCH_VAR) ?? '', hidden: Object.entries(lookupParams(params)) },
      filters,
      linkColumns,
      invalid: params.has(ERROR_VAR),
      maxShowAll: admin.listMaxShowAll,
    }));
  }
}

/** PostgreSQL's planner statistics for a table's rows: instant on any size, roughly right. */
async function estimateRows(meta: ModelMeta, db: { dialect: string; execute: (q: any) => Promise<{ rows: Record<string, unknown>[] }>; kysely: any }): Promise<number | undefined> {
  if (db.dialect !== 'postgres') return undefined;
  const { rows } = await db.execute(sql`select reltuples::bigint as n from pg_class where oid = to_regclass(${meta.table})`.compile(db.kysely));
  const n = Number(rows[0]?.n ?? -1);
  return n >= 0 ? n : undefined;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function appName(meta: ModelMeta): string {
  return capitalise(meta.appLabel);
}

function notFound(): never {
  throw new Http404('No such page in the admin.');
}

/** The default site: `import { site } from 'trove/admin'`. */
export const site = new AdminSite();
