/**
 * A confirmation page shows no row of a model its user may not view: the blockers (admin, its
 * bulk action and DeleteView) and the samples are counted instead. The rows' text must not
 * appear anywhere on the page.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CASCADE, fields as f, model, PROTECT } from '../../src/index.ts';
import { Permission, syncPermissions, User } from '../../src/auth/index.ts';
import { AdminSite } from '../../src/admin/index.ts';
import { createApp, DeleteView, include, path } from '../../src/web/index.ts';
import { withSeededDatabase } from '../support/database.ts';
import { TestClient } from '../support/web.ts';

class Vault extends model('visible.Vault', { name: f.char({ maxLength: 50 }) }) {
  override toString(): string { return this.name; }
}
/** Rows the clerk may not view: their text must not appear on the clerk's pages. */
class Secret extends model('visible.Secret', { text: f.char({ maxLength: 50 }), vault: f.foreignKey(() => Vault, { onDelete: PROTECT }) }) {
  override toString(): string { return this.text; }
}
class Box extends model('visible.Box', { name: f.char({ maxLength: 50 }) }) {
  override toString(): string { return this.name; }
}
class Item extends model('visible.Item', { text: f.char({ maxLength: 50 }), box: f.foreignKey(() => Box, { onDelete: CASCADE }) }) {
  override toString(): string { return this.text; }
}

const site = new AdminSite({ name: 'visible' });
site.register([Vault, Secret, Box, Item]);
const app = createApp({
  secretKey: 'visible-secret-key-long-enough-for-tests',
  urls: [
    path('vaults/<int:id>/delete/', DeleteView.for(Vault, { successUrl: '/admin/', restoreUrl: null }), { name: 'vault_delete' }),
    path('boxes/<int:id>/delete/', DeleteView.for(Box, { successUrl: '/admin/', restoreUrl: null }), { name: 'box_delete' }),
    path('admin/', include(site.urls)),
  ],
});

const seeded = withSeededDatabase(async () => {
  await syncPermissions();
  const vault = await Vault.objects.create({ name: 'vault-1' });
  await Secret.objects.create({ text: 'LAUNCH-CODE-1234', vault });
  const box = await Box.objects.create({ name: 'box-1' });
  await Item.objects.create({ text: 'PRIVATE-ITEM-5678', box });
  const clerk = await User.createUser({ username: 'clerk', password: 'pw', isStaff: true });
  const grant = async (label: string, codename: string) => clerk.userPermissions.add(await Permission.objects.get({ modelLabel: label, codename }));
  await grant('visible.Vault', 'view_vault');
  await grant('visible.Vault', 'delete_vault');
  await grant('visible.Box', 'view_box');
  await grant('visible.Box', 'delete_box');
  // May delete items, may not view them.
  await grant('visible.Item', 'delete_item');
  assert.equal(await clerk.hasPerm('visible.view_secret'), false);
  assert.equal(await clerk.hasPerm('visible.view_item'), false);
  return { vault, box };
});

async function clerk(): Promise<TestClient> {
  const client = TestClient.inProcess(app);
  await client.login('clerk', 'pw', '/admin/login/');
  return client;
}

test('admin delete page: protected objects of a model the user may not view are not shown', async () => {
  const { vault } = seeded();
  const page = await (await clerk()).page(`/admin/visible/vault/${vault.id}/delete/`);
  assert.equal(page.status, 200);
  assert.match(page.html, /Cannot delete/);
  assert.doesNotMatch(page.html, /LAUNCH-CODE-1234/, 'the admin delete page shows a Secret the clerk may not view');
  assert.match(page.html, /1 secret \(not shown: your account may not view them\)/);
});

test('admin delete_selected: protected objects of a model the user may not view are not shown', async () => {
  const { vault } = seeded();
  const client = await clerk();
  await client.page('/admin/visible/vault/');
  const res = await client.post('/admin/visible/vault/', { action: 'delete_selected', index: '0', _selected_action: String(vault.id) });
  const html = await res.text();
  assert.match(html, /Cannot delete/);
  assert.doesNotMatch(html, /LAUNCH-CODE-1234/, 'the delete_selected page shows a Secret the clerk may not view');
});

test('DeleteView: protected objects of a model the user may not view are not shown', async () => {
  const { vault } = seeded();
  const page = await (await clerk()).page(`/vaults/${vault.id}/delete/`);
  assert.match(page.html, /Cannot delete/);
  assert.doesNotMatch(page.html, /LAUNCH-CODE-1234/, 'DeleteView shows a Secret the clerk may not view');
  assert.match(page.html, /1 secret \(not shown: your account may not view them\)/);
});

test('DeleteView: the sample does not list rows of a model the user may not view', async () => {
  const { box } = seeded();
  const page = await (await clerk()).page(`/boxes/${box.id}/delete/`);
  assert.equal(page.status, 200);
  assert.match(page.html, /Are you sure/);
  assert.doesNotMatch(page.html, /PRIVATE-ITEM-5678/, 'DeleteView samples an Item the clerk may not view');
  assert.match(page.html, /Item: 1 \(not shown\)/);
});

test('the admin delete page hides the sample of a model the user may not view', async () => {
  const { box } = seeded();
  const page = await (await clerk()).page(`/admin/visible/box/${box.id}/delete/`);
  assert.equal(page.status, 200);
  assert.doesNotMatch(page.html, /PRIVATE-ITEM-5678/);
});

test('the change permission lets one view, as in Django: then the sample is shown', async () => {
  const { box } = seeded();
  const user = await User.objects.get({ username: 'clerk' });
  await user.userPermissions.add(await Permission.objects.get({ modelLabel: 'visible.Item', codename: 'change_item' }));
  const page = await (await clerk()).page(`/boxes/${box.id}/delete/`);
  assert.match(page.html, /PRIVATE-ITEM-5678/);
});
