// @backends: sqlite-only
/**
 * The models' system checks on reverse names (Django's fields.E302 to E305): a relation whose
 * reverse accessor or query name is also a field of the model it points at, and two relations
 * that give one model the same reverse name. Reported by `trove check`, never thrown while the
 * models load; the field keeps its name on every instance. No database needed.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkModels, model, fields as f, CASCADE, SET_NULL } from '../../src/index.ts';

class Shelf extends model('ck.Shelf', {
  title: f.char({ maxLength: 50 }),
  volume: f.integer({ default: 0 }),
}) {}
// relatedName 'title': shelf.title would be the accessor and the lookup name both.
class Volume extends model('ck.Volume', {
  shelf: f.foreignKey(() => Shelf, { onDelete: CASCADE, relatedName: 'title' }),
}) {}
// No relatedName: the accessor is 'noteSet' and the query name 'note', neither a field of Shelf.
class Note extends model('ck.Note', {
  shelf: f.foreignKey(() => Shelf, { onDelete: SET_NULL, null: true }),
}) {}
class Board extends model('ck.Board', { tack: f.char({ maxLength: 10 }), tackSet: f.char({ maxLength: 10, default: '' }) }) {}
// No relatedName: the accessor 'tackSet' and the query name 'tack' are both fields of Board.
class Tack extends model('ck.Tack', { board: f.foreignKey(() => Board, { onDelete: CASCADE }) }) {}
class Pin extends model('ck.Pin', {
  first: f.foreignKey(() => Board, { onDelete: CASCADE, relatedName: 'pins' }),
  second: f.foreignKey(() => Board, { onDelete: CASCADE, relatedName: 'pins' }),
}) {}
// A default ordering through a relation, with a typo in its last segment.
class Label extends model('ck.Label', { shelf: f.foreignKey(() => Shelf, { onDelete: CASCADE, relatedName: 'labels' }) }, { ordering: ['-shelf__titel'] }) {}
class Memo extends model('ck.Memo', { board: f.foreignKey(() => Board, { onDelete: CASCADE, relatedName: '+' }) }) {}

const messages = () => checkModels([Shelf.meta, Volume.meta, Note.meta, Board.meta, Pin.meta, Memo.meta, Tack.meta]).map((m) => `${m.object}: (${m.id}) ${m.message} HINT: ${m.hint}`);

test('a relatedName that is a field of the target is reported as Django reports it, accessor and query name', () => {
  const all = messages();
  assert.ok(all.includes("ck.Volume.shelf: (fields.E302) Reverse accessor 'Shelf.title' for 'ck.Volume.shelf' clashes with field name 'ck.Shelf.title'. HINT: Rename field 'ck.Shelf.title', or add/change a relatedName argument to the definition for field 'ck.Volume.shelf'."), all.join('\n'));
  assert.ok(all.includes("ck.Volume.shelf: (fields.E303) Reverse query name for 'ck.Volume.shelf' clashes with field name 'ck.Shelf.title'. HINT: Rename field 'ck.Shelf.title', or add/change a relatedName argument to the definition for field 'ck.Volume.shelf'."), all.join('\n'));
});

test('without a relatedName, the default accessor (tackSet) and query name (tack) are compared too', () => {
  const all = messages().filter((m) => m.startsWith('ck.Tack.board'));
  assert.ok(all.some((m) => m.startsWith("ck.Tack.board: (fields.E302) Reverse accessor 'Board.tackSet' for 'ck.Tack.board' clashes with field name 'ck.Board.tackSet'.")), all.join('\n'));
  assert.ok(all.some((m) => m.startsWith("ck.Tack.board: (fields.E303) Reverse query name for 'ck.Tack.board' clashes with field name 'ck.Board.tack'.")), all.join('\n'));
  assert.equal(all.length, 2, all.join('\n'));
  const shelfNote = messages().filter((m) => m.startsWith('ck.Note.shelf'));
  assert.deepEqual(shelfNote, [], 'noteSet and note are no fields of Shelf');
});

test('two relations with one reverse name: E304 (once for the pair), and a hidden relation clashes with nothing', () => {
  const all = messages();
  assert.ok(all.includes("ck.Pin.second: (fields.E304) Reverse accessor 'Board.pins' for 'ck.Pin.second' clashes with reverse accessor for 'ck.Pin.first'. HINT: Add or change a relatedName argument to the definition for 'ck.Pin.second' or 'ck.Pin.first'."), all.join('\n'));
  assert.equal(all.filter((m) => m.startsWith('ck.Pin.')).length, 1, all.join('\n'));
  assert.deepEqual(all.filter((m) => m.startsWith('ck.Memo.')), []);
});

test('the field keeps its name on instances: the clashing accessor is not installed', () => {
  const shelf = new Shelf({ title: 'Poetry' });
  assert.equal(shelf.title, 'Poetry');
  shelf.title = 'Prose';
  assert.equal(shelf.title, 'Prose');
  const board = new Board({ tack: 't', tackSet: 's' });
  assert.equal(board.tackSet, 's');
});

test('models.E015 suggests the path with the failing segment corrected', () => {
  const [ordering] = checkModels([Label.meta]);
  assert.equal(ordering?.id, 'models.E015');
  assert.equal(ordering?.hint, "Did you mean 'shelf__title'?");
});
