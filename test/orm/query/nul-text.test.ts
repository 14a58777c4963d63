/**
 * A text value holding a NUL character, as a hostile form or address sends it: PostgreSQL can
 * neither store nor bind one ("invalid byte sequence for encoding UTF8: 0x00", a 500 from a
 * login form), so there a comparison with it is false, as no stored row can hold it. The answers
 * are the same on every database (no row here holds a NUL), but for SQLite's patterns below.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fields as f, model, Q } from '../../../src/index.ts';
import { BACKEND, withSeededDatabase } from '../../support/database.ts';

class Handle extends model('nul.Handle', { name: f.char({ maxLength: 20 }), note: f.char({ maxLength: 20, null: true }) }) {}

withSeededDatabase(async () => {
  await Handle.objects.bulkCreate([{ name: 'ann', note: 'x' }, { name: 'bob', note: null }, { name: 'cy', note: 'y' }]);
});

test('exact, text lookups and lists with a NUL match nothing; under NOT, everything; other list values still count', async () => {
  const nul = 'ann\u0000';
  assert.equal(await Handle.objects.filter({ name: nul }).count(), 0);
  // SQLite reads a LIKE or GLOB pattern up to its NUL ('ann\0%' is 'ann%'): its own rule, not an error.
  for (const lookup of ['iexact', 'icontains', 'startswith', 'endswith'] as const) {
    const count = await Handle.objects.filter({ [`name__${lookup}`]: nul } as never).count();
    if (BACKEND !== 'sqlite') assert.equal(count, 0, lookup);
  }
  assert.equal(await Handle.objects.exclude({ name: nul }).count(), 3);
  assert.equal(await Handle.objects.exclude({ note: 'x\u0000' }).count(), 3, 'a null note is not equal to it either, as Django excludes');
  assert.deepEqual((await Handle.objects.filter({ name__in: [nul, 'bob'] }).values('name')).map((r: any) => r.name), ['bob']);
  assert.equal(await Handle.objects.filter({ name__in: [nul] }).count(), 0);
  assert.equal(await Handle.objects.filter(Q({ name: nul }).or({ name: 'cy' })).count(), 1);
});
