/**
 * The admin's pages: server-rendered hono/jsx components, one stylesheet, usable without
 * JavaScript. A project may pass its own components to `new AdminSite({ pages })`.
 */
import type { PropsWithChildren } from 'hono/jsx';
import { CsrfField, Messages, useRequest } from '../web/index.ts';

export interface AdminFrame {
  siteHeader: string;
  siteTitle: string;
  /** Where the stylesheet, the index and logout live. */
  urls: {
    index: string; logout: string; passwordChange: string; trash: string; stylesheet: string; script: string;
    /** The page's icon (SVG); without one a browser asks for /favicon.ico, a 404 on most sites. */
    favicon?: string;
    /** The online operations (long deletes that workers carry out). */
    operations?: string;
  };
}

/**
 * `refresh`: seconds after which a page that follows something running reloads itself. Only
 * without JavaScript (inside <noscript>): with it, admin.js updates the figures in place, so
 * focus and a screen reader's place are not thrown back to the top every few seconds.
 */
export function AdminLayout({ frame, title, crumbs = [], refresh, children }: PropsWithChildren<{ frame: AdminFrame; title: string; crumbs?: readonly [string, string | undefined][]; refresh?: number | undefined }>) {
  const { user } = useRequest();
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light dark" />
        <title>{`${title} | ${frame.siteTitle}`}</title>
        <link rel="stylesheet" href={frame.urls.stylesheet} />
        {/* The admin's own icon, from its static files: 'self', as the Content-Security-Policy wants. */}
        {frame.urls.favicon !== undefined && <link rel="icon" href={frame.urls.favicon} type="image/svg+xml" />}
        <script src={frame.urls.script} defer></script>
        {refresh !== undefined && <noscript><meta http-equiv="refresh" content={String(refresh)} /></noscript>}
      </head>
      <body>
        <a class="skip" href="#content">Skip to content</a>
        <header class="site">
          <a class="brand" href={frame.urls.index}>{frame.siteHeader}</a>
          {user.isAuthenticated && (
            <form method="post" action={frame.urls.logout} class="account">
              <span>Signed in as <strong>{user.username}</strong></span> <a href={frame.urls.trash}>Trash</a> {frame.urls.operations !== undefined && <><a href={frame.urls.operations}>Operations</a> </>}<a href={frame.urls.passwordChange}>Change password</a> <CsrfField /> <button type="submit">Log out</button>
            </form>
          )}
        </header>
        {crumbs.length > 0 && (
          <nav aria-label="Breadcrumbs" class="crumbs">
            <ol>
              {crumbs.map(([label, href]) => <li>{href === undefined ? <span aria-current="page">{label}</span> : <a href={href}>{label}</a>}</li>)}
            </ol>
          </nav>
        )}
        <main id="content">
          <Messages />
          {children}
        </main>
      </body>
    </html>
  );
}

export function LoginPage({ frame, next, failed, throttled }: { frame: AdminFrame; next: string; failed: boolean; throttled?: string }) {
  return (
    <AdminLayout frame={frame} title="Log in">
      <div class="login">
        <h1>{frame.siteHeader}</h1>
        {failed && <p class="errornote" role="alert">Please enter the correct username and password for a staff account. Note that both fields may be case-sensitive.</p>}
        {throttled !== undefined && <p class="errornote" role="alert">{throttled}</p>}
        <form method="post">
          <CsrfField />
          <input type="hidden" name="next" value={next} />
          <p><label for="id_username">Username</label><input id="id_username" name="username" autocomplete="username" autofocus required /></p>
          <p><label for="id_password">Password</label><input id="id_password" name="password" type="password" autocomplete="current-password" required /></p>
          <p><button type="submit">Log in</button></p>
        </form>
      </div>
    </AdminLayout>
  );
}

export function LoggedOutPage({ frame, loginUrl }: { frame: AdminFrame; loginUrl: string }) {
  return (
    <AdminLayout frame={frame} title="Logged out">
      <h1>Logged out</h1>
      <p>Thanks for spending some quality time with the site today.</p>
      <p><a href={loginUrl}>Log in again</a></p>
    </AdminLayout>
  );
}

export function ForbiddenPage({ frame }: { frame: AdminFrame }) {
  return (
    <AdminLayout frame={frame} title="Forbidden" crumbs={[['Home', frame.urls.index], ['Forbidden', undefined]]}>
      <h1>Forbidden</h1>
      <p>Your account doesn't have permission to see this page.</p>
    </AdminLayout>
  );
}

export interface AppEntry {
  label: string;
  name: string;
  url: string;
  models: { name: string; url: string | undefined; addUrl: string | undefined }[];
}

export interface RecentAction {
  label: string;
  kind: string;
  model: string;
  url: string | undefined;
}

export function IndexPage({ frame, apps, title, recent }: { frame: AdminFrame; apps: AppEntry[]; title: string; recent?: RecentAction[] }) {
  return (
    <AdminLayout frame={frame} title={title} crumbs={apps.length === 1 && recent === undefined ? [['Home', frame.urls.index], [apps[0]!.name, undefined]] : []}>
      <h1>{title}</h1>
      {recent !== undefined && (
        <section class="recent" aria-labelledby="recent-heading">
          <h2 id="recent-heading">Recent actions</h2>
          {recent.length === 0 ? <p>None available</p> : (
            <ul>{recent.map((r) => <li>{r.kind} {r.url === undefined ? r.label : <a href={r.url}>{r.label}</a>} <span class="muted">({r.model})</span></li>)}</ul>
          )}
        </section>
      )}
      {apps.length === 0 && <p>You don't have permission to view or edit anything.</p>}
      {apps.map((app) => (
        <table class="app" aria-labelledby={`app-${app.label}`}>
          <caption id={`app-${app.label}`}><a href={app.url}>{app.name}</a></caption>
          <tbody>
            {app.models.map((m) => (
              <tr>
                <th scope="row">{m.url === undefined ? m.name : <a href={m.url}>{m.name}</a>}</th>
                <td>{m.addUrl !== undefined && <a href={m.addUrl} class="addlink">Add<span class="visually-hidden"> {m.name}</span></a>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ))}
    </AdminLayout>
  );
}
