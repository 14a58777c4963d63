/**
 * Users, groups and per-model permissions, as Django's auth: `view`, `add`, `change` and
 * `delete` for every model, plus `restore` and `purge` for models with a trash.
 */
import { createHash, createHmac } from 'node:crypto';
import { model, fields as f, allModels, getModel, noteModelClass, type InstanceOfClass, type ManyRelatedManager, type ModelMeta } from '../orm/index.ts';
import { makePassword, checkPassword, isUsablePassword, UNUSABLE_PASSWORD_PREFIX } from './passwords.ts';

declare module '../orm/index.ts' {
  interface ModelRelations {
    'auth.Permission': { groups: ManyRelatedManager<InstanceOfClass<typeof Group>> };
  }
}

export class Permission extends model('auth.Permission', {
  modelLabel: f.char({ maxLength: 150 }),
  codename: f.char({ maxLength: 100 }),
  name: f.char({ maxLength: 255 }),
}, { uniqueTogether: [['modelLabel', 'codename']], ordering: ['modelLabel', 'codename'] }) {
  /** `blog | post | Can delete post`, as Django's (app, model, name): how the permission pickers list it. */
  override toString(): string {
    const [app = '', name = ''] = this.modelLabel.split('.');
    let model = name.toLowerCase();
    try {
      model = getModel(this.modelLabel).verboseName;
    } catch {
      // A permission of a model no longer defined still has a name.
    }
    return `${app} | ${model} | ${this.name}`;
  }
}

/** `'blog.delete_post'`, as hasPerm() takes it. */
export function permissionName(permission: { modelLabel: string; codename: string }): string {
  return `${permission.modelLabel.split('.')[0]}.${permission.codename}`;
}

export class Group extends model('auth.Group', {
  name: f.char({ maxLength: 150, unique: true }),
  permissions: f.manyToMany(() => Permission, { relatedName: 'groups', blank: true }),
}) {
  override toString(): string {
    return this.name;
  }
}

/** Django's UnicodeUsernameValidator. */
function usernameProblem(value: string): string | undefined {
  return /^[\p{L}\p{N}_.@+-]+$/u.test(value) ? undefined : 'Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters.';
}

export class User extends model('auth.User', {
  // Django's field options: help texts, verbose names, and `blank` where a form may leave it empty.
  username: f.char({ maxLength: 150, unique: true, validators: [usernameProblem], helpText: 'Required. 150 characters or fewer. Letters, digits and @/./+/-/_ only.' }),
  email: f.email({ default: '', blank: true, verboseName: 'email address' }),
  password: f.char({ maxLength: 200, default: UNUSABLE_PASSWORD_PREFIX }),
  isActive: f.boolean({ default: true, verboseName: 'active', helpText: 'Designates whether this user should be treated as active. Unselect this instead of deleting accounts.' }),
  isStaff: f.boolean({ default: false, verboseName: 'staff status', helpText: 'Designates whether the user can log into this admin site.' }),
  isSuperuser: f.boolean({ default: false, verboseName: 'superuser status', helpText: 'Designates that this user has all permissions without explicitly assigning them.' }),
  lastLogin: f.dateTime({ null: true, blank: true, verboseName: 'last login' }),
  dateJoined: f.dateTime({ autoNowAdd: true, verboseName: 'date joined' }),
  groups: f.manyToMany(() => Group, { relatedName: 'users', blank: true, helpText: 'The groups this user belongs to. A user will get all permissions granted to each of their groups.' }),
  userPermissions: f.manyToMany(() => Permission, { relatedName: 'users', blank: true, verboseName: 'user permissions', helpText: 'Specific permissions for this user.' }),
}) {
  readonly isAuthenticated = true;
  readonly isAnonymous = false;

  /** A saved user with a hashed password, as Django's `create_user()`. */
  static async createUser(fields: { username: string; password: string; email?: string; isStaff?: boolean; isSuperuser?: boolean }): Promise<User> {
    const { password, ...rest } = fields;
    const user = new User(rest) as User;
    await user.setPassword(password);
    await user.save();
    return user;
  }

  /** A saved staff superuser: may do anything, in views and in the admin. */
  static createSuperuser(fields: { username: string; password: string; email?: string }): Promise<User> {
    return User.createUser({ ...fields, isStaff: true, isSuperuser: true });
  }

  override toString(): string {
    return this.username;
  }

  async setPassword(raw: string): Promise<void> {
    this.password = await makePassword(raw);
  }

  /** Django's set_unusable_password(): no password will ever match (an account that logs in some other way). */
  setUnusablePassword(): void {
    this.password = UNUSABLE_PASSWORD_PREFIX;
  }

  hasUsablePassword(): boolean {
    return isUsablePassword(this.password);
  }

  checkPassword(raw: string): Promise<boolean> {
    return checkPassword(raw, this.password);
  }

  /**
   * A digest of the password hash, keyed with the site's secret key (Django's
   * `get_session_auth_hash()`): a login keeps it in the session, and the session stops being
   * logged in once it no longer matches, that is once the password changed, by any means.
   */
  sessionAuthHash(secretKey: string): string {
    // Django's salted_hmac: the key is the digest of a salt naming the purpose and the secret.
    const key = createHash('sha256').update(`trove.auth.User.sessionAuthHash${secretKey}`).digest();
    return createHmac('sha256', key).update(this.password).digest('hex');
  }

  /** Whether the user may do `perm` (`'blog.delete_post'`): active superusers may do anything. */
  async hasPerm(perm: string): Promise<boolean> {
    if (!this.isActive) return false;
    if (this.isSuperuser) return true;
    return (await this.permissionNames()).has(perm);
  }

  /** Every permission of the user, directly or through a group, as `'app.codename'`. */
  async permissionNames(): Promise<Set<string>> {
    const own = await this.userPermissions.all();
    const viaGroups = await Permission.objects.filter({ groups__users__id: this.id } as never);
    return new Set([...own, ...viaGroups].map(permissionName));
  }
}

/** The user of a request nobody has logged in to. */
export class AnonymousUser {
  readonly id = null;
  readonly username = '';
  readonly isAuthenticated = false;
  readonly isAnonymous = true;
  readonly isActive = false;
  readonly isStaff = false;
  readonly isSuperuser = false;
  async hasPerm(): Promise<boolean> {
    return false;
  }
}

export type AnyUser = InstanceOfClass<typeof User> | AnonymousUser;

/** The codenames a model gets: `delete_post`, and for a trash `restore_post` and `purge_post`. */
export function codenamesFor(meta: ModelMeta): string[] {
  const actions = ['view', 'add', 'change', 'delete', ...(meta.softDelete ? ['restore', 'purge'] : [])];
  return actions.map((action) => `${action}_${meta.modelName}`);
}

/** Creates the permission rows every registered model should have; idempotent. Returns how many it made. */
export async function syncPermissions(): Promise<number> {
  const existing = new Set((await Permission.objects.values('modelLabel', 'codename')).map((p) => `${p.modelLabel} ${p.codename}`));
  const missing = allModels()
    .filter((meta) => !meta.autoCreated && meta.options.internal !== true)
    .flatMap((meta) => codenamesFor(meta).map((codename) => ({ modelLabel: meta.label, codename, name: `Can ${codename.split('_')[0]} ${meta.verboseName}` })))
    .filter((p) => !existing.has(`${p.modelLabel} ${p.codename}`));
  await Permission.objects.bulkCreate(missing);
  return missing.length;
}

// The classes with their methods (createUser, hasPerm…) are the ones the registry hands out,
// in the shell and to rows read back, even before anything has used them.
for (const cls of [Permission, Group, User]) noteModelClass(cls.meta, cls);
