/**
 * The admin's add form reads posted text as Django's does, through the same binding as
 * modelForm (test/web/forms/django-input.property.test.ts holds the properties): blanks alone
 * are no title, a many-to-many without `blank: true` must be chosen, `1.0` is a whole number,
 * dates and times may be written without padding or in Django's other input formats.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fields as f, model } from '../../src/index.ts';
import { syncPermissions, User } from '../../src/auth/index.ts';
import { AdminSite } from '../../src/admin/index.ts';
import { createApp, include, path } from '../../src/web/index.ts';
import { withSeededDatabase } from '../support/database.ts';
import { TestClient } from '../support/web.ts';

class Marker extends model('ai.Marker', { name: f.char({ maxLength: 20 }) }) {
  override toString(): string { return this.name; }
}
class Crate extends model('ai.Crate', {
  title: f.char({ maxLength: 40 }),
  count: f.integer({ null: true, blank: true }),
  day: f.date({ null: true, blank: true }),
  at: f.dateTime({ null: true, blank: true }),
  markers: f.manyToMany(() => Marker),
}) {}

const site = new AdminSite({ name: 'inputs' });
site.register(Crate);
const app = createApp({ secretKey: 'input-rules-secret-key-long-enough-for-tests', urls: [path('admin/', include(site.urls))] });

const seeded = withSeededDatabase(async () => {
  await syncPermissions();
  await User.createSuperuser({ username: 'root', password: 'root-pass' });
  return { marker: await Marker.objects.create({ name: 'fragile' }) };
});

async function addCrate(data: Record<string, string>): Promise<{ status: number; html: string }> {
  const client = TestClient.inProcess(app);
  await client.login('root', 'root-pass', '/admin/login/');
  await client.page('/admin/ai/crate/add/');
  const response = await client.post('/admin/ai/crate/add/', { ...data, _save: '1' });
  return { status: response.status, html: await response.text() };
}

const errorOf = (html: string, name: string) => new RegExp(`id="id_${name}_error"><li>([^<]*)</li>`).exec(html)?.[1];

test('blanks alone are no title, and a many-to-many without blank: true left empty is required: nothing is saved', async () => {
  const { status, html } = await addCrate({ title: '   ', count: '', day: '', at: '' });
  assert.equal(status, 200);
  assert.equal(errorOf(html, 'title'), 'This field is required.');
  assert.equal(errorOf(html, 'markers'), 'This field is required.');
  assert.equal(await Crate.objects.count(), 0);
});

test("the admin saves text stripped, '1.0' as 1, and dates and times written as Django accepts them", async () => {
  const { status } = await addCrate({ title: '  Tea  ', count: '1.0', day: 'Feb 3 2024', at: '2024-2-3 4:05', markers: String(seeded().marker.id) });
  assert.equal(status, 302);
  const crate = await Crate.objects.get({ title: 'Tea' });
  assert.deepEqual([crate.count, crate.day, crate.at?.toISOString()], [1, '2024-02-03', '2024-02-03T04:05:00.000Z']);
  assert.deepEqual((await crate.markers.all()).map(String), ['fragile']);
});
