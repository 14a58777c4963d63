import { test } from 'node:test';
import assert from 'node:assert/strict';
import { model, fields as f } from '../../src/index.ts';
import { Group, Permission, User, syncPermissions, makePassword, checkPassword, AnonymousUser } from '../../src/auth/index.ts';
import { withSeededDatabase } from '../support/database.ts';

model('ta.Doc', { title: f.char({ maxLength: 20 }) }, { softDelete: true });
withSeededDatabase(async () => undefined);

test('passwords are scrypt hashes, checked in constant time', async () => {
  const encoded = await makePassword('s3cret!');
  assert.match(encoded, /^scrypt\$16384\$8\$1\$/);
  assert.notEqual(encoded, await makePassword('s3cret!'));
  assert.equal(await checkPassword('s3cret!', encoded), true);
  assert.equal(await checkPassword('wrong', encoded), false);
  assert.equal(await checkPassword('x', 'md5$abc'), false);
});

test('syncPermissions makes view/add/change/delete for every model, restore and purge for a trash', async () => {
  const made = await syncPermissions();
  assert.ok(made > 0);
  assert.equal(await syncPermissions(), 0);
  const doc = (await Permission.objects.filter({ modelLabel: 'ta.Doc' }).orderBy('codename')).map((p) => p.codename);
  assert.deepEqual(doc, ['add_doc', 'change_doc', 'delete_doc', 'purge_doc', 'restore_doc', 'view_doc']);
  assert.equal(await Permission.objects.filter({ modelLabel: 'auth.User', codename: 'restore_user' }).exists(), false);
});

test('hasPerm: own permissions, through groups, superusers, and never for inactive users', async () => {
  await syncPermissions();
  const editor = (await User.objects.create({ username: 'ed' })) as User;
  const del = await Permission.objects.get({ modelLabel: 'ta.Doc', codename: 'delete_doc' });
  const restore = await Permission.objects.get({ modelLabel: 'ta.Doc', codename: 'restore_doc' });
  assert.equal(await editor.hasPerm('ta.delete_doc'), false);
  await editor.userPermissions.add(del);
  assert.equal(await editor.hasPerm('ta.delete_doc'), true);
  const staff = await Group.objects.create({ name: 'staff' });
  await staff.permissions.add(restore);
  await editor.groups.add(staff);
  assert.equal(await editor.hasPerm('ta.restore_doc'), true);
  assert.equal(await editor.hasPerm('ta.purge_doc'), false);
  const root = (await User.objects.create({ username: 'root', isSuperuser: true })) as User;
  assert.equal(await root.hasPerm('ta.purge_doc'), true);
  root.isActive = false;
  assert.equal(await root.hasPerm('ta.purge_doc'), false);
  assert.equal(await new AnonymousUser().hasPerm(), false);
});
