/** The page of UserAdmin that sets a user's password (Django's admin/auth/user/change_password.html). */
import { CsrfField } from '../web/index.ts';
import type { FormField } from './forms.ts';
import { AdminLayout, type AdminFrame } from './pages.tsx';

export interface SetPasswordPageProps {
  frame: AdminFrame;
  title: string;
  crumbs: [string, string | undefined][];
  username: string;
  fields: FormField[];
  errors: Record<string, string[]>;
}

export function SetPasswordPage({ frame, title, crumbs, username, fields, errors }: SetPasswordPageProps) {
  const problems = Object.keys(errors).length;
  return (
    <AdminLayout frame={frame} title={title} crumbs={crumbs}>
      <h1>{title}</h1>
      {problems > 0 && <p class="errornote" role="alert">{problems === 1 ? 'Please correct the error below.' : 'Please correct the errors below.'}</p>}
      <p>Enter a new password for the user <strong>{username}</strong>.</p>
      <form method="post" class="changeform" novalidate>
        <CsrfField />
        <fieldset class="module plain">
          {fields.map((field) => {
            const id = `id_${field.name}`;
            const fieldErrors = errors[field.name];
            const described = [fieldErrors && `${id}_error`, field.helpText !== undefined && `${id}_help`].filter(Boolean).join(' ') || undefined;
            return (
              <div class={`form-row${fieldErrors ? ' has-error' : ''}`}>
                <label for={id} class="required">{field.label}</label>
                <div>
                  <input type="password" id={id} name={field.name} autocomplete="new-password" required aria-describedby={described} aria-invalid={fieldErrors ? 'true' : undefined} />
                  {fieldErrors && <ul class="errorlist" id={`${id}_error`}>{fieldErrors.map((m) => <li>{m}</li>)}</ul>}
                  {field.helpText !== undefined && <p class="help" id={`${id}_help`}>{field.helpText}</p>}
                </div>
              </div>
            );
          })}
        </fieldset>
        <div class="submit-row"><button type="submit">Change password</button></div>
      </form>
    </AdminLayout>
  );
}
