/**
 * The changelist page: search, date hierarchy, the action bar and the rows with their
 * checkboxes, pages, and the filters beside. Ticking, "Select all" and Go work without
 * JavaScript; admin.js adds the page-wide checkbox, the counter and shift-click ranges.
 */
import { CsrfField } from '../web/index.ts';
import type { ChangeList, Column } from './changelist.ts';
import type { DateHierarchy } from './dates.ts';
import type { FilterSpec } from './filters.ts';
import { AdminLayout, type AdminFrame } from './pages.tsx';

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
  /** The primary key of a row, as its checkbox posts it. */
  keyOf: (object: any) => string;
  addUrl: string | undefined;
  /** The model's trash, for soft-delete models. */
  trashUrl?: string | undefined;
  /** `problem`: why the search was not run (too long), shown beside the box. */
  search: { enabled: boolean; value: string; hidden: [string, string][]; problem: string | undefined };
  filters: FilterSpec[];
  hierarchy: DateHierarchy | undefined;
  /** The actions this user may run; none means no checkboxes. */
  actions: { name: string; description: string }[];
  linkColumns: Set<number>;
  invalid: boolean;
  /** "Show all" is offered up to this many rows. */
  maxShowAll: number;
}

export function ChangeListPage(props: ChangeListProps) {
  const { frame, title, list, link, search, filters } = props;
  const noun = title.toLowerCase().replace(/s$/, '');
  const withActions = props.actions.length > 0;
  const table = <ResultsTable {...props} withActions={withActions} />;
  return (
    <AdminLayout frame={frame} title={title} crumbs={[['Home', frame.urls.index], [props.appCrumb[0], props.appCrumb[1]], [title, undefined]]}>
      <div class="toolbar">
        <h1>Select {noun} to change</h1>
        <div class="tools">
          {props.trashUrl !== undefined && <a class="button secondary" href={props.trashUrl}>Trash</a>}
          {props.addUrl !== undefined && <a class="addlink button" href={props.addUrl}>Add {noun}</a>}
        </div>
      </div>
      {props.invalid && <p class="errornote" role="alert">The filters or ordering in the address were not valid; showing everything.</p>}
      {search.problem !== undefined && <p class="errornote" role="alert">{search.problem}</p>}
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
          {props.hierarchy !== undefined && <Hierarchy hierarchy={props.hierarchy} />}
          <p class="count" role="status">
            {list.count === undefined ? `Page ${list.page}` : `${list.estimated ? 'about ' : ''}${list.count.toLocaleString('en')} result${list.count === 1 ? '' : 's'}`}
            {list.total !== undefined && ` (${list.totalEstimated ? 'about ' : ''}${list.total.toLocaleString('en')} total)`}
          </p>
          {withActions ? (
            <form method="post" id="changelist-form">
              <CsrfField />
              <ActionBar {...props} />
              {table}
            </form>
          ) : table}
          <nav class="paginator" aria-label="Pages">
            {list.page > 1 && <a href={link({ p: String(list.page - 1), all: undefined })} rel="prev">Previous</a>}
            {list.pages !== undefined && !list.showAll && <span>Page {list.page} of {list.pages}</span>}
            {list.hasNext && <a href={link({ p: String(list.page + 1), all: undefined })} rel="next">Next</a>}
            {list.count !== undefined && list.pages !== undefined && list.pages > 1 && !list.showAll && list.count <= props.maxShowAll && (
              <a href={link({ all: '', p: undefined })}>Show all {list.count.toLocaleString('en')}</a>
            )}
          </nav>
        </div>
        {filters.length > 0 && <Filters filters={filters} />}
      </div>
    </AdminLayout>
  );
}

/** Django's action bar: the menu, Go (`index`), and "Select all" across pages as a plain checkbox. */
function ActionBar({ actions, list, title }: ChangeListProps) {
  const more = list.hasNext || list.page > 1;
  return (
    <div class="actions">
      <label for="action-select">Action</label>
      <select name="action" id="action-select">
        <option value="">---------</option>
        {actions.map((a) => <option value={a.name}>{a.description}</option>)}
      </select>
      <button type="submit" class="button" name="index" value="0">Go</button>
      <span class="action-counter" aria-live="polite" hidden data-total={String(list.rows.length)}></span>
      {more && (
        <label class="select-across">
          <input type="checkbox" name="select_across" value="1" />{' '}
          {list.count === undefined ? `Select every matching ${title.toLowerCase()}` : `Select all ${list.count.toLocaleString('en')} ${title.toLowerCase()}`}
        </label>
      )}
    </div>
  );
}

function ResultsTable(props: ChangeListProps & { withActions: boolean }) {
  const { list, link } = props;
  const sortedBy = new Map(list.ordering.map((n, i) => [Math.abs(n), { descending: n < 0, priority: i + 1 }]));
  const orderLink = (column: number) => {
    const current = sortedBy.get(column);
    const first = current === undefined || current.priority !== 1 ? column : current.descending ? column : -column;
    const others = list.ordering.filter((n) => Math.abs(n) !== column);
    return link({ o: [first, ...others].join('.'), p: undefined });
  };
  const span = list.columns.length + (props.withActions ? 1 : 0);
  return (
    <table class="list" id="result_list">
      <thead>
        <tr>
          {props.withActions && (
            <th scope="col" class="action-checkbox-column">
              <span class="visually-hidden">Select</span>
              <input type="checkbox" id="action-toggle" aria-label="Select every row on this page" hidden />
            </th>
          )}
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
        {list.rows.length === 0 && <tr><td colspan={span}>No rows match.</td></tr>}
        {list.rows.map((row) => {
          const texts = list.columns.map((column) => display(column, row));
          return (
            <tr>
              {props.withActions && (
                <td class="action-checkbox">
                  <input type="checkbox" name="_selected_action" value={props.keyOf(row)} class="action-select" aria-label={`Select ${String(row)}`} />
                </td>
              )}
              {texts.map((text, i) => {
                const cell = props.linkColumns.has(i) ? <a href={props.changeUrl(row)}>{text}</a> : text;
                return i === 0 ? <th scope="row">{cell}</th> : <td>{cell}</td>;
              })}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function Hierarchy({ hierarchy }: { hierarchy: DateHierarchy }) {
  if (hierarchy.back === undefined && hierarchy.choices.length === 0) return null;
  return (
    <nav class="hierarchy" aria-label="Dates">
      <ul>
        {hierarchy.back !== undefined && <li class="back"><a href={hierarchy.back.url}>‹ {hierarchy.back.label}</a></li>}
        {hierarchy.choices.map((c) => <li>{c.selected ? <a href={c.url} aria-current="true" class="selected">{c.label}</a> : <a href={c.url}>{c.label}</a>}</li>)}
      </ul>
    </nav>
  );
}

function Filters({ filters }: { filters: FilterSpec[] }) {
  return (
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
          {filter.note !== undefined && <p class="filter-note">{filter.note}</p>}
        </section>
      ))}
    </aside>
  );
}
