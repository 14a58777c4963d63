/**
 * Forms as HTML: one input per widget (the admin draws its inputs with it too), and a ModelForm
 * whole or field by field. Every input has a label tied to it; a field in error says so with
 * `aria-invalid` and names its messages (and its help) with `aria-describedby`; required fields
 * are marked for the eye and carry `required` for assistive technology. The form is
 * `novalidate`: the server's messages, not the browser's, are what a person reads, with or
 * without JavaScript.
 */
import type { Child } from 'hono/jsx';
import { CsrfField } from '../render.tsx';
import type { FormField } from './widgets.ts';
import type { ModelForm } from './model-form.ts';

export interface WidgetInputProps {
  field: FormField;
  /** The text the input shows: one string, or a list for a multiple select. */
  value: string | string[] | undefined;
  /** The text of the rows a key input names, by key. */
  labels?: Record<string, string> | undefined;
  /** The ids of what describes the input: its errors, its help. */
  describedBy?: string | undefined;
  invalid?: boolean;
}

/** The input of one field, editable. */
export function WidgetInput({ field, value, labels = {}, describedBy, invalid }: WidgetInputProps) {
  const id = `id_${field.name}`;
  const text = Array.isArray(value) ? value[0] ?? '' : value ?? '';
  const { widget } = field;
  const ariaInvalid = invalid === true ? 'true' : undefined;
  switch (widget.kind) {
    case 'textarea':
      return <textarea id={id} name={field.name} rows={6} required={field.required} aria-describedby={describedBy} aria-invalid={ariaInvalid}>{text}</textarea>;
    case 'checkbox':
      return <input type="checkbox" id={id} name={field.name} value="on" checked={text === 'true'} aria-describedby={describedBy} aria-invalid={ariaInvalid} />;
    case 'select': {
      const selected = new Set(Array.isArray(value) ? value : [text]);
      return (
        <select id={id} name={field.name} multiple={widget.multiple} required={field.required && !widget.multiple} aria-describedby={describedBy} aria-invalid={ariaInvalid} size={widget.filter ? Math.min(12, Math.max(4, widget.options.length)) : undefined}>
          {!widget.multiple && (widget.allowEmpty || !selected.has(text) || text === '') && <option value="">---------</option>}
          {widget.options.map(([key, label]) => <option value={key} selected={selected.has(key)}>{label}</option>)}
        </select>
      );
    }
    case 'key': {
      // Without JavaScript: the keys, and beside them the rows they name.
      const keys = (Array.isArray(value) ? value : [text]).flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
      const current = keys.map((k) => labels[k]).filter((l) => l !== undefined).join(', ');
      const currentId = `${id}_current`;
      return (
        <div class="related-key" data-autocomplete-url={widget.autocompleteUrl} data-multiple={widget.multiple ? 'true' : undefined}>
          <input type="text" id={id} name={field.name} value={keys.join(',')} required={field.required} aria-describedby={[currentId, describedBy].filter(Boolean).join(' ')} aria-invalid={ariaInvalid} />
          <span class="current" id={currentId}>{current === '' ? `${widget.multiple ? 'Keys' : 'Key'} of ${widget.target.verboseName}` : current}</span>
          {widget.autocompleteUrl !== undefined && <template class="chosen-labels">{JSON.stringify(labels)}</template>}
        </div>
      );
    }
    case 'input':
      return <input type={widget.type} id={id} name={field.name} value={text} step={widget.step} maxlength={widget.maxLength} inputmode={widget.inputMode} autocomplete={widget.autocomplete} required={field.required} aria-describedby={describedBy} aria-invalid={ariaInvalid} />;
    case 'passwordHash':
      return <PasswordHash id={id} summary={widget.summary} changeUrl={widget.changeUrl} />;
  }
}

/** Django's ReadOnlyPasswordHashWidget: the algorithm and its work factors, never the salt or hash, and the way to change it. */
function PasswordHash({ id, summary, changeUrl }: { id: string; summary: [string, string][] | undefined; changeUrl: string | undefined }) {
  return (
    <div class="readonly password-hash" id={id}>
      {summary === undefined ? <p>No password set.</p> : <p>{summary.map(([key, value], i) => <>{i > 0 && ' '}<strong>{key}</strong>: {value}</>)}</p>}
      {changeUrl !== undefined && <p><a class="button secondary" href={changeUrl}>{summary === undefined ? 'Set password' : 'Reset password'}</a></p>}
    </div>
  );
}

/** The ids of a field's pieces, so that a page laid out by hand ties them together as the whole form does. */
export function fieldIds(name: string) {
  return { input: `id_${name}`, label: `id_${name}_label`, errors: `id_${name}_error`, help: `id_${name}_help` };
}

type AnyForm = ModelForm<any, any, any>;

async function pieceOf(form: AnyForm, name: string) {
  const state = await form.state();
  const field = state.fields.find((f) => f.name === name);
  if (field === undefined) throw new Error(`${form.constructor.name} has no field '${name}'.`);
  const errors = form.errors[name] ?? [];
  const ids = fieldIds(name);
  const describedBy = [errors.length > 0 ? ids.errors : undefined, field.helpText !== undefined ? ids.help : undefined].filter(Boolean).join(' ') || undefined;
  return { field, errors, ids, describedBy, value: state.values[name], labels: state.labels[name] };
}

/** A field's label, tied to its input, marked when the field is required. */
export async function FieldLabel({ form, name }: { form: AnyForm; name: string }) {
  const { field, ids } = await pieceOf(form, name);
  return (
    <label for={ids.input} id={ids.label} class={field.required ? 'required' : undefined}>
      {field.label}
      {field.required && <span class="required-marker" aria-hidden="true"> *</span>}
    </label>
  );
}

/** A field's input, described by its errors and help. */
export async function FieldWidget({ form, name }: { form: AnyForm; name: string }) {
  const { field, errors, describedBy, value, labels } = await pieceOf(form, name);
  return <WidgetInput field={field} value={value} labels={labels} describedBy={describedBy} invalid={errors.length > 0} />;
}

/** A field's messages (nothing when it has none). */
export function FieldErrors({ form, name }: { form: AnyForm; name: string }) {
  const errors = form.errors[name] ?? [];
  if (errors.length === 0) return null;
  return <ul class="errorlist" id={fieldIds(name).errors}>{errors.map((m) => <li>{m}</li>)}</ul>;
}

/** A field's help text (nothing when it has none). */
export async function FieldHelp({ form, name }: { form: AnyForm; name: string }) {
  const { field, ids } = await pieceOf(form, name);
  return field.helpText === undefined ? null : <p class="help" id={ids.help}>{field.helpText}</p>;
}

/** One field whole: label, input, errors, help (Django's `{{ field.as_field_group }}`). */
export function FieldRow({ form, name }: { form: AnyForm; name: string }) {
  const failed = (form.errors[name] ?? []).length > 0;
  return (
    <div class={`form-row${failed ? ' has-error' : ''}`}>
      <FieldLabel form={form} name={name} />
      <FieldWidget form={form} name={name} />
      <FieldErrors form={form} name={name} />
      <FieldHelp form={form} name={name} />
    </div>
  );
}

/**
 * What is wrong, at the top, announced when the page loads: a count, the form's own messages,
 * and a link to each field in error, so a keyboard user goes straight to it.
 */
export function FormErrors({ form }: { form: AnyForm }) {
  const failed = Object.keys(form.errors).filter((key) => key !== '__all__');
  const count = failed.length + (form.nonFieldErrors.length > 0 ? 1 : 0);
  if (count === 0) return null;
  return (
    <div class="errornote" role="alert">
      <p>{count === 1 ? 'Please correct the error below.' : 'Please correct the errors below.'}</p>
      {form.nonFieldErrors.length > 0 && <ul class="errorlist nonfield">{form.nonFieldErrors.map((m) => <li>{m}</li>)}</ul>}
      {failed.length > 0 && (
        <ul class="error-links">
          {/* To the label: after following the link, Tab lands on the input, with or without JavaScript. */}
          {failed.map((name) => <li><a href={`#${fieldIds(name).label}`}>{form.labelOf(name)}</a>: {form.errors[name]!.join(' ')}</li>)}
        </ul>
      )}
    </div>
  );
}

/** Every field of the form, in order (Django's `{{ form }}`). */
export function FormFields({ form }: { form: AnyForm }) {
  return <>{form.fieldNames.map((name) => <FieldRow form={form} name={name} />)}</>;
}

export interface FormProps {
  form: AnyForm;
  /** Where it posts (default: the page's own URL). */
  action?: string;
  /** The button's text (default "Save"). */
  submitLabel?: string;
  /** More buttons or links after the submit button ("Cancel"). */
  children?: Child;
}

/** The whole form: the CSRF field, the error summary, every field, a submit button. */
export function Form({ form, action, submitLabel = 'Save', children }: FormProps) {
  return (
    <form method="post" action={action} class="model-form" novalidate>
      <CsrfField />
      <FormErrors form={form} />
      <FormFields form={form} />
      <div class="submit-row">
        <button type="submit">{submitLabel}</button>
        {children}
      </div>
    </form>
  );
}
