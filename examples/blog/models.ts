/** The blog example's models: authors write posts, readers comment, posts carry tags. */
import { model, fields as f, CASCADE, SET_NULL, type InstanceOfClass, type ManyRelatedManager, type RelatedManager } from 'trove';

declare module 'trove' {
  interface ModelRelations {
    'blog.Author': { posts: RelatedManager<PostRow> };
    'blog.Post': { comments: RelatedManager<CommentRow> };
    'blog.Tag': { posts: ManyRelatedManager<PostRow> };
  }
}

export class Author extends model('blog.Author', {
  name: f.char({ maxLength: 100 }),
  email: f.email({ unique: true }),
}) {
  override toString(): string {
    return this.name;
  }
}

export class Tag extends model('blog.Tag', {
  name: f.char({ maxLength: 50, unique: true }),
}) {
  override toString(): string {
    return this.name;
  }
}

export class Post extends model('blog.Post', {
  title: f.char({ maxLength: 200 }),
  content: f.text({ default: '', blank: true }),
  status: f.char({ maxLength: 20, default: 'draft', choices: [['draft', 'Draft'], ['published', 'Published']] }),
  author: f.foreignKey(() => Author, { onDelete: CASCADE, relatedName: 'posts' }),
  tags: f.manyToMany(() => Tag, { relatedName: 'posts', blank: true }),
  createdAt: f.dateTime({ autoNowAdd: true }),
}, { ordering: ['-createdAt', '-id'], softDelete: true }) {
  override toString(): string {
    return this.title;
  }
}

export class Comment extends model('blog.Comment', {
  post: f.foreignKey(() => Post, { onDelete: CASCADE, relatedName: 'comments' }),
  author: f.foreignKey(() => Author, { onDelete: SET_NULL, null: true }),
  text: f.text(),
}, { softDelete: true }) {
  override toString(): string {
    return this.text.length > 40 ? `${this.text.slice(0, 39)}…` : this.text;
  }
}

export type PostRow = InstanceOfClass<typeof Post>;
export type CommentRow = InstanceOfClass<typeof Comment>;
