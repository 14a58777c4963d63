// @backends: sqlite-only
/**
 * The admin's system checks against a reference: random names for each option that names
 * fields, judged by a list of what the test models have, written out by hand. A name is
 * reported exactly when the reference says the model lacks it, and no option makes the check
 * throw. Nothing here needs a database.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { checkModelAdmin, ModelAdmin } from '../../src/admin/index.ts';
import { Post } from '../support/blog.ts';

// tb.Post, by hand: its fields, the fields of the models its keys point at, and what each is.
const AUTHOR = ['id', 'name', 'email', 'age', 'bio'];
const POST_FIELDS = ['id', 'title', 'status', 'author', 'editor', 'tags', 'rating', 'price', 'published', 'publishedOn', 'createdAt', 'updatedAt', 'extra'];
/** Names a field answers to besides its own, as Django's get_field: a foreign key's column. */
const COLUMNS = ['authorId', 'editorId'];
/** Names of the model's own fields, as `fields` takes them. */
const OWN = new Set([...POST_FIELDS, ...COLUMNS]);
/** `pk` names the primary key in a path, wherever a path is taken. */
const PATH_OWN = new Set([...OWN, 'pk']);
/** What listDisplay may name: own fields but the many-to-many, and fields across the two foreign keys. */
const DISPLAYABLE = new Set([...[...PATH_OWN].filter((f) => f !== 'tags'), ...[...AUTHOR, 'pk'].flatMap((f) => [`author__${f}`, `editor__${f}`])]);
/** What a filter may name among the model's own fields: all but the JSON field `extra`. */
const FILTERABLE = new Set([...PATH_OWN].filter((name) => name !== 'extra'));
const DATES = new Set(['publishedOn', 'createdAt', 'updatedAt']);

const candidate = fc.oneof(
  fc.constantFrom(...POST_FIELDS, ...DISPLAYABLE, ...FILTERABLE, 'titel', 'author__nmae', 'tags__name', 'author__posts__title', 'nope', 'password', 'tags__posts__title', 'author__email__x', 'pk', 'author__pk', 'authorId', 'author__posts__pk'),
  fc.string({ maxLength: 8 }),
);

function idsFor(options: ConstructorParameters<typeof ModelAdmin>[1]): string[] {
  return checkModelAdmin(new ModelAdmin(Post, options)).map((m) => `${m.id} ${m.message}`);
}

test('listDisplay: a name is reported when it is not a field or a forward path, a many-to-many as such', () => {
  fc.assert(fc.property(fc.array(candidate, { maxLength: 5 }), (names) => {
    const reported = idsFor({ listDisplay: names });
    const expected = names.filter((n) => n !== '__str__' && !DISPLAYABLE.has(n));
    for (const [i, name] of names.entries()) {
      const mentions = reported.filter((r) => r.includes(`'listDisplay[${i}]'`));
      if (name === 'tags') assert.ok(mentions.some((r) => r.startsWith('admin.E109')), `tags at ${i}: ${reported}`);
      else if (expected.includes(name)) assert.ok(mentions.some((r) => r.startsWith('admin.E108')), `${name} at ${i}: ${reported}`);
      else assert.deepEqual(mentions, [], `${name} at ${i}`);
    }
  }), { numRuns: 300 });
});

test('dateHierarchy, fields and filterHorizontal: reported exactly when the reference lacks the name', () => {
  fc.assert(fc.property(candidate, fc.array(candidate, { maxLength: 4 }), (date, names) => {
    const reported = idsFor({ dateHierarchy: date, fields: names, filterHorizontal: names.filter((n) => POST_FIELDS.includes(n)) });
    const dateOk = DATES.has(date);
    assert.equal(reported.some((r) => r.includes("'dateHierarchy'")), !dateOk, `${date}: ${reported}`);
    for (const [i, name] of names.entries()) {
      assert.equal(reported.some((r) => r.includes(`'fields[${i}]'`)), !OWN.has(name), `${name}: ${reported}`);
    }
    const horizontal = names.filter((n) => POST_FIELDS.includes(n));
    for (const [i, name] of horizontal.entries()) {
      assert.equal(reported.some((r) => r.includes(`'filterHorizontal[${i}]'`)), name !== 'tags', `${name}: ${reported}`);
    }
  }), { numRuns: 300 });
});

test('listFilter: a field that cannot be a filter is reported; one that can is not', () => {
  fc.assert(fc.property(fc.array(candidate, { maxLength: 4 }), (names) => {
    const reported = idsFor({ listFilter: names });
    for (const [i, name] of names.entries()) {
      const own = name.split('__')[0]!;
      // Paths through relations other than those in the reference are the ORM's; judge only the reference's own names.
      if (name.includes('__') && !FILTERABLE.has(name) && POST_FIELDS.includes(own)) continue;
      assert.equal(reported.some((r) => r.includes(`'listFilter[${i}]'`)), !FILTERABLE.has(name), `${name}: ${reported}`);
    }
  }), { numRuns: 300 });
});

test('a valid registration has no messages, and the hints name the field meant', () => {
  assert.deepEqual(idsFor({ listDisplay: ['title', 'author__name'], listFilter: ['status', 'tags'], searchFields: ['^title', 'author__email'], ordering: ['-createdAt'], dateHierarchy: 'createdAt', fields: ['title', 'tags'], filterHorizontal: ['tags'] }), []);
  const [typo] = checkModelAdmin(new ModelAdmin(Post, { listDisplay: ['titel'] }));
  assert.equal(typo?.hint, "Did you mean 'title'?");
});

test('listFilter: a JSON field is not supported (yet), and the hint says what is; a reverse relation and a plain field are filters', () => {
  const [json] = checkModelAdmin(new ModelAdmin(Post, { listFilter: ['title', 'price', 'comment', 'author__posts', 'extra'] }));
  assert.equal(json?.id, 'admin.E150');
  assert.equal(json?.message, "The value of 'listFilter[4]' refers to 'extra', a JSON field: filtering by it is not supported (yet).");
  assert.match(json?.hint ?? '', /choices, booleans, dates, text, numbers, decimals, UUIDs, and relations \(foreign keys, many-to-many and reverse relations\)/);
});

test('the hint corrects the segment of a path that fails and keeps the valid prefix', () => {
  const hints = (options: ConstructorParameters<typeof ModelAdmin>[1]) => checkModelAdmin(new ModelAdmin(Post, options)).map((m) => `${m.id} ${m.hint}`);
  assert.deepEqual(hints({ listDisplay: ['author__nmae'] }), ["admin.E108 Did you mean 'author__name'?"]);
  assert.deepEqual(hints({ listFilter: ['tags__nmae'] }), ["admin.E116 Did you mean 'tags__name'?"]);
  assert.deepEqual(hints({ searchFields: ['^autor__emial'] }), ["admin.E151 Did you mean 'author__email'?"]);
  assert.deepEqual(hints({ ordering: ['-editor__nmae'] }), ["admin.E033 Did you mean 'editor__name'?"]);
  // listDisplay follows foreign keys only: no many-to-many is offered.
  assert.deepEqual(hints({ listDisplay: ['tags__nmae'] }), ['admin.E108 Name a field, a path such as author__name, or give a computed column { label, value }.']);
});
