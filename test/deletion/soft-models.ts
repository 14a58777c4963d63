/** Models for the soft-delete tests: a trash on posts and comments, none on authors or files. */
import { model, fields as f, CASCADE, PROTECT, SET_NULL, type InstanceOfClass, type ManyRelatedManager, type RelatedManager } from '../../src/index.ts';

declare module '../../src/index.ts' {
  interface ModelRelations {
    'ts.Writer': { articles: RelatedManager<InstanceOfClass<typeof Article>> };
    'ts.Article': { notes: RelatedManager<InstanceOfClass<typeof Note>>; topics: ManyRelatedManager<InstanceOfClass<typeof Topic>> };
  }
}

export class Writer extends model('ts.Writer', { name: f.char({ maxLength: 50 }) }) {}
export class Article extends model('ts.Article', {
  title: f.char({ maxLength: 50 }),
  slug: f.slug({ unique: true }),
  writer: f.foreignKey(() => Writer, { onDelete: CASCADE, relatedName: 'articles' }),
}, { softDelete: true }) {}
export class Note extends model('ts.Note', {
  article: f.foreignKey(() => Article, { onDelete: CASCADE, relatedName: 'notes' }),
  reply: f.foreignKey('self', { onDelete: CASCADE, null: true, relatedName: 'replies' }),
  text: f.char({ maxLength: 50 }),
}, { softDelete: true }) {}
/** No trash: a soft delete leaves its rows alone. */
export class Upload extends model('ts.Upload', {
  article: f.foreignKey(() => Article, { onDelete: CASCADE }),
}) {}
/** A live flag protects its article; a flag in the trash does not. */
export class Flag extends model('ts.Flag', {
  article: f.foreignKey(() => Article, { onDelete: PROTECT }),
}, { softDelete: true }) {}
export class Bookmark extends model('ts.Bookmark', {
  article: f.foreignKey(() => Article, { onDelete: SET_NULL, null: true }),
}) {}

/** A many-to-many relation into a soft-delete model. */
export class Topic extends model('ts.Topic', {
  name: f.char({ maxLength: 50 }),
  articles: f.manyToMany(() => Article, { relatedName: 'topics' }),
}) {}

/** Unique together among live rows: a seat is one row and number. */
export class Seat extends model('ts.Seat', {
  row: f.integer(),
  number: f.integer(),
}, { softDelete: true, uniqueTogether: [['row', 'number']] }) {}
