/**
 * Rows that change while a confirmed delete runs (another writer; here a preDelete receiver that
 * takes a planned row away, as SQLite has one writer) make it fail whole with RowsChangedError:
 * DeleteView and the admin show the page again with what deleting takes now (409), never a 500.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CASCADE, model, fields as f, signals } from '../../src/index.ts';
import { Permission, User, syncPermissions } from '../../src/auth/index.ts';
import { AdminSite } from '../../src/admin/index.ts';
import { createApp, DeleteView, include, path } from '../../src/web/index.ts';
import { withSeededDatabase } from '../support/database.ts';
import { loginRoute, TestClient } from '../support/web.ts';

class Box extends model('changed.Box', { name: f.char({ maxLength: 40 }) }) {
  override toString() {
    return this.name;
  }
}
class Item extends model('changed.Item', { box: f.foreignKey(() => Box, { onDelete: CASCADE }), name: f.char({ maxLength: 40 }) }) {}

const seeded = withSeededDatabase(async () => {
  await syncPermissions();
  const clerk = await User.createUser({ username: 'clerk', password: 'clerk-password', isStaff: true });
  for (const codename of ['view_box', 'view_item', 'delete_box', 'delete_item']) await clerk.userPermissions.add(await Permission.objects.get({ codename }));
  const box = await Box.objects.create({ name: 'box' });
  await Item.objects.create({ box, name: 'a' });
  await Item.objects.create({ box, name: 'b' });
  return { box };
});

const site = new AdminSite({ name: 'changed' });
site.register([Box, Item]);

const web = createApp({
  secretKey: 'a-test-secret-key-that-is-long-enough',
  urls: [
    loginRoute('/boxes/'),
    path('boxes/', async () => new Response('list'), { name: 'box_list' }),
    path('boxes/<int:id>/delete/', DeleteView.for(Box, { successUrl: 'box_list' })),
    path('admin/', include(site.urls)),
  ],
});

/** While `run` goes, a receiver takes item 'a' away as the box's delete starts. */
async function whileAnItemGoes<T>(run: () => Promise<T>): Promise<T> {
  const off = signals.preDelete.connect(async () => {
    await Item.objects.filter({ name: 'a' }).delete();
  }, { sender: Box });
  try {
    return await run();
  } finally {
    off();
  }
}

for (const where of ['DeleteView', 'the admin'] as const) {
  test(`${where}: rows that changed while the delete ran give the page again, with what it takes now; nothing is deleted`, async () => {
    const { box } = seeded();
    const client = TestClient.inProcess(web);
    await client.login('clerk', 'clerk-password');
    const url = where === 'DeleteView' ? `/boxes/${box.id}/delete/` : `/admin/changed/box/${box.id}/delete/`;
    await client.page(url);
    const response = await whileAnItemGoes(() => client.post(url));
    const html = await response.text();
    assert.equal(response.status, 409, html.slice(0, 300));
    assert.match(html, /The objects changed while they were being deleted, so nothing was deleted/);
    assert.equal(await Box.objects.count(), 1, 'nothing was deleted');
    assert.equal(await Item.objects.count(), 2, 'the receiver\'s own delete went back with it');
  });
}
