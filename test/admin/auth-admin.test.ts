/**
 * Users and groups in the admin (UserAdmin and GroupAdmin, as Django's contrib.auth.admin), over
 * HTTP against the blog app: the list, the add form with the password twice and the validators,
 * the change form that never shows the hash, the password page, and who may do what.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Group, Permission, User } from '../../src/auth/index.ts';
import { site, UserAdmin } from '../../src/admin/index.ts';
import { LogEntry } from '../../src/admin/log.ts';
import { useBlogApp } from '../support/blog-app.ts';
import { TestClient } from '../support/web.ts';

const { app } = useBlogApp();

async function as(username: string, password: string): Promise<TestClient> {
  const client = TestClient.inProcess(app);
  await client.login(username, password, '/admin/login/');
  return client;
}

async function staff(username: string, grants: string[]): Promise<InstanceType<typeof User>> {
  const user = await User.createUser({ username, password: `${username}-secret-pass`, isStaff: true });
  for (const grant of grants) {
    const [app, codename] = grant.split('.') as [string, string];
    const permission = (await Permission.objects.filter({ codename }).filter({ modelLabel__startswith: `${app}.` }).first())!;
    await user.userPermissions.add(permission);
  }
  return user;
}

test('users and groups are registered: the list shows Django’s columns and filters, and searches', async () => {
  const admin = await as('admin', 'admin');
  const index = await admin.page('/admin/');
  assert.match(index.html, /href="\/admin\/auth\/user\/"/);
  assert.match(index.html, /href="\/admin\/auth\/group\/"/);
  const list = await admin.page('/admin/auth/user/');
  assert.equal(list.status, 200);
  for (const column of ['Username', 'Email address', 'Staff status']) assert.match(list.html, new RegExp(`>${column}<`), column);
  for (const filter of ['staff status', 'superuser status', 'active', 'groups']) assert.match(list.html, new RegExp(`By ${filter}`, 'i'), filter);
  assert.match(list.html, />admin<\/a>/);
  const found = await admin.page('/admin/auth/user/?q=edit');
  assert.match(found.html, />editor<\/a>/);
  assert.doesNotMatch(found.html, />reader<\/a>/);
  assert.equal((await admin.get('/admin/auth/user/?password__startswith=scrypt')).status, 400, 'never a filter on the hash');
});

test('add: the password twice, checked by the validators; then on to the change page', async () => {
  const admin = await as('admin', 'admin');
  const form = await admin.page('/admin/auth/user/add/');
  assert.equal(form.status, 200);
  assert.match(form.html, /<input type="text" id="id_username" name="username"/);
  assert.match(form.html, /<input type="password" id="id_password1" name="password1" value="" autocomplete="new-password"/);
  assert.match(form.html, /<input type="password" id="id_password2" name="password2"/);
  assert.match(form.html, /Your password must contain at least 8 characters\./);
  assert.doesNotMatch(form.html, /id_isSuperuser|id_lastLogin/, 'only the username and the password at first');

  const cases: [Record<string, string>, RegExp][] = [
    [{ username: 'ada', password1: 'analytical-engine', password2: 'analytical-engines' }, /The two password fields didn’t match\./],
    [{ username: 'ada', password1: 'password', password2: 'password' }, /This password is too common\./],
    [{ username: 'ada', password1: '7', password2: '7' }, /This password is too short\. It must contain at least 8 characters\.<\/li><li>This password is entirely numeric\./],
    [{ username: 'ada.lovelace', password1: 'Lovelace.Ada', password2: 'Lovelace.Ada' }, /The password is too similar to the username\./],
    [{ username: 'bad name!', password1: 'analytical-engine', password2: 'analytical-engine' }, /Enter a valid username\./],
    [{ username: 'editor', password1: 'analytical-engine', password2: 'analytical-engine' }, /User with this Username already exists\./],
  ];
  for (const [fields, message] of cases) {
    const response = await admin.post('/admin/auth/user/add/', { ...fields, _save: '1' });
    assert.equal(response.status, 200, fields.password1);
    const html = await response.text();
    assert.match(html, message);
    assert.doesNotMatch(html, new RegExp(`value="${fields.password1}"`), 'a posted password is never shown again');
  }
  assert.equal(await User.objects.filter({ username__in: ['ada', 'ada.lovelace'] }).exists(), false, 'nothing saved');

  const made = await admin.post('/admin/auth/user/add/', { username: 'ada', password1: 'analytical-engine', password2: 'analytical-engine', _save: '1' });
  assert.equal(made.status, 302);
  const ada = (await User.objects.get({ username: 'ada' })) as InstanceType<typeof User>;
  assert.equal(made.headers.get('location'), `/admin/auth/user/${ada.id}/change/`);
  assert.ok(await ada.checkPassword('analytical-engine'));
  assert.equal(ada.isStaff, false);
  const next = await admin.page(made.headers.get('location')!);
  assert.match(next.html, /The user “ada” was added successfully\. You may edit it again below\./);
  assert.equal((await LogEntry.objects.filter({ modelLabel: 'auth.User', objectId: String(ada.id) }).first())?.actionFlag, 1);
});

test('change: the password is a summary and a link, never the hash; last login is optional; saving keeps the password', async () => {
  const admin = await as('admin', 'admin');
  const editor = (await User.objects.get({ username: 'editor' })) as InstanceType<typeof User>;
  const page = await admin.page(`/admin/auth/user/${editor.id}/change/`);
  assert.equal(page.status, 200);
  const [, , , , salt, hash] = editor.password.split('$');
  assert.ok(!page.html.includes(hash!) && !page.html.includes(salt!) && !page.html.includes(editor.password), 'neither hash nor salt');
  assert.match(page.html, /<strong>algorithm<\/strong>: scrypt/);
  assert.match(page.html, /<a class="button secondary" href="\.\.\/password\/">Reset password<\/a>/);
  assert.doesNotMatch(page.html, /name="password"/);
  assert.doesNotMatch(page.html, /<label for="id_lastLogin" class="required">/);
  assert.match(page.html, /<legend>Personal info<\/legend>[\s\S]*<legend>Permissions<\/legend>[\s\S]*<legend>Important dates<\/legend>/);
  assert.match(page.html, /data-filtered-select="id_userPermissions"/);
  assert.match(page.html, /<option value="\d+" selected="">blog \| post \| Can change post<\/option>/);
  const kept = (await editor.userPermissions.all()).map((p) => String(p.id));
  const saved = await admin.post(`/admin/auth/user/${editor.id}/change/`, [
    ['username', 'editor'], ['email', ''], ['isActive', 'on'], ['isStaff', 'on'], ['lastLogin', ''], ...kept.map((id): [string, string] => ['userPermissions', id]), ['_save', '1'],
  ]);
  assert.equal(saved.status, 302, await saved.clone().text());
  const after = (await User.objects.get({ id: editor.id })) as InstanceType<typeof User>;
  assert.equal(after.password, editor.password);
  assert.ok(await after.checkPassword('editor'));
});

test('the password page sets a new password through the validators; your own keeps you logged in, and ends your other sessions', async () => {
  const admin = await as('admin', 'admin');
  const elsewhere = await as('admin', 'admin');
  const editor = (await User.objects.get({ username: 'editor' })) as InstanceType<typeof User>;
  const page = await admin.page(`/admin/auth/user/${editor.id}/password/`);
  assert.equal(page.status, 200);
  assert.match(page.html, /<h1>Change password: editor<\/h1>/);
  const weak = await admin.post(`/admin/auth/user/${editor.id}/password/`, { password1: 'editor12', password2: 'editor12' });
  assert.match(await weak.text(), /The password is too similar to the username\./);
  const changed = await admin.post(`/admin/auth/user/${editor.id}/password/`, { password1: 'a quiet harbour', password2: 'a quiet harbour' });
  assert.equal(changed.status, 302);
  assert.equal(changed.headers.get('location'), `/admin/auth/user/${editor.id}/change/`);
  assert.ok(await ((await User.objects.get({ id: editor.id })) as InstanceType<typeof User>).checkPassword('a quiet harbour'));
  assert.match((await admin.page(changed.headers.get('location')!)).html, /Password changed successfully\./);
  assert.equal((await LogEntry.objects.filter({ objectId: String(editor.id), modelLabel: 'auth.User' }).first())?.changeMessage?.message, 'Changed password.');

  const me = (await User.objects.get({ username: 'admin' })) as InstanceType<typeof User>;
  await admin.page(`/admin/auth/user/${me.id}/password/`);
  const own = await admin.post(`/admin/auth/user/${me.id}/password/`, { password1: 'a longer admin phrase', password2: 'a longer admin phrase' });
  assert.equal(own.status, 302);
  assert.equal((await admin.get('/admin/')).status, 200, 'this session stays logged in');
  assert.equal((await elsewhere.get('/admin/')).status, 302, 'the other session is logged out');
  assert.equal((await admin.get('/admin/auth/user/99999/password/')).status, 404);
  assert.equal((await admin.get(`/admin/auth/user/${me.id}/nonsense/`)).status, 404);
});

test('permissions: view only cannot set passwords; change_user cannot make superusers, touch one, or grant what it lacks', async () => {
  const editor = (await User.objects.get({ username: 'editor' })) as InstanceType<typeof User>;
  const boss = (await User.objects.get({ username: 'admin' })) as InstanceType<typeof User>;
  await staff('viewer', ['auth.view_user']);
  const viewer = await as('viewer', 'viewer-secret-pass');
  assert.equal((await viewer.get(`/admin/auth/user/${editor.id}/password/`)).status, 403);
  assert.equal((await viewer.post(`/admin/auth/user/${editor.id}/password/`, { password1: 'a quiet harbour', password2: 'a quiet harbour' })).status, 403);
  assert.ok(await editor.checkPassword('editor'), 'unchanged');
  const viewed = await viewer.page(`/admin/auth/user/${editor.id}/change/`);
  assert.match(viewed.html, /<h1>View user<\/h1>/);
  assert.doesNotMatch(viewed.html, /Reset password/);
  assert.equal((await viewer.get('/admin/auth/user/add/')).status, 403);

  const manager = await staff('manager', ['auth.view_user', 'auth.change_user', 'auth.add_user', 'blog.view_post']);
  const client = await as('manager', 'manager-secret-pass');
  // A superuser is out of reach: read-only, no password page.
  assert.match((await client.page(`/admin/auth/user/${boss.id}/change/`)).html, /<h1>View user<\/h1>/);
  assert.equal((await client.get(`/admin/auth/user/${boss.id}/password/`)).status, 403);
  // Superuser status is read-only, and posting it anyway grants nothing.
  const form = await client.page(`/admin/auth/user/${editor.id}/change/`);
  assert.doesNotMatch(form.html, /name="isSuperuser"/);
  const held = (await editor.userPermissions.all()).map((p) => String(p.id));
  const base: [string, string][] = [['username', 'editor'], ['isActive', 'on'], ['isStaff', 'on'], ['isSuperuser', 'on'], ['_save', '1'], ...held.map((id): [string, string] => ['userPermissions', id])];
  assert.equal((await client.post(`/admin/auth/user/${editor.id}/change/`, base)).status, 302);
  assert.equal(((await User.objects.get({ id: editor.id })) as InstanceType<typeof User>).isSuperuser, false);
  // Granting a permission the manager lacks is refused; one it has is fine; what the user held stays.
  const deleteUser = await Permission.objects.get({ modelLabel: 'auth.User', codename: 'delete_user' });
  const viewPost = await Permission.objects.get({ modelLabel: 'blog.Post', codename: 'view_post' });
  const refused = await client.post(`/admin/auth/user/${editor.id}/change/`, [...base, ['userPermissions', String(deleteUser.id)]]);
  assert.equal(refused.status, 200);
  assert.match(await refused.text(), /You cannot grant permissions you do not have: auth\.delete_user\./);
  assert.equal(await editor.userPermissions.filter({ id: deleteUser.id }).exists(), false);
  const group = await Group.objects.create({ name: 'cleaners' });
  await group.permissions.add(deleteUser);
  const viaGroup = await client.post(`/admin/auth/user/${editor.id}/change/`, [...base, ['groups', String(group.id)]]);
  assert.match(await viaGroup.text(), /You cannot add a user to a group with permissions you do not have: cleaners \(auth\.delete_user\)\./);
  assert.equal((await client.post(`/admin/auth/user/${editor.id}/change/`, [...base, ['userPermissions', String(viewPost.id)]])).status, 302);
  assert.equal(await editor.userPermissions.count(), held.length, 'view_post was held already');
  // The manager may set the password of a user who is not a superuser.
  assert.equal((await client.post(`/admin/auth/user/${editor.id}/password/`, { password1: 'a quiet harbour', password2: 'a quiet harbour' })).status, 302);
  // Adding needs add and change (Django's rule): add alone is a 403.
  await manager.userPermissions.remove(await Permission.objects.get({ modelLabel: 'auth.User', codename: 'change_user' }));
  await staff('adder', ['auth.add_user']);
  const adder = await as('adder', 'adder-secret-pass');
  assert.equal((await adder.get('/admin/auth/user/add/')).status, 403);
});

test('groups: the permissions picker lists every permission by app, model and name; a non-superuser grants only what it has', async () => {
  const admin = await as('admin', 'admin');
  const add = await admin.page('/admin/auth/group/add/');
  assert.match(add.html, /<select id="id_permissions" name="permissions" multiple=""/);
  assert.match(add.html, /<input type="search" id="id_permissions_filter" aria-controls="id_permissions"/);
  assert.match(add.html, /<option value="\d+">blog \| post \| Can delete post<\/option>/);
  const deletePost = await Permission.objects.get({ modelLabel: 'blog.Post', codename: 'delete_post' });
  const made = await admin.post('/admin/auth/group/add/', [['name', 'editors'], ['permissions', String(deletePost.id)], ['_save', '1']]);
  assert.equal(made.status, 302);
  assert.deepEqual((await (await Group.objects.get({ name: 'editors' })).permissions.all()).map((p) => p.codename), ['delete_post']);

  await staff('grouper', ['auth.add_group', 'auth.change_group', 'blog.view_post']);
  const grouper = await as('grouper', 'grouper-secret-pass');
  await grouper.page('/admin/auth/group/add/');
  const refused = await grouper.post('/admin/auth/group/add/', [['name', 'deleters'], ['permissions', String(deletePost.id)], ['_save', '1']]);
  assert.match(await refused.text(), /You cannot grant permissions you do not have: blog\.delete_post\./);
  assert.equal(await Group.objects.filter({ name: 'deleters' }).exists(), false);
});

test('a project may unregister UserAdmin and register its own options', async () => {
  site.unregister(User);
  try {
    site.register(User, new UserAdmin({ listDisplay: ['username', 'lastLogin'], searchFields: ['username'] }));
    const admin = await as('admin', 'admin');
    const list = await admin.page('/admin/auth/user/');
    assert.match(list.html, />Last login</);
    assert.doesNotMatch(list.html, />Staff status</);
    assert.equal((await admin.get('/admin/auth/user/add/')).status, 200);
    assert.throws(() => site.register(User), /already registered/);
  } finally {
    site.unregister(User);
    site.register(User, new UserAdmin());
  }
});
