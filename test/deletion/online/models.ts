/** Three levels, as the online delete's users have them: authors, their posts, the posts' comments; and a trash of the same shape. */
import { randomUUID } from 'node:crypto';
import { model, fields as f, CASCADE, PROTECT, RESTRICT, SET_NULL } from '../../../src/index.ts';

export class Writer extends model('ol.Writer', { name: f.char({ maxLength: 50 }), group: f.integer({ default: 0 }) }) {}
export class Genre extends model('ol.Genre', { name: f.char({ maxLength: 50 }) }) {}
export class Story extends model('ol.Story', {
  writer: f.foreignKey(() => Writer, { onDelete: CASCADE, relatedName: 'stories' }),
  title: f.char({ maxLength: 50 }),
  genres: f.manyToMany(() => Genre, { relatedName: 'stories', blank: true }),
}) {}
export class Remark extends model('ol.Remark', {
  story: f.foreignKey(() => Story, { onDelete: CASCADE, relatedName: 'remarks' }),
  editor: f.foreignKey(() => Writer, { onDelete: SET_NULL, null: true, relatedName: 'edited' }),
}) {}
/** Blocks a writer's delete while it exists. */
export class Prize extends model('ol.Prize', { writer: f.foreignKey(() => Writer, { onDelete: PROTECT }) }) {}

export class Shelf extends model('ol.Shelf', {
  name: f.char({ maxLength: 50 }),
  group: f.integer({ default: 0 }),
  /** Unique among live rows: a root hidden by a running soft delete frees its value. */
  code: f.char({ maxLength: 20, unique: true, null: true }),
}, { softDelete: true }) {}
export class Volume extends model('ol.Volume', {
  shelf: f.foreignKey(() => Shelf, { onDelete: CASCADE, relatedName: 'volumes' }),
}, { softDelete: true }) {}
export class Page extends model('ol.Page', {
  volume: f.foreignKey(() => Volume, { onDelete: CASCADE, relatedName: 'pages' }),
}, { softDelete: true }) {}

/** A root keyed by UUID, with a child: PostgreSQL compares a uuid column with uuids only. */
export class Token extends model('ol.Token', { id: f.uuid({ primaryKey: true, default: () => randomUUID() }) }, { softDelete: true }) {}
export class TokenUse extends model('ol.TokenUse', { token: f.foreignKey(() => Token, { onDelete: CASCADE }) }, { softDelete: true }) {}

/** Trash whose rows refer to each other: a tree (RESTRICT or CASCADE to its parent), an owner and the pet it RESTRICTs. */
export class Node extends model('ol.Node', { parent: f.foreignKey('self', { onDelete: RESTRICT, null: true, relatedName: 'kids' }) }, { softDelete: true }) {}
export class Branch extends model('ol.Branch', { parent: f.foreignKey('self', { onDelete: CASCADE, null: true, relatedName: 'kids' }) }, { softDelete: true }) {}
export class Owner extends model('ol.Owner', { pet: f.foreignKey('ol.Pet', { onDelete: RESTRICT, null: true }) }, { softDelete: true }) {}
export class Pet extends model('ol.Pet', { owner: f.foreignKey(() => Owner, { onDelete: CASCADE }) }, { softDelete: true }) {}
/** A tree without a trash whose rows RESTRICT their parent. */
export class Knot extends model('ol.Knot', { parent: f.foreignKey('self', { onDelete: RESTRICT, null: true, relatedName: 'kids' }) }) {}
