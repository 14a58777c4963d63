/**
 * The admin's pages: server-rendered hono/jsx components, one stylesheet, usable without
 * JavaScript. A project may pass its own components to `new AdminSite({ pages })`.
 */
import type { PropsWithChildren } from 'hono/jsx';
import { CsrfField, Messages, useRequest } from '../web/index.ts';
import type { ChangeList, Column } from './changelist.ts';
import type { FilterSpec } from './filters.ts';

export interface AdminFrame {
  siteHeader: string;
  siteTitle: string;
  /** Where the stylesheet, the index and logout live. */
  urls: { index: string; logout: string; passwordChange: string; stylesheet: string; script: string };
}

export function AdminLayout({ frame, title, crumbs = [], children }: PropsWithChildren<{ frame: AdminFrame; title: string; crumbs?: readonly [string, string | undefined][] }>) {
  const { user } = useRequest();
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light dark" />
        <title>{`${title} | ${frame.siteTitle}`}</title>
        <link rel="stylesheet" href={frame.urls.stylesheet} />
        <script src={frame.urls.script} defer></script>
      </head>
      <body>
        <a class="skip" href="#content">Skip to content</a>
        <header class="site">
          <a class="brand" href={frame.urls.index}>{frame.siteHeader}</a>
          {user.isAuthenticated && (
            <form method="post" action={frame.urls.logout} class="account">
              <span>Signed in as <strong>{user.username}</strong></span> <a href={frame.urls.passwordChange}>Change password</a> <CsrfField /> <button type="submit">Log out</button>
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

function display(column: Column, object: unknown): string {
  const value = column.value(object);
  if (value === null || value === undefined || value === '') return '-';
  const choices = column.field?.options.choices;
  if (choices !== undefined) {
    const choice = choices.find((c) => (Array.isArray(c) ? c[0] : c) === value);
    if (Array.isArray(choice)) return String(choice[1]);
  }
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  if (value instanceof Date) return value.toISOString().replace('T', ' ').slice(0, 19);
  return String(value);
}

export interface ChangeListProps {
  frame: AdminFrame;
  title: string;
  appCrumb: [string, string];
  list: ChangeList;
  /** The URL of this changelist with `params` changed (`undefined` removes one). */
  link: (changes: Record<string, string | undefined>) => string;
  changeUrl: (object: any) => string;
  addUrl: string | undefined;
  search: { enabled: boolean; value: string; hidden: [string, string][] };
  filters: FilterSpec[];
  linkColumns: Set<number>;
  invalid: boolean;
  /** "Show all" is offered up to this many rows. */
  maxShowAll: number;
}

export function ChangeListPage(props: ChangeListProps) {
  const { frame, title, list, link, search, filters } = props;
  const sortedBy = new Map(list.ordering.map((n, i) => [Math.abs(n), { descending: n < 0, priority: i + 1 }]));
  const orderLink = (column: number) => {
    const current = sortedBy.get(column);
    const first = current === undefined || current.priority !== 1 ? column : current.descending ? column : -column;
    const others = list.ordering.filter((n) => Math.abs(n) !== column);
    return link({ o: [first, ...others].join('.'), p: undefined });
  };
  return (
    <AdminLayout frame={frame} title={title} crumbs={[['Home', frame.urls.index], [props.appCrumb[0], props.appCrumb[1]], [title, undefined]]}>
      <div class="toolbar">
        <h1>Select {title.toLowerCase().replace(/s$/, '')} to change</h1>
        {props.addUrl !== undefined && <a class="addlink button" href={props.addUrl}>Add {title.toLowerCase().replace(/s$/, '')}</a>}
      </div>
      {props.invalid && <p class="errornote" role="alert">The filters or ordering in the address were not valid; showing everything.</p>}
      <div class="changelist">
        <div class="results">
          {search.enabled && (
            <form method="get" role="search" class="search">
              <label for="searchbar" class="visually-hidden">Search {title.toLowerCase()}</label>
              <input type="search" id="searchbar" name="q" value={search.value} placeholder="Search" accesskey="/" />
              {search.hidden.map(([k, v]) => <input type="hidden" name={k} value={v} />)}
              <button type="submit">Search</button>
            </form>
          )}
          <p class="count" role="status">
            {list.count === undefined ? `Page ${list.page}` : `${list.estimated ? 'about ' : ''}${list.count.toLocaleString('en')} result${list.count === 1 ? '' : 's'}`}
            {list.total !== undefined && ` (${list.total.toLocaleString('en')} total)`}
          </p>
          <table class="list">
            <thead>
              <tr>
                {list.columns.map((column, i) => {
                  const sorted = sortedBy.get(i + 1);
                  return (
                    <th scope="col" aria-sort={sorted === undefined ? undefined : sorted.descending ? 'descending' : 'ascending'}>
                      {column.orderBy === undefined ? column.label : <a href={orderLink(i + 1)}>{column.label}{sorted && <span aria-hidden="true">{sorted.descending ? ' ▼' : ' ▲'}</span>}</a>}
                    </th>
                  );
                })}
              </tr>
            </thead>
            <tbody>
              {list.rows.length === 0 && <tr><td colspan={list.columns.length}>No rows match.</td></tr>}
              {list.rows.map((row) => (
                <tr>
                  {list.columns.map((column, i) => {
                    const text = display(column, row);
                    const cell = props.linkColumns.has(i) ? <a href={props.changeUrl(row)}>{text}</a> : text;
                    return i === 0 ? <th scope="row">{cell}</th> : <td>{cell}</td>;
                  })}
                </tr>
              ))}
            </tbody>
          </table>
          <nav class="paginator" aria-label="Pages">
            {list.page > 1 && <a href={link({ p: String(list.page - 1), all: undefined })} rel="prev">Previous</a>}
            {list.pages !== undefined && !list.showAll && <span>Page {list.page} of {list.pages}</span>}
            {list.hasNext && <a href={link({ p: String(list.page + 1), all: undefined })} rel="next">Next</a>}
            {list.count !== undefined && list.pages !== undefined && list.pages > 1 && !list.showAll && list.count <= props.maxShowAll && <ShowAll list={list} link={link} />}
          </nav>
        </div>
        {filters.length > 0 && (
          <aside class="filters" aria-labelledby="filter-heading">
            <h2 id="filter-heading">Filter</h2>
            {filters.map((filter) => (
              <section aria-label={`By ${filter.title}`}>
                <h3>By {filter.title}</h3>
                <ul>
                  {filter.choices.map((choice) => (
                    <li>{choice.selected ? <a href={choice.url} aria-current="true" class="selected">{choice.label}</a> : <a href={choice.url}>{choice.label}</a>}</li>
                  ))}
                </ul>
              </section>
            ))}
          </aside>
        )}
      </div>
    </AdminLayout>
  );
}

function ShowAll({ list, link }: { list: ChangeList; link: ChangeListProps['link'] }) {
  return <a href={link({ all: '', p: undefined })}>Show all {list.count!.toLocaleString('en')}</a>;
}
