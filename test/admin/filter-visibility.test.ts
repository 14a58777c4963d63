/**
 * Filters across relations never show a model the user may not view, over a real socket: the
 * forward key's filter (its objects), the reverse relation's (the related objects), plain values
 * across a key (the related rows' values) and a date hierarchy across one appear only with view
 * (or change) permission on every model along the path, and their lookups are refused (400)
 * without it, in the list and in its actions. Django lists them all; Trove's admin never reveals
 * data of a model the user cannot view.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { SET_NULL, fields as f, model, type InstanceOfClass, type RelatedManager } from '../../src/index.ts';
import { Permission, syncPermissions, User } from '../../src/auth/index.ts';
import { AdminSite } from '../../src/admin/index.ts';
import { createApp, include, path } from '../../src/web/index.ts';
import { withSeededDatabase } from '../support/database.ts';
import { listen, TestClient } from '../support/web.ts';

declare module '../../src/index.ts' {
  interface ModelRelations {
    'fvis.Owner': { things: RelatedManager<InstanceOfClass<typeof Thing>> };
  }
}

class Owner extends model('fvis.Owner', { name: f.char({ maxLength: 50 }), since: f.date({ null: true }) }) {
  override toString(): string { return `Owner ${this.name}`; }
}
class Thing extends model('fvis.Thing', {
  label: f.char({ maxLength: 50 }),
  owner: f.foreignKey(() => Owner, { onDelete: SET_NULL, null: true, relatedName: 'things' }),
}) {
  override toString(): string { return `Thing ${this.label}`; }
}

const site = new AdminSite({ name: 'fvis' });
site.register(Thing, { listFilter: ['label', 'owner', 'owner__name'], dateHierarchy: 'owner__since' });
site.register(Owner, { listFilter: ['name', 'things', 'things__label'] });
const app = createApp({ secretKey: 'filters-secret-key-long-enough-for-tests', urls: [path('admin/', include(site.urls))] });

/** A staff user with these permissions (codenames on this app's models). */
async function staffWith(username: string, codenames: string[]): Promise<void> {
  const user = await User.createUser({ username, password: `${username}-pass`, isStaff: true });
  for (const codename of codenames) await user.userPermissions.add(await Permission.objects.get({ codename }));
}

const seeded = withSeededDatabase(async () => {
  await syncPermissions();
  await User.createSuperuser({ username: 'root', password: 'root-pass' });
  await staffWith('ownersOnly', ['view_owner']);
  await staffWith('thingsOnly', ['view_thing', 'delete_thing']);
  await staffWith('both', ['view_thing', 'change_owner']);
  const ann = await Owner.objects.create({ name: 'Ann', since: '2020-05-01' });
  const thing = await Thing.objects.create({ label: 'secret-label', owner: ann });
  return { ann, thing };
});

let server: Awaited<ReturnType<typeof listen>>;
before(async () => { server = await listen(app); });
after(() => server.close());

async function as(username: string): Promise<TestClient> {
  const client = TestClient.overSocket(server.url);
  await client.login(username, `${username}-pass`, '/admin/login/');
  return client;
}

/** The titles of the sidebar's filters. */
const filterTitles = (html: string) => [...html.matchAll(/<section aria-label="By ([^"]*)">/g)].map((m) => m[1]);

test("a user who may view owners only sees no filter by their things, nor anything of them", async () => {
  const client = await as('ownersOnly');
  const page = await client.page('/admin/fvis/owner/');
  assert.equal(page.status, 200);
  assert.deepEqual(filterTitles(page.html), ['name']);
  assert.doesNotMatch(page.html, /secret-label|Thing /);
  const { thing } = seeded();
  for (const query of [`things__id__exact=${thing.id}`, 'things__isnull=True', 'things__label__exact=secret-label', 'things__label__startswith=s']) {
    assert.equal((await client.get(`/admin/fvis/owner/?${query}`)).status, 400, query);
  }
  assert.equal((await client.get('/admin/fvis/owner/?name__exact=Ann')).status, 200);
  // A superuser, as anyone who may view things, sees them all.
  const root = await as('root');
  assert.deepEqual(filterTitles((await root.page('/admin/fvis/owner/')).html), ['name', 'thing', 'things label']);
  assert.equal((await root.get(`/admin/fvis/owner/?things__id__exact=${thing.id}`)).status, 200);
});

test('a user who may view things only sees no filter by their owner, nor its values, nor its dates', async () => {
  const client = await as('thingsOnly');
  const page = await client.page('/admin/fvis/thing/');
  assert.equal(page.status, 200);
  assert.deepEqual(filterTitles(page.html), ['label']);
  assert.doesNotMatch(page.html, /Owner Ann|>Ann<|2020/);
  const { ann } = seeded();
  for (const query of [`owner__id__exact=${ann.id}`, 'owner__isnull=True', 'owner__name__exact=Ann', 'owner__since__year=2020']) {
    assert.equal((await client.get(`/admin/fvis/thing/?${query}`)).status, 400, query);
  }
  // An action on the list as such a filter narrows it is refused too: its confirmation would count the rows.
  const res = await client.post(`/admin/fvis/thing/?owner__name__exact=Ann`, { action: 'delete_selected', index: '0', select_across: '1' });
  assert.equal(res.status, 400);
  assert.equal(await Thing.objects.count(), 1);
});

test('change permission on the related model is enough, as it is to view its list: then every link works', async () => {
  const hidden = filterTitles((await (await as('thingsOnly')).page('/admin/fvis/thing/')).html);
  const client = await as('both');
  const page = await client.page('/admin/fvis/thing/');
  assert.deepEqual([hidden, filterTitles(page.html)], [['label'], ['label', 'owner', 'owner name']]);
  assert.match(page.html, /Owner Ann/);
  const aside = /<aside class="filters"[\s\S]*?<\/aside>/.exec(page.html)![0];
  const hrefs = [...aside.matchAll(/href="([^"]*)"/g)].map((m) => m[1]!.replaceAll('&amp;', '&'));
  for (const href of hrefs) assert.equal((await client.get(href)).status, 200, href);
  assert.equal((await client.get('/admin/fvis/thing/?owner__since__year=2020')).status, 200);
});
