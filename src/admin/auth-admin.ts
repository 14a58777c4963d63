/**
 * Users and groups in the admin, as Django's django/contrib/auth/admin.py: UserAdmin (a list by
 * username, an add form with the password twice, a change form that shows what may be shown of
 * the password and links to a page that sets it, pickers for groups and permissions) and
 * GroupAdmin. The default site registers both; a project may unregister them and register its
 * own: `site.register(User, new UserAdmin({ listDisplay: ['username', 'lastLogin'] }))`.
 *
 * Beyond Django, whose admin lets anyone who may change users make themselves a superuser: only a
 * superuser may grant superuser status, change or delete a superuser, or grant a permission (or
 * membership of a group with a permission) that they do not have themselves.
 */
import { atomic } from '../db/index.ts';
import { Group, Permission, User, isUsablePassword, passwordHelpTexts, passwordProblems, passwordSummary, permissionName } from '../auth/index.ts';
import { ValidationError, type ModelMeta } from '../orm/index.ts';
import { messages, redirect, render, updateSessionAuthHash, type ViewRequest } from '../web/index.ts';
import type { ChangeFormContext } from './changeform.ts';
import { ChangeFormPage } from './form-pages.tsx';
import { formFields, type FormField } from './forms.ts';
import { ADDITION, CHANGE, logAction } from './log.ts';
import { ModelAdmin, type AdminModel, type ModelAdminOptions, type ObjectView } from './options.ts';
import { ForbiddenPage } from './pages.tsx';
import { userPermissions } from './permissions.ts';
import { SetPasswordPage } from './auth-admin-pages.tsx';

type UserInstance = InstanceType<typeof User>;

/** The names of `wanted` that the model has, in order: first and last name only where it defines them. */
function present(meta: ModelMeta, wanted: readonly string[]): string[] {
  return wanted.filter((name) => meta.field(name) !== undefined);
}

/** Django's UserAdmin options, for the fields this model has. */
export function userAdminDefaults(meta: ModelMeta): ModelAdminOptions<UserInstance> {
  const fieldsets: [string | null, { fields: string[] }][] = [
    [null, { fields: present(meta, ['username', 'password']) }],
    ['Personal info', { fields: present(meta, ['firstName', 'lastName', 'email']) }],
    ['Permissions', { fields: present(meta, ['isActive', 'isStaff', 'isSuperuser', 'groups', 'userPermissions']) }],
    ['Important dates', { fields: present(meta, ['lastLogin', 'dateJoined']) }],
  ];
  return {
    listDisplay: present(meta, ['username', 'email', 'firstName', 'lastName', 'isStaff']),
    listFilter: present(meta, ['isStaff', 'isSuperuser', 'isActive', 'groups']),
    searchFields: present(meta, ['username', 'firstName', 'lastName', 'email']),
    ordering: ['username'],
    filterHorizontal: present(meta, ['groups', 'userPermissions']),
    fieldsets: fieldsets.filter(([, group]) => group.fields.length > 0),
  };
}

/** Whether the request's user is an active superuser. */
function bySuperuser(request: ViewRequest<any>): boolean {
  const user = request.user;
  return user instanceof User && user.isActive && user.isSuperuser;
}

/** The two password inputs of Django's SetPasswordMixin; posted values are never shown again. */
function passwordInputs(meta: ModelMeta, labels: [string, string], withHelp: boolean): FormField[] {
  const field = meta.field('password')!;
  const input = (name: string, label: string, helpText: string | undefined): FormField => ({
    field, name, label, required: true, readonly: false, helpText,
    widget: { kind: 'input', type: 'password', autocomplete: 'new-password' },
  });
  const help = passwordHelpTexts();
  return [
    input('password1', labels[0], withHelp && help.length > 0 ? help.join(' ') : undefined),
    input('password2', labels[1], 'Enter the same password as before, for verification.'),
  ];
}

/**
 * The two passwords posted, checked as Django's SetPasswordMixin does: both required, equal, and
 * passing the project's validators for this user; the problems go under `password2`.
 */
function checkPasswords(form: FormData, user: object): { password: string; errors: Record<string, string[]> } {
  const [first, second] = ['password1', 'password2'].map((name) => String(form.get(name) ?? ''));
  const errors: Record<string, string[]> = {};
  if (first === '') errors.password1 = ['This field is required.'];
  if (second === '') errors.password2 = ['This field is required.'];
  else if (first !== '' && first !== second) errors.password2 = ['The two password fields didn’t match.'];
  else if (first !== '') {
    const problems = passwordProblems(first!, user);
    if (problems.length > 0) errors.password2 = problems;
  }
  return { password: first!, errors };
}

export class UserAdmin extends ModelAdmin<UserInstance> {
  constructor(options: ModelAdminOptions<UserInstance> = {}, model: AdminModel = User) {
    super(model, { ...userAdminDefaults(model.meta), ...options });
  }

  override async hasChangePermission(request: ViewRequest<any>, object?: UserInstance): Promise<boolean> {
    return (await super.hasChangePermission(request, object)) && (object === undefined || !object.isSuperuser || bySuperuser(request));
  }

  override async hasDeletePermission(request: ViewRequest<any>, object?: UserInstance): Promise<boolean> {
    return (await super.hasDeletePermission(request, object)) && (object === undefined || !object.isSuperuser || bySuperuser(request));
  }

  /**
   * Django's: adding a user needs the add and the change permission (a user is half made until
   * its groups and permissions are set on the change page the add form leads to).
   */
  override async addView(request: ViewRequest<any>, context: ChangeFormContext): Promise<Response> {
    if (!(await this.hasAddPermission(request)) || !(await this.hasChangePermission(request))) return render(request, ForbiddenPage({ frame: context.frame }), 403);
    const meta = this.meta;
    const [username] = await formFields(new ModelAdmin(this.model, { fields: ['username'] }), true);
    const fields = [username!, ...passwordInputs(meta, ['Password', 'Password confirmation'], true)];
    const page = (values: Record<string, string>, errors: Record<string, string[]>) => render(request, ChangeFormPage({
      frame: context.frame, title: `Add ${meta.verboseName}`, crumbs: [...context.crumbs, [`Add ${meta.verboseName}`, undefined]],
      fields, values, errors, labels: {}, canSave: true, adding: true, historyUrl: undefined, changelistFilters: undefined,
      fieldsets: [[null, { fields: fields.map((f) => f.name), description: 'First, enter a username and password. Then, you’ll be able to edit more user options.' }]],
    }));
    if (request.method !== 'POST') return page({ username: '' }, {});
    const form = await request.form();
    const ModelClass = meta.modelClass as new (data: object) => UserInstance;
    const user = new ModelClass({ username: String(form.get('username') ?? '') });
    const { password, errors } = checkPasswords(form, user);
    try {
      await user.fullClean({ exclude: ['password'] });
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      for (const [key, list] of Object.entries(error.errors)) (errors[key] ??= []).push(...list);
    }
    if (Object.keys(errors).length > 0) return page({ username: user.username }, errors);
    await atomic(async () => {
      await user.setPassword(password);
      if (this.options.saveModel) await this.options.saveModel(request, user, false);
      else await user.save();
      await logAction(actor(request), meta, user.id, String(user), ADDITION, {});
    }, { using: this.getQueryset(request).db });
    const added = `The ${meta.verboseName} “${String(user)}” was added successfully.`;
    // Django's UserAdmin.response_add: on to the change page, where the rest of the user is set.
    if (form.has('_addanother')) {
      messages.success(request, `${added} You may add another ${meta.verboseName} below.`);
      return redirect(context.addUrl);
    }
    messages.success(request, `${added} You may edit it again below.`);
    return redirect(context.changeUrl(user.id));
  }

  override objectViews(): Readonly<Record<string, ObjectView<UserInstance>>> {
    return { password: (request, user, context) => this.passwordView(request, user, context) };
  }

  /** Django's user_change_password: the new password twice, for someone who may change this user. */
  private async passwordView(request: ViewRequest<any>, user: UserInstance, context: ChangeFormContext): Promise<Response> {
    if (!(await this.hasChangePermission(request, user))) return render(request, ForbiddenPage({ frame: context.frame }), 403);
    const usable = isUsablePassword(user.password);
    const title = `${usable ? 'Change' : 'Set'} password: ${user.username}`;
    const page = (errors: Record<string, string[]>) => render(request, SetPasswordPage({
      frame: context.frame, title, username: user.username, errors,
      fields: passwordInputs(this.meta, ['Password', 'Password (again)'], true),
      crumbs: [...context.crumbs, [String(user), context.changeUrl(user.id)], [usable ? 'Change password' : 'Set password', undefined]],
    }));
    if (request.method !== 'POST') return page({});
    const { password, errors } = checkPasswords(await request.form(), user);
    if (Object.keys(errors).length > 0) return page(errors);
    await atomic(async () => {
      await user.setPassword(password);
      await user.save({ updateFields: ['password'] });
      await logAction(actor(request), this.meta, user.id, String(user), CHANGE, { message: 'Changed password.' });
    }, { using: this.getQueryset(request).db });
    messages.success(request, 'Password changed successfully.');
    // The user's other sessions end; this one stays logged in when it is theirs.
    updateSessionAuthHash(request, user);
    return redirect(context.changeUrl(user.id));
  }

  /** The password as a summary and a link (Django's UserChangeForm); superuser status for superusers only. */
  override async formFieldsFor(request: ViewRequest<any>, object: UserInstance | undefined, fields: FormField[]): Promise<FormField[]> {
    const mayChange = object !== undefined && (await this.hasChangePermission(request, object));
    return fields.map((f) => {
      if (f.name === 'password') {
        return {
          ...f, readonly: true, required: false,
          helpText: 'Raw passwords are not stored, so there is no way to see the user’s password.',
          widget: { kind: 'passwordHash', summary: passwordSummary(object?.password), changeUrl: mayChange ? '../password/' : undefined },
        };
      }
      if (f.name === 'isSuperuser' && !bySuperuser(request)) return { ...f, readonly: true };
      return f;
    });
  }

  /** No one grants what they do not have: permissions, or groups that carry them. */
  override async cleanForm(request: ViewRequest<any>, user: UserInstance, links: ReadonlyMap<string, unknown[]>): Promise<Record<string, string[]>> {
    if (bySuperuser(request)) return {};
    const mine = await userPermissions(request);
    const errors: Record<string, string[]> = {};
    const permissionKeys = links.get('userPermissions');
    if (permissionKeys !== undefined) {
      const held = user.id === null ? [] : await user.userPermissions.all();
      const added = await Permission.objects.filter({ pk__in: permissionKeys as number[] }).exclude({ pk__in: held.map((p) => p.id) });
      const foreign = added.map(permissionName).filter((name) => !mine.has(name));
      if (foreign.length > 0) errors.userPermissions = [`You cannot grant permissions you do not have: ${foreign.join(', ')}.`];
    }
    const groupKeys = links.get('groups');
    if (groupKeys !== undefined) {
      const held = user.id === null ? [] : await user.groups.all();
      const added = await Group.objects.filter({ pk__in: groupKeys as number[] }).exclude({ pk__in: held.map((g) => g.id) });
      const refused: string[] = [];
      for (const group of added) {
        const foreign = (await group.permissions.all()).map(permissionName).filter((name) => !mine.has(name));
        if (foreign.length > 0) refused.push(`${group.name} (${foreign.join(', ')})`);
      }
      if (refused.length > 0) errors.groups = [`You cannot add a user to a group with permissions you do not have: ${refused.join('; ')}.`];
    }
    return errors;
  }
}

export class GroupAdmin extends ModelAdmin<InstanceType<typeof Group>> {
  constructor(options: ModelAdminOptions<InstanceType<typeof Group>> = {}, model: AdminModel = Group) {
    super(model, { searchFields: ['name'], ordering: ['name'], filterHorizontal: ['permissions'], ...options });
  }

  /** As for users: a group gets only permissions its editor has, unless a superuser edits it. */
  override async cleanForm(request: ViewRequest<any>, group: InstanceType<typeof Group>, links: ReadonlyMap<string, unknown[]>): Promise<Record<string, string[]>> {
    const keys = links.get('permissions');
    if (bySuperuser(request) || keys === undefined) return {};
    const mine = await userPermissions(request);
    const held = group.id === null ? [] : await group.permissions.all();
    const added = await Permission.objects.filter({ pk__in: keys as number[] }).exclude({ pk__in: held.map((p) => p.id) });
    const foreign = added.map(permissionName).filter((name) => !mine.has(name));
    return foreign.length > 0 ? { permissions: [`You cannot grant permissions you do not have: ${foreign.join(', ')}.`] } : {};
  }
}

function actor(request: ViewRequest<any>): string {
  return request.user.isAuthenticated ? String(request.user.username) : '';
}
