// @backends: sqlite-only
/**
 * fields.E350 (Trove's own): a reverse accessor named like a member of the instances it would
 * sit on (`relatedName: 'save'`, `'pk'`, a method of the model's own, one of Object's). The
 * member keeps its name on every instance and `trove check` asks for another relatedName. The
 * names come from the instances' prototype chain, so every member of Model is tried.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkModels, model, fields as f, CASCADE } from '../../src/index.ts';

class Writer extends model('cm.Writer', { name: f.char({ maxLength: 20 }) }) {
  greeting(): string {
    return `Hello, ${this.name}`;
  }
  get initials(): string {
    return this.name.slice(0, 1);
  }
}
class Letter extends model('cm.Letter', {
  byMethod: f.foreignKey(() => Writer, { onDelete: CASCADE, relatedName: 'save' }),
  byGetter: f.foreignKey(() => Writer, { onDelete: CASCADE, relatedName: 'pk' }),
  byOwnMethod: f.foreignKey(() => Writer, { onDelete: CASCADE, relatedName: 'greeting' }),
  byOwnGetter: f.foreignKey(() => Writer, { onDelete: CASCADE, relatedName: 'initials' }),
  byObject: f.foreignKey(() => Writer, { onDelete: CASCADE, relatedName: 'hasOwnProperty' }),
  fine: f.foreignKey(() => Writer, { onDelete: CASCADE, relatedName: 'letters' }),
}) {}

const e350 = (metas: Parameters<typeof checkModels>[0]) => checkModels(metas).filter((m) => m.id === 'fields.E350');

test('a reverse accessor named like a method or property of the instances is fields.E350, with a hint to set relatedName', () => {
  const found = e350([Writer.meta, Letter.meta]).map((m) => `${m.object}: ${m.message} HINT: ${m.hint}`);
  assert.deepEqual(found.sort(), [
    "cm.Letter.byGetter: Reverse accessor 'Writer.pk' for 'cm.Letter.byGetter' clashes with property 'pk' of 'cm.Writer' instances. HINT: Add or change a relatedName argument to the definition for field 'cm.Letter.byGetter'.",
    "cm.Letter.byMethod: Reverse accessor 'Writer.save' for 'cm.Letter.byMethod' clashes with method 'save' of 'cm.Writer' instances. HINT: Add or change a relatedName argument to the definition for field 'cm.Letter.byMethod'.",
    "cm.Letter.byObject: Reverse accessor 'Writer.hasOwnProperty' for 'cm.Letter.byObject' clashes with method 'hasOwnProperty' of 'cm.Writer' instances. HINT: Add or change a relatedName argument to the definition for field 'cm.Letter.byObject'.",
    "cm.Letter.byOwnGetter: Reverse accessor 'Writer.initials' for 'cm.Letter.byOwnGetter' clashes with property 'initials' of 'cm.Writer' instances. HINT: Add or change a relatedName argument to the definition for field 'cm.Letter.byOwnGetter'.",
    "cm.Letter.byOwnMethod: Reverse accessor 'Writer.greeting' for 'cm.Letter.byOwnMethod' clashes with method 'greeting' of 'cm.Writer' instances. HINT: Add or change a relatedName argument to the definition for field 'cm.Letter.byOwnMethod'.",
  ]);
});

test('the members keep their names on every instance; an accessor that clashes with nothing is installed', () => {
  const writer = new Writer({ name: 'Ann' });
  assert.equal(typeof writer.save, 'function');
  assert.equal(writer.pk, null);
  assert.equal(writer.greeting(), 'Hello, Ann');
  assert.equal(writer.initials, 'A');
  assert.equal(writer.hasOwnProperty('name'), true);
  assert.equal((writer as unknown as { letters: { constructor: { name: string } } }).letters.constructor.name, 'RelatedManager');
});

/** Every name an instance answers to, up its whole prototype chain (Model's members, Object's), but its fields. */
function memberNames(instance: object, fields: readonly string[]): string[] {
  const names = new Set<string>();
  for (let level = Object.getPrototypeOf(instance) as object | null; level !== null; level = Object.getPrototypeOf(level) as object | null) {
    for (const name of Object.getOwnPropertyNames(level)) if (!fields.includes(name)) names.add(name);
  }
  return [...names];
}

test('every member of an instance, whatever its class defines or inherits, is reported and kept', () => {
  class Target extends model('cm.Target', { title: f.char({ maxLength: 20 }) }) {}
  const names = memberNames(new Target({ title: 't' }), ['title', 'id']);
  assert.ok(['save', 'delete', 'hardDelete', 'restore', 'fullClean', 'refreshFromDb', 'pk', 'constructor', 'toString'].every((n) => names.includes(n)), names.join(' '));
  const before = new Map(names.map((n) => [n, typeof (new Target({ title: 't' }) as unknown as Record<string, unknown>)[n]]));
  const sources = names.map((name, i) => model(`cm.Source${i}`, { target: f.foreignKey(() => Target, { onDelete: CASCADE, relatedName: name }) }));
  const reported = e350([Target.meta, ...sources.map((s) => s.meta)]).map((m) => m.object);
  assert.deepEqual(reported, names.map((_, i) => `cm.Source${i}.target`));
  const after = new Target({ title: 't' }) as unknown as Record<string, unknown>;
  for (const name of names) assert.equal(typeof after[name], before.get(name), name);
});
