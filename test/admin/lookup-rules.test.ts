/**
 * The rules of `lookupAllowed` beyond the blog's defaults, over a real socket: a listFilter entry
 * across relations opens that path (and no other), dateHierarchy across a relation, the
 * ModelAdmin option widens or narrows, and a password field is never a filter, wherever it sits
 * and whatever the option says.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { CASCADE, fields as f, model } from '../../src/index.ts';
import { Group, syncPermissions, User } from '../../src/auth/index.ts';
import { AdminSite } from '../../src/admin/index.ts';
import { allowedByDefault, lookupAllowed, relationParts } from '../../src/admin/lookups.ts';
import { ModelAdmin } from '../../src/admin/options.ts';
import { createApp, include, path } from '../../src/web/index.ts';
import { withSeededDatabase } from '../support/database.ts';
import { listen, TestClient } from '../support/web.ts';

class Shelf extends model('rules.Shelf', {
  label: f.char({ maxLength: 50 }),
  kind: f.char({ maxLength: 10, choices: [['wood', 'Wood'], ['steel', 'Steel']], default: 'wood' }),
  openedOn: f.date({ null: true }),
}) {
  override toString(): string { return this.label; }
}
class Note extends model('rules.Note', {
  text: f.char({ maxLength: 50 }),
  owner: f.foreignKey(() => User, { onDelete: CASCADE }),
  shelf: f.foreignKey(() => Shelf, { onDelete: CASCADE, relatedName: 'notes' }),
}) {
  override toString(): string { return this.text; }
}

const site = new AdminSite({ name: 'rules' });
site.register(User, { listFilter: ['isStaff', 'groups'] });
site.register(Note, {
  listFilter: ['shelf__kind', 'owner__isStaff'],
  dateHierarchy: 'shelf__openedOn',
  // Widens to the owner's username (and, in vain, its password); narrows away every `text` lookup but `text__exact`.
  lookupAllowed: (lookup, _value, _request, byDefault) => lookup.startsWith('owner__username') || lookup.startsWith('owner__password') || (byDefault && !(lookup.startsWith('text__') && lookup !== 'text__exact')),
});
site.register(Shelf);
const app = createApp({ secretKey: 'rules-secret-key-long-enough-for-tests', urls: [path('admin/', include(site.urls))] });

withSeededDatabase(async () => {
  await syncPermissions();
  const root = await User.createSuperuser({ username: 'root', password: 'root-pass' });
  const group = await Group.objects.create({ name: 'editors' });
  await root.groups.add(group);
  const shelf = await Shelf.objects.create({ label: 'A1', openedOn: '2024-05-01' });
  await Note.objects.create({ text: 'hello', owner: root, shelf });
});

let server: Awaited<ReturnType<typeof listen>>;
before(async () => {
  server = await listen(app);
});
after(() => server.close());

async function root(): Promise<TestClient> {
  const client = TestClient.overSocket(server.url);
  await client.login('root', 'root-pass', '/admin/login/');
  return client;
}

test('relation parts as Django counts them: the first name, then every name but a related model\'s own key', () => {
  assert.deepEqual(relationParts(Note.meta, 'owner__id__exact').parts, ['owner']);
  assert.deepEqual(relationParts(Note.meta, 'owner__pk').parts, ['owner']);
  assert.deepEqual(relationParts(Note.meta, 'owner__username__startswith'), { parts: ['owner', 'username'], last: 'username', password: false });
  assert.deepEqual(relationParts(Note.meta, 'shelf__notes__text').parts, ['shelf', 'notes', 'text']);
  assert.deepEqual(relationParts(Note.meta, 'ownerId__gt').parts, ['ownerId']);
  assert.equal(relationParts(Note.meta, 'owner__password__startswith').password, true);
  assert.equal(relationParts(User.meta, 'password').password, true);
  const notes = site.modelAdmin('rules', 'note')!;
  assert.equal(allowedByDefault(notes, 'shelf__kind__in'), true, 'listFilter names shelf__kind');
  assert.equal(allowedByDefault(notes, 'shelf__openedOn__year'), true, 'dateHierarchy names shelf__openedOn');
  assert.equal(allowedByDefault(notes, 'shelf__label'), false);
  assert.equal(allowedByDefault(notes, 'shelf__notes__text'), false);
  assert.equal(allowedByDefault(notes, 'owner__email'), false);
  // Django's rule alone would take a password path that listFilter names; Trove never does.
  const careless = new ModelAdmin(Note, { listFilter: ['owner__password'], lookupAllowed: () => true });
  assert.equal(allowedByDefault(careless, 'owner__password__startswith'), true);
  assert.equal(lookupAllowed(careless, 'owner__password__startswith', 's', {} as never), false);
  assert.equal(lookupAllowed(careless, 'owner__username', 's', {} as never), true);
});

test('a listFilter entry across relations (and the date hierarchy) opens that path, and nothing beside it', async () => {
  const client = await root();
  const page = await client.page('/admin/rules/note/');
  assert.match(page.html, /shelf kind/, 'the sidebar filter across the relation');
  assert.match(page.html, /\?shelf__kind__exact=steel/);
  for (const url of ['/admin/rules/note/?shelf__kind__exact=wood', '/admin/rules/note/?shelf__kind__in=wood,steel', '/admin/rules/note/?owner__isStaff__exact=1', '/admin/rules/note/?shelf__openedOn__year=2024', '/admin/rules/note/?shelf__openedOn__year=2024&shelf__openedOn__month=5', '/admin/auth/user/?groups__id__exact=1', '/admin/rules/shelf/?notes__id__exact=1', '/admin/rules/shelf/?notes__isnull=false']) {
    const res = await client.get(url);
    assert.equal(res.status, 200, url);
    assert.match(await res.text(), /hello|root|A1/, url);
  }
  for (const url of ['/admin/rules/note/?shelf__label=A1', '/admin/rules/note/?shelf__notes__text=x', '/admin/rules/note/?owner__email=x', '/admin/auth/user/?groups__name=editors', '/admin/rules/shelf/?notes__text__startswith=h']) {
    assert.equal((await client.get(url)).status, 400, url);
  }
});

test('a password field is never a filter: not on its own model, not across a relation, not with the option saying yes', async () => {
  const client = await root();
  for (const url of ['/admin/auth/user/?password__startswith=scrypt', '/admin/auth/user/?password=x', '/admin/rules/note/?owner__password__startswith=scrypt', '/admin/rules/note/?owner__password__isnull=false', '/admin/rules/shelf/?notes__owner__password__startswith=s']) {
    const res = await client.get(url);
    assert.equal(res.status, 400, url);
    assert.match(await res.text(), /not allowed/);
  }
});

test('the lookupAllowed option widens and narrows the default rule', async () => {
  const client = await root();
  assert.equal((await client.get('/admin/rules/note/?owner__username__startswith=ro')).status, 200, 'widened');
  assert.match((await client.page('/admin/rules/note/?owner__username__startswith=ro')).html, /hello/);
  assert.doesNotMatch((await client.page('/admin/rules/note/?owner__username__startswith=zz')).html, /hello/);
  assert.equal((await client.get('/admin/rules/note/?text__startswith=h')).status, 400, 'narrowed');
  assert.equal((await client.get('/admin/rules/note/?text__exact=hello')).status, 200);
});
