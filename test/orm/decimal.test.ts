import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import Big from 'big.js';
import { model, fields as f } from '../../src/index.ts';
import { BACKEND, withSeededDatabase } from '../support/database.ts';

class Price extends model('dec.Price', {
  amount: f.decimal({ maxDigits: 19, decimalPlaces: 2 }),
  small: f.decimal({ maxDigits: 6, decimalPlaces: 3, null: true }),
}) {}

withSeededDatabase(async () => undefined);

test('decimals round half to even on their digits, strings and numbers alike', async () => {
  const cases: [string | number, string][] = [
    ['2.675', '2.68'], [2.675, '2.68'], ['2.665', '2.66'], [2.665, '2.66'], ['-2.675', '-2.68'],
    ['0.005', '0.00'], ['0.015', '0.02'], ['-0.001', '0.00'], ['7', '7.00'], [1e-9, '0.00'], ['0012.5', '12.50'],
  ];
  for (const [input, stored] of cases) {
    const price = await Price.objects.create({ amount: input });
    assert.equal(price.amount, stored, `${input} is kept as ${stored}`);
    assert.equal((await Price.objects.get({ id: price.id })).amount, stored, `${input} reads back as ${stored}`);
  }
});

test('19 significant digits survive where the column holds them', { skip: BACKEND === 'sqlite' && 'SQLite stores NUMERIC as a float' }, async () => {
  const price = await Price.objects.create({ amount: '12345678901234567.895' });
  assert.equal(price.amount, '12345678901234567.90');
  assert.equal((await Price.objects.get({ id: price.id })).amount, '12345678901234567.90');
  assert.equal(await Price.objects.filter({ amount: '12345678901234567.90' }).count(), 1);
});

test('rounding matches half-even on random decimals', async () => {
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 0, max: 6 }).chain((scale) => fc.tuple(fc.bigInt({ min: -(998n * 10n ** BigInt(scale)), max: 998n * 10n ** BigInt(scale) }), fc.constant(scale))), async ([units, scale]) => {
      const text = new Big(units.toString()).div(new Big(10).pow(scale)).toFixed(scale);
      const expected = new Big(text).round(3, Big.roundHalfEven);
      const price = await Price.objects.create({ amount: '0', small: text });
      // A plain check of half-even: the nearest value, and on a tie the even last digit.
      const scaled = new Big(text).times(1000);
      const floor = scaled.round(0, Big.roundDown);
      const rest = scaled.minus(floor).abs();
      const away = floor.plus(scaled.lt(0) ? -1 : 1);
      const nearest = rest.lt(0.5) ? floor : rest.gt(0.5) ? away : Number(floor.mod(2).abs().toString()) === 0 ? floor : away;
      assert.equal(price.small, nearest.div(1000).toFixed(3));
      assert.equal(price.small, expected.toFixed(3));
      assert.equal((await Price.objects.get({ id: price.id })).small, price.small);
    }),
    { numRuns: 100 },
  );
});
