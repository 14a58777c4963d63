/**
 * Sessions follow the password, as Django's `session_auth_hash`: a session keeps the digest of
 * the password hash it logged in with, and stops being logged in once the password changes,
 * however it changes (the admin's form, `setPassword()` in a shell or a command, an UPDATE of the
 * row). The user who changed it from the admin stays logged in, under a new session key. Also:
 * expired sessions are refused, and a login clears the username's failures but not the address's.
 * All over a real socket, against the blog.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { LoginFailure, LOGIN_FAILURE_LIMIT, makePassword, User } from '../../src/auth/index.ts';
import { getDatabase } from '../../src/index.ts';
import { SessionRecord } from '../../src/web/index.ts';
import { useBlogApp } from '../support/blog-app.ts';
import { TestClient } from '../support/web.ts';

const { transports } = useBlogApp({ socket: true });
const overSocket = transports['over a socket']!;

async function loggedIn(username = 'admin', password = 'admin'): Promise<TestClient> {
  const client = overSocket();
  await client.login(username, password, '/admin/login/');
  return client;
}

/** Whether the client's session is logged in to the admin (the index, not the login page). */
async function inAdmin(client: TestClient, cookie = client.cookieHeader): Promise<boolean> {
  const response = await client.request('/admin/', { headers: { cookie } });
  await response.body?.cancel();
  if (response.status === 302) assert.match(response.headers.get('location') ?? '', /^\/admin\/login\//);
  else assert.equal(response.status, 200);
  return response.status === 200;
}

describe('a password change ends the sessions made with the old password', () => {
  test("from the admin's form: the thief's session ends, the changer's goes on under a new key", async () => {
    const victim = await loggedIn();
    const thief = await loggedIn();
    assert.ok(await inAdmin(thief));
    const before = victim.cookieHeader;
    await victim.page('/admin/password_change/');
    const changed = await victim.post('/admin/password_change/', { old_password: 'admin', new_password1: 'a-much-better-one', new_password2: 'a-much-better-one' });
    assert.equal(changed.status, 302);
    assert.equal(changed.headers.get('location'), '/admin/password_change/done/');
    assert.notEqual(victim.cookieHeader, before, 'the session key is rotated');
    assert.ok(await inAdmin(victim), 'the user who changed it stays logged in');
    assert.ok(!(await inAdmin(victim, before)), 'the old key is worth nothing');
    assert.ok(!(await inAdmin(thief)), 'a session made before the change is logged out');
    // And the new password is the one that logs in.
    assert.ok(await inAdmin(await loggedIn('admin', 'a-much-better-one')));
  });

  const ways: Record<string, () => Promise<void>> = {
    'setPassword() and save(), as in a shell or a changepassword command': async () => {
      const admin = (await User.objects.get({ username: 'admin' })) as User;
      await admin.setPassword('changed-in-a-shell');
      await admin.save();
    },
    'an UPDATE of the row, behind the ORM': async () => {
      const db = getDatabase();
      const hash = await makePassword('changed-in-sql');
      await db.execute(sql`update auth_user set password = ${hash} where username = 'admin'`.compile(db.kysely));
    },
  };
  for (const [way, change] of Object.entries(ways)) {
    test(`by ${way}: every session of the user is logged out`, async () => {
      const sessions = [await loggedIn(), await loggedIn()];
      const other = await loggedIn('editor', 'editor');
      await change();
      for (const session of sessions) assert.ok(!(await inAdmin(session)));
      assert.ok(await inAdmin(other), "another user's session is not touched");
    });
  }

  test('a session that holds no password digest (made before Trove kept one) is logged out', async () => {
    const client = await loggedIn();
    for (const record of await SessionRecord.objects.all()) {
      const data = { ...record.data };
      delete data._auth_user_hash;
      await SessionRecord.objects.filter({ key: record.key }).update({ data });
    }
    assert.ok(!(await inAdmin(client)));
  });
});

test('an expired session is refused: no user, and a new session', async () => {
  const client = await loggedIn();
  assert.ok(await inAdmin(client));
  await SessionRecord.objects.all().update({ expiresAt: new Date(Date.now() - 1000) });
  assert.ok(!(await inAdmin(client)));
});

test("a successful login clears the username's failures, but not the client address's", async () => {
  const attempt = async (username: string, password: string) => {
    const client = overSocket();
    await client.page('/admin/login/');
    const response = await client.post('/admin/login/', { username, password, next: '/admin/' });
    await response.body?.cancel();
    return response.status;
  };
  // Nine failures from this address, on nine usernames (the last one the admin's).
  for (let i = 0; i < LOGIN_FAILURE_LIMIT - 2; i++) assert.equal(await attempt(`someone-${i}`, 'guess'), 200);
  assert.equal(await attempt('admin', 'guess'), 200);
  // The admin's own password: logged in; it clears "admin"'s failure and does not count itself.
  assert.equal(await attempt('admin', 'admin'), 302);
  // So the address has room for exactly one more password check: nine failures are still counted.
  assert.equal(await attempt('someone-else', 'guess'), 200);
  assert.equal(await attempt('admin', 'admin'), 429, 'the address is at the limit, whoever logs in');
  // Whereas the username's count was cleared: nothing holds "admin" itself back but the address.
  assert.equal(await LoginFailure.objects.filter({ key: 'user:admin' }).count(), 0);
});
