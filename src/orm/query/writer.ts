/**
 * Where a query's parts are written. Each part of the query tree is visited once, by one function
 * that writes its SQL text and its values in the order they appear; what the visit writes into
 * decides what comes out:
 *
 * - a `KeyWriter` keeps a key of the statement's shape and the values, cheaply, for every run;
 * - a `TextWriter` keeps the dialect's SQL, with a placeholder per value, when a shape is new.
 *
 * Both see the same calls in the same order, so each value lands on its own placeholder by
 * construction: there is no second walk to keep in step.
 */
import { sql, type RawBuilder } from 'kysely';
import type { SqlDialect } from '../../db/index.ts';

export interface SqlWriter {
  readonly dialect: SqlDialect;
  /** SQL as it is: keywords, operators, punctuation, aliases Trove made. */
  text(sql: string): void;
  /** A table or column name from a model, quoted. */
  name(identifier: string): void;
  /** `alias.column`, both quoted. */
  column(alias: string, column: string): void;
  /** A value, sent as a parameter. */
  param(value: unknown): void;
  /**
   * A part that `key` already names in full (it writes no values): a key writer adds `key`, a
   * text writer runs `write`. For long lists that never vary for a key (a model's columns).
   */
  fixed(key: string, write: () => void): void;
}

/** The shape of a statement (its key in the statement cache) and its values. */
export class KeyWriter implements SqlWriter {
  key = '';
  readonly params: unknown[] = [];

  constructor(readonly dialect: SqlDialect) {}

  text(sql: string): void {
    this.key += sql;
  }

  name(identifier: string): void {
    // Names are delimited: a table named `a.b` must not share a key with column b of a.
    this.key += `"${identifier}"`;
  }

  column(alias: string, column: string): void {
    this.key += `${alias}."${column}"`;
  }

  param(value: unknown): void {
    this.key += '?';
    this.params.push(value);
  }

  fixed(key: string): void {
    this.key += key;
  }
}

/** The SQL of a statement in the dialect, placeholders where its values go (kept too, if asked). */
export class TextWriter implements SqlWriter {
  /** The SQL between values; `fragments.length` is one more than the number of values. */
  private readonly fragments: string[] = [''];
  readonly values: unknown[] = [];

  constructor(readonly dialect: SqlDialect) {}

  private append(text: string): void {
    this.fragments[this.fragments.length - 1] += text;
  }

  text(sql: string): void {
    this.append(sql);
  }

  name(identifier: string): void {
    this.append(this.dialect.quote(identifier));
  }

  column(alias: string, column: string): void {
    this.append(`${this.dialect.quote(alias)}.${this.dialect.quote(column)}`);
  }

  param(value: unknown): void {
    this.values.push(value);
    this.fragments.push('');
  }

  fixed(_key: string, write: () => void): void {
    const before = this.values.length;
    write();
    if (this.values.length !== before) throw new Error('Trove wrote a value inside a part its cache key fixes.');
  }

  /** How many values the statement takes. */
  get paramCount(): number {
    return this.values.length;
  }

  /** The SQL with the dialect's placeholders. */
  toSql(): string {
    let out = this.fragments[0]!;
    for (let i = 1; i < this.fragments.length; i++) out += this.dialect.placeholder(i - 1) + this.fragments[i];
    return out;
  }

  /** The statement as a Kysely expression with its values, to sit inside a query Kysely builds. */
  toRaw<T = unknown>(): RawBuilder<T> {
    return sql<T>(this.fragments as unknown as TemplateStringsArray, ...this.values);
  }
}
