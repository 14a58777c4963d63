/**
 * The admin's pages: server-rendered hono/jsx components, one stylesheet, usable without
 * JavaScript. A project may pass its own components to `new AdminSite({ pages })`.
 */
import type { PropsWithChildren } from 'hono/jsx';
import { CsrfField, Messages, useRequest } from '../web/index.ts';
import type { ChangeList, Column } from './changelist.ts';
import type { FilterSpec } from './filters.ts';
import type { FormField } from './forms.ts';

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

export interface ChangeFormProps {
  frame: AdminFrame;
  title: string;
  crumbs: [string, string | undefined][];
  fields: FormField[];
  /** What each input shows: the object's values, or what was posted. */
  values: Record<string, string | string[]>;
  errors: Record<string, string[]>;
  canSave: boolean;
  adding: boolean;
  historyUrl: string | undefined;
  /** The changelist's filters, carried through the form and back. */
  changelistFilters: string | undefined;
}

function Input({ field, value }: { field: FormField; value: string | string[] | undefined }) {
  const id = `id_${field.name}`;
  const described = field.helpText === undefined ? undefined : `${id}_help`;
  const text = Array.isArray(value) ? value[0] ?? '' : value ?? '';
  const { widget } = field;
  if (field.readonly) {
    const shown = widget.kind === 'select' ? (Array.isArray(value) ? value : [text]).map((v) => widget.options.find(([k]) => k === v)?.[1] ?? v).join(', ') : text;
    return <div class="readonly" id={id}>{shown === '' ? '-' : shown}</div>;
  }
  switch (widget.kind) {
    case 'textarea':
      return <textarea id={id} name={field.name} rows={6} required={field.required} aria-describedby={described}>{text}</textarea>;
    case 'checkbox':
      return <input type="checkbox" id={id} name={field.name} value="on" checked={text === 'true'} aria-describedby={described} />;
    case 'select': {
      const selected = new Set(Array.isArray(value) ? value : [text]);
      return (
        <select id={id} name={field.name} multiple={widget.multiple} required={field.required && !widget.multiple} aria-describedby={described}>
          {!widget.multiple && (widget.allowEmpty || !selected.has(text) || text === '') && <option value="">---------</option>}
          {widget.options.map(([key, label]) => <option value={key} selected={selected.has(key)}>{label}</option>)}
        </select>
      );
    }
    case 'key':
      return <input type="text" inputmode="numeric" id={id} name={field.name} value={Array.isArray(value) ? value.join(',') : text} required={field.required} aria-describedby={described} />;
    case 'input':
      return <input type={widget.type} id={id} name={field.name} value={text} step={widget.step} maxlength={widget.maxLength} inputmode={widget.inputMode} required={field.required} aria-describedby={described} />;
  }
}

export function ChangeFormPage(props: ChangeFormProps) {
  const { frame, title, fields, values, errors } = props;
  const problems = Object.keys(errors).length;
  return (
    <AdminLayout frame={frame} title={title} crumbs={props.crumbs}>
      <div class="toolbar">
        <h1>{title}</h1>
        {props.historyUrl !== undefined && <a class="button secondary" href={props.historyUrl}>History</a>}
      </div>
      {problems > 0 && <p class="errornote" role="alert">{problems === 1 ? 'Please correct the error below.' : 'Please correct the errors below.'}</p>}
      {errors.__all__ !== undefined && <ul class="errorlist nonfield">{errors.__all__.map((m) => <li>{m}</li>)}</ul>}
      <form method="post" class="changeform" novalidate>
        <CsrfField />
        {props.changelistFilters !== undefined && <input type="hidden" name="_changelist_filters" value={props.changelistFilters} />}
        {fields.map((field) => {
          const fieldErrors = errors[field.name];
          return (
            <div class={`form-row${fieldErrors ? ' has-error' : ''}`}>
              <label for={`id_${field.name}`} class={field.required && !field.readonly ? 'required' : undefined}>{field.label}</label>
              <div>
                <Input field={field} value={values[field.name]} />
                {fieldErrors && <ul class="errorlist" id={`id_${field.name}_error`}>{fieldErrors.map((m) => <li>{m}</li>)}</ul>}
                {field.helpText !== undefined && <p class="help" id={`id_${field.name}_help`}>{field.helpText}</p>}
              </div>
            </div>
          );
        })}
        {props.canSave && (
          <div class="submit-row">
            <button type="submit" name="_save" value="1">Save</button>
            <button type="submit" name="_addanother" value="1" class="secondary">Save and add another</button>
            <button type="submit" name="_continue" value="1" class="secondary">Save and continue editing</button>
          </div>
        )}
      </form>
    </AdminLayout>
  );
}

export interface HistoryRow {
  time: Date;
  user: string;
  summary: string;
  changes: { field: string; old: string; new: string }[];
}

export function HistoryPage({ frame, title, crumbs, rows }: { frame: AdminFrame; title: string; crumbs: [string, string | undefined][]; rows: HistoryRow[] }) {
  return (
    <AdminLayout frame={frame} title={title} crumbs={crumbs}>
      <h1>{title}</h1>
      {rows.length === 0 ? <p>This object doesn't have a change history. It probably wasn't added via this admin site.</p> : (
        <table class="list history">
          <thead><tr><th scope="col">Date/time</th><th scope="col">User</th><th scope="col">Action</th></tr></thead>
          <tbody>
            {rows.map((row) => (
              <tr>
                <th scope="row"><time datetime={row.time.toISOString()}>{row.time.toISOString().replace('T', ' ').slice(0, 19)}</time></th>
                <td>{row.user}</td>
                <td>
                  {row.summary}
                  {row.changes.length > 0 && (
                    <table class="changes">
                      <thead><tr><th scope="col">Field</th><th scope="col">Before</th><th scope="col">After</th></tr></thead>
                      <tbody>{row.changes.map((c) => <tr><th scope="row">{c.field}</th><td>{c.old}</td><td>{c.new}</td></tr>)}</tbody>
                    </table>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </AdminLayout>
  );
}

export function PasswordChangePage({ frame, errors, done }: { frame: AdminFrame; errors: Record<string, string[]>; done: boolean }) {
  const row = (name: string, label: string, autocomplete: string) => (
    <div class={`form-row${errors[name] ? ' has-error' : ''}`}>
      <label for={`id_${name}`} class="required">{label}</label>
      <div>
        <input type="password" id={`id_${name}`} name={name} autocomplete={autocomplete} required aria-describedby={errors[name] ? `id_${name}_error` : undefined} />
        {errors[name] && <ul class="errorlist" id={`id_${name}_error`}>{errors[name]!.map((m) => <li>{m}</li>)}</ul>}
      </div>
    </div>
  );
  return (
    <AdminLayout frame={frame} title={done ? 'Password change successful' : 'Password change'} crumbs={[['Home', frame.urls.index], ['Password change', undefined]]}>
      {done ? (
        <>
          <h1>Password change successful</h1>
          <p>Your password was changed.</p>
        </>
      ) : (
        <>
          <h1>Password change</h1>
          {Object.keys(errors).length > 0 && <p class="errornote" role="alert">Please correct the errors below.</p>}
          <p>Please enter your old password, for security's sake, and then enter your new password twice so we can verify you typed it in correctly.</p>
          <form method="post" class="changeform">
            <CsrfField />
            {row('old_password', 'Old password', 'current-password')}
            {row('new_password1', 'New password', 'new-password')}
            {row('new_password2', 'New password confirmation', 'new-password')}
            <div class="submit-row"><button type="submit">Change my password</button></div>
          </form>
        </>
      )}
    </AdminLayout>
  );
}
