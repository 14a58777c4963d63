// @backends: sqlite-only
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConnectionUrlError, parseDatabaseUrl } from '../../src/db/index.ts';

test('database URLs name their dialect', () => {
  assert.deepEqual(parseDatabaseUrl('sqlite::memory:'), { dialect: 'sqlite', target: ':memory:' });
  assert.deepEqual(parseDatabaseUrl('sqlite:data/app.db'), { dialect: 'sqlite', target: 'data/app.db' });
  assert.deepEqual(parseDatabaseUrl('sqlite:///tmp/x.db'), { dialect: 'sqlite', target: '/tmp/x.db' });
  assert.equal(parseDatabaseUrl('postgres://u@h/db').dialect, 'postgres');
  assert.equal(parseDatabaseUrl('postgresql://u@h/db').dialect, 'postgres');
  assert.deepEqual(parseDatabaseUrl('mariadb://root@h/db'), { dialect: 'mysql', target: 'mysql://root@h/db' });
  assert.throws(() => parseDatabaseUrl('oracle://x'), ConnectionUrlError);
  assert.throws(() => parseDatabaseUrl(''), ConnectionUrlError);
});
