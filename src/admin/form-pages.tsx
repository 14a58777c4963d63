/** The admin's form pages: add and change, history, password change. */
import { CsrfField, WidgetInput } from '../web/index.ts';
import type { FormField } from './forms.ts';
import { AdminLayout, type AdminFrame } from './pages.tsx';

export interface ChangeFormProps {
  frame: AdminFrame;
  title: string;
  crumbs: [string, string | undefined][];
  fields: FormField[];
  /** What each input shows: the object's values, or what was posted. */
  values: Record<string, string | string[]>;
  /** The text of the related rows that key inputs hold: `{ author: { '3': 'Ann Archer' } }`. */
  labels: Record<string, Record<string, string>>;
  errors: Record<string, string[]>;
  canSave: boolean;
  adding: boolean;
  historyUrl: string | undefined;
  /** The delete page, when the user may delete the object. */
  deleteUrl?: string | undefined;
  /** The changelist's filters, carried through the form and back. */
  changelistFilters: string | undefined;
  /** Django's fieldsets: named groups of fields; one plain group without them. */
  fieldsets?: Fieldsets;
}

export type Fieldsets = ReadonlyArray<readonly [string | null, { readonly fields: readonly string[]; readonly description?: string }]>;

function groups(fields: FormField[], fieldsets: Fieldsets | undefined): { name: string | null; description?: string; fields: FormField[] }[] {
  if (fieldsets === undefined) return [{ name: null, fields }];
  return fieldsets.map(([name, { fields: names, description }]) => ({
    name,
    ...(description !== undefined && { description }),
    fields: names.map((n) => fields.find((f) => f.name === n)).filter((f): f is FormField => f !== undefined),
  }));
}

function Input({ field, value, labels = {} }: { field: FormField; value: string | string[] | undefined; labels?: Record<string, string> }) {
  const id = `id_${field.name}`;
  const described = field.helpText === undefined ? undefined : `${id}_help`;
  const text = Array.isArray(value) ? value[0] ?? '' : value ?? '';
  const { widget } = field;
  if (widget.kind === 'passwordHash') return <WidgetInput field={field} value={value} />;
  if (field.readonly) {
    const list = Array.isArray(value) ? value : [text];
    const shown = widget.kind === 'select' ? list.map((v) => widget.options.find(([k]) => k === v)?.[1] ?? v).join(', ') : widget.kind === 'key' ? list.map((v) => labels[v] ?? v).join(', ') : text;
    return <div class="readonly" id={id}>{shown === '' ? '-' : shown}</div>;
  }
  const input = <WidgetInput field={field} value={value} labels={labels} describedBy={described} />;
  return widget.kind === 'select' && widget.filter === true ? <FilteredSelect id={id} label={field.label}>{input}</FilteredSelect> : input;
}

/**
 * A multiple select with a filter box (Django's filter_horizontal, in one list): the box and the
 * live count are `hidden` until admin.js shows them, so without JavaScript the select works alone.
 * Filtering hides options; it never unselects one.
 */
function FilteredSelect({ id, label, children }: { id: string; label: string; children: unknown }) {
  return (
    <div class="filtered-select" data-filtered-select={id}>
      <p class="filter-box" hidden>
        <label for={`${id}_filter`}>Filter {label.toLowerCase()}</label>
        <input type="search" id={`${id}_filter`} aria-controls={id} autocomplete="off" />
      </p>
      {children}
      <p class="help">Hold down “Control”, or “Command” on a Mac, to select more than one.</p>
      <p class="filter-status" id={`${id}_status`} role="status" hidden></p>
    </div>
  );
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
        {groups(fields, props.fieldsets).map((group) => {
          const rows = group.fields.map((field) => {
            const fieldErrors = errors[field.name];
            return (
              <div class={`form-row${fieldErrors ? ' has-error' : ''}`}>
                <label for={`id_${field.name}`} class={field.required && !field.readonly ? 'required' : undefined}>{field.label}</label>
                <div>
                  <Input field={field} value={values[field.name]} labels={props.labels[field.name]} />
                  {fieldErrors && <ul class="errorlist" id={`id_${field.name}_error`}>{fieldErrors.map((m) => <li>{m}</li>)}</ul>}
                  {field.helpText !== undefined && <p class="help" id={`id_${field.name}_help`}>{field.helpText}</p>}
                </div>
              </div>
            );
          });
          if (group.name === null && group.description === undefined) return <fieldset class="module plain">{rows}</fieldset>;
          return (
            <fieldset class="module">
              {group.name !== null && <legend>{group.name}</legend>}
              {group.description !== undefined && <p class="description">{group.description}</p>}
              {rows}
            </fieldset>
          );
        })}
        {props.canSave && (
          <div class="submit-row">
            <button type="submit" name="_save" value="1">Save</button>
            <button type="submit" name="_addanother" value="1" class="secondary">Save and add another</button>
            <button type="submit" name="_continue" value="1" class="secondary">Save and continue editing</button>
            {props.deleteUrl !== undefined && <a class="button deletelink" href={props.deleteUrl}>Delete</a>}
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
  /** The trash operation a delete, restore or purge entry belongs to. */
  deletionUrl?: string;
}

export function HistoryPage({ frame, title, crumbs, rows, trashed }: { frame: AdminFrame; title: string; crumbs: [string, string | undefined][]; rows: HistoryRow[]; trashed?: { since: Date; url: string } | undefined }) {
  return (
    <AdminLayout frame={frame} title={title} crumbs={crumbs}>
      <h1>{title}</h1>
      {trashed !== undefined && <p class="errornote">In the trash since {trashed.since.toISOString().replace('T', ' ').slice(0, 19)}: <a href={trashed.url}>the deletion that took it</a>.</p>}
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
                  {row.deletionUrl !== undefined && <> <a href={row.deletionUrl}>Open the deletion</a></>}
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
