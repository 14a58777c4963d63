/** Models for the cases review found: SET_* rules that feed back into the delete's own filter. */
import { model, fields as f, CASCADE, SET_NULL, SET_DEFAULT, DO_NOTHING } from '../../src/index.ts';

export class Cat extends model('rv.Cat', {
  name: f.char({ maxLength: 20 }),
  parent: f.foreignKey('self', { onDelete: SET_NULL, null: true, relatedName: 'children' }),
}) {}

/** SET_DEFAULT to a row that is never deleted (id 1 by construction in the tests). */
export class Dept extends model('rv.Dept', {
  name: f.char({ maxLength: 20 }),
  parent: f.foreignKey('self', { onDelete: SET_DEFAULT, null: true, default: null, relatedName: 'subs' }),
}) {}

/** M0.x -> M1 SET_NULL, M1.y -> M0 CASCADE. */
export class M0 extends model('rv.M0', {
  x: f.foreignKey('rv.M1', { onDelete: SET_NULL, null: true, relatedName: 'm0s' }),
}) {}
export class M1 extends model('rv.M1', {
  y: f.foreignKey(() => M0, { onDelete: CASCADE, null: true, relatedName: 'm1s' }),
  fb: f.integer({ null: true }),
}) {}

/** A record of a play that may outlive its song: no database constraint. */
export class Track extends model('rv.Track', { title: f.char({ maxLength: 20 }) }) {}
export class Spin extends model('rv.Spin', {
  track: f.foreignKey(() => Track, { onDelete: CASCADE, dbConstraint: false }),
}) {}
export class Echo extends model('rv.Echo', {
  track: f.foreignKey(() => Track, { onDelete: DO_NOTHING, dbConstraint: false }),
}) {}
