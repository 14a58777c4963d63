// @backends: sqlite-only
/**
 * The password validators against simple references (fast-check), and Django's own examples.
 * No database: validators look at a password and a user's attributes only.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  CommonPasswordValidator, MinimumLengthValidator, NumericPasswordValidator, UserAttributeSimilarityValidator,
  defaultPasswordValidators, passwordProblems, quickRatio, validatePassword, PasswordValidationError, User,
} from '../../src/auth/index.ts';
import { COMMON_PASSWORDS } from '../../src/auth/common-passwords.ts';

/** Python's quick_ratio another way: sort both, walk them together counting equal characters. */
function referenceRatio(a: string, b: string): number {
  const x = [...a].sort();
  const y = [...b].sort();
  if (x.length + y.length === 0) return 1;
  let i = 0;
  let j = 0;
  let common = 0;
  while (i < x.length && j < y.length) {
    if (x[i] === y[j]) {
      common += 1;
      i += 1;
      j += 1;
    } else if (x[i]! < y[j]!) i += 1;
    else j += 1;
  }
  return (2 * common) / (x.length + y.length);
}

/** Django's similarity rule without its shortcut for long passwords. */
function referenceTooSimilar(password: string, user: Record<string, string>, attributes: string[], max: number): boolean {
  return attributes.some((name) => {
    const value = user[name];
    if (!value) return false;
    const whole = value.toLowerCase();
    return [...whole.split(/[^\p{L}\p{N}_]+/u), whole].some((part) => referenceRatio(password.toLowerCase(), part) >= max);
  });
}

const text = fc.string({ unit: fc.constantFrom(...'abcdeAB12._@- é'), maxLength: 40 });

test('quickRatio is twice the common characters over the total length (sorted walk reference)', () => {
  fc.assert(fc.property(text, text, (a, b) => quickRatio(a, b) === referenceRatio(a, b)));
  assert.equal(quickRatio('abcd', 'bcde'), 0.75);
  assert.equal(quickRatio('', ''), 1);
});

test('UserAttributeSimilarity refuses exactly what the plain rule refuses; its shortcut for long passwords changes nothing', () => {
  const attributes = ['username', 'email'];
  fc.assert(fc.property(text, text, text, fc.double({ min: 0.1, max: 1, noNaN: true }), (password, username, email, max) => {
    const validator = new UserAttributeSimilarityValidator({ userAttributes: attributes, maxSimilarity: max });
    const refused = validator.validate(password, { username, email }) !== undefined;
    return refused === referenceTooSimilar(password, { username, email }, attributes, max);
  }), { numRuns: 2000 });
  // A long password against a short value: skipped, and rightly, as the ratio could not reach 0.7.
  fc.assert(fc.property(fc.string({ minLength: 60, maxLength: 200 }), fc.string({ minLength: 1, maxLength: 5 }), (password, username) =>
    (new UserAttributeSimilarityValidator().validate(password, { username }) !== undefined) === referenceTooSimilar(password, { username }, ['username'], 0.7)));
  assert.throws(() => new UserAttributeSimilarityValidator({ maxSimilarity: 0.05 }), /at least 0\.1/);
});

test("UserAttributeSimilarity: Django's examples, with the field's verbose name", () => {
  const validator = new UserAttributeSimilarityValidator();
  const user = new User({ username: 'testclient', email: 'testclient@example.com' });
  assert.equal(validator.validate('testclient', user), 'The password is too similar to the username.');
  assert.equal(validator.validate('example.com', user), 'The password is too similar to the email address.');
  assert.equal(validator.validate('example.com', new User({ username: 'someone', email: 'testclient@example.com' })), 'The password is too similar to the email address.');
  assert.equal(validator.validate('a different phrase', user), undefined);
  assert.equal(validator.validate('testclient'), undefined, 'no user, nothing to compare');
  assert.equal(validator.validate('foobar', { foo: 'foobar' }), undefined, 'only the attributes it is told');
  assert.equal(new UserAttributeSimilarityValidator({ userAttributes: ['foo'] }).validate('foobar', { foo: 'foobar' }), 'The password is too similar to the foo.');
});

test('MinimumLength counts characters (code points), as Python does', () => {
  fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 20 }), fc.integer({ min: 0, max: 20 }), (password, minLength) =>
    (new MinimumLengthValidator({ minLength }).validate(password) !== undefined) === ([...password].length < minLength)));
  assert.equal(new MinimumLengthValidator().validate('1234567'), 'This password is too short. It must contain at least 8 characters.');
  assert.equal(new MinimumLengthValidator({ minLength: 1 }).validate(''), 'This password is too short. It must contain at least 1 character.');
  assert.equal(new MinimumLengthValidator().helpText(), 'Your password must contain at least 8 characters.');
});

test('Numeric refuses a password of digits only', () => {
  fc.assert(fc.property(fc.string({ unit: fc.constantFrom(...'0123456789a -'), maxLength: 12 }), (password) =>
    (new NumericPasswordValidator().validate(password) !== undefined) === /^[0-9]+$/.test(password)));
  assert.equal(new NumericPasswordValidator().validate('٣٤٥٦٧٨٩٠'), 'This password is entirely numeric.', 'digits of any script, as isdigit()');
});

test('CommonPassword refuses the list, whatever the case and the surrounding spaces', () => {
  const list = COMMON_PASSWORDS.split(/\s+/).filter(Boolean);
  assert.equal(list.length, 20_000);
  const validator = new CommonPasswordValidator();
  fc.assert(fc.property(fc.constantFrom(...list), fc.boolean(), fc.constantFrom('', ' ', '  '), (common, upper, space) =>
    validator.validate(`${space}${upper ? common.toUpperCase() : common}${space}`) === 'This password is too common.'));
  const known = new Set(list);
  fc.assert(fc.property(fc.string({ maxLength: 12 }), (password) => (validator.validate(password) !== undefined) === known.has(password.trim().toLowerCase())));
  assert.equal(new CommonPasswordValidator({ passwords: ['Trove'] }).validate('trove'), 'This password is too common.');
  assert.equal(new CommonPasswordValidator({ passwords: ['Trove'] }).validate('password'), undefined, 'a list of its own replaces the built-in one');
});

test('passwordProblems lists every complaint in order; validatePassword throws them all', () => {
  const validators = defaultPasswordValidators();
  assert.deepEqual(passwordProblems('1234', undefined, validators), [
    'This password is too short. It must contain at least 8 characters.', 'This password is too common.', 'This password is entirely numeric.',
  ]);
  assert.deepEqual(passwordProblems('a quiet harbour at dusk', { username: 'ann' }, validators), []);
  assert.throws(() => validatePassword('1234', undefined, validators), (error) => error instanceof PasswordValidationError && error.messages.length === 3);
  assert.deepEqual(passwordProblems('1', undefined, []), [], 'no validators, no complaints');
});
