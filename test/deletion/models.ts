/** Models whose relations exercise every on_delete rule and the hard shapes of a deletion graph. */
import { model, fields as f, CASCADE, PROTECT, RESTRICT, SET_NULL, SET, DO_NOTHING } from '../../src/index.ts';

export class Artist extends model('td.Artist', { name: f.char({ maxLength: 50 }) }) {}
export class Album extends model('td.Album', {
  artist: f.foreignKey(() => Artist, { onDelete: CASCADE, relatedName: 'albums' }),
  title: f.char({ maxLength: 50 }),
}) {}
/** Django's RESTRICT example: a song goes with its artist, but does not let its album go alone. */
export class Song extends model('td.Song', {
  artist: f.foreignKey(() => Artist, { onDelete: CASCADE }),
  album: f.foreignKey(() => Album, { onDelete: RESTRICT }),
  title: f.char({ maxLength: 50 }),
}) {}
/** PROTECT on the artist, while the album's deletion cascades to the contract. */
export class Contract extends model('td.Contract', {
  artist: f.foreignKey(() => Artist, { onDelete: PROTECT }),
  album: f.foreignKey(() => Album, { onDelete: CASCADE, null: true }),
}) {}
export class Award extends model('td.Award', {
  album: f.foreignKey(() => Album, { onDelete: PROTECT }),
}) {}
export class Review extends model('td.Review', {
  album: f.foreignKey(() => Album, { onDelete: SET_NULL, null: true }),
  song: f.foreignKey(() => Song, { onDelete: CASCADE, null: true }),
  text: f.text({ default: '' }),
}) {}
export const fallbackCalls: string[] = [];
export class Play extends model('td.Play', {
  song: f.foreignKey(() => Song, {
    onDelete: SET(() => {
      fallbackCalls.push('called');
      return null;
    }),
    null: true,
  }),
}) {}
export class Listen extends model('td.Listen', {
  album: f.foreignKey(() => Album, { onDelete: DO_NOTHING, dbConstraint: false }),
}) {}
export class Playlist extends model('td.Playlist', {
  name: f.char({ maxLength: 50 }),
  songs: f.manyToMany(() => Song, { relatedName: 'playlists' }),
}) {}

export class Node extends model('td.Node', {
  name: f.char({ maxLength: 20 }),
  parent: f.foreignKey('self', { onDelete: CASCADE, null: true, relatedName: 'children' }),
}) {}

export class Ping extends model('td.Ping', {
  name: f.char({ maxLength: 20 }),
  pong: f.foreignKey('td.Pong', { onDelete: CASCADE, null: true }),
}) {}
export class Pong extends model('td.Pong', {
  name: f.char({ maxLength: 20 }),
  ping: f.foreignKey(() => Ping, { onDelete: CASCADE, null: true }),
}) {}

export class Top extends model('td.Top', { name: f.char({ maxLength: 20 }) }) {}
export class Left extends model('td.Left', { top: f.foreignKey(() => Top, { onDelete: CASCADE }) }) {}
export class Right extends model('td.Right', { top: f.foreignKey(() => Top, { onDelete: CASCADE }) }) {}
export class Bottom extends model('td.Bottom', {
  left: f.foreignKey(() => Left, { onDelete: CASCADE }),
  right: f.foreignKey(() => Right, { onDelete: CASCADE }),
}) {}
/** Django's RESTRICT diamond: restricted through one side, cascaded through the other. */
export class RBottom extends model('td.RBottom', {
  left: f.foreignKey(() => Left, { onDelete: RESTRICT }),
  right: f.foreignKey(() => Right, { onDelete: CASCADE }),
}) {}
