import { dialectOf, type ColumnType, type DialectName } from '../../db/index.ts';
import Big from 'big.js';
import { maxValue, minValue, limitOf, type Validator } from '../validators.ts';
import { parseCalendarDate } from './calendar.ts';
import { describe, Field, quoted, type FieldOptions } from './field.ts';
import { EXACT_RANGE, integerRange } from './integer-ranges.ts';

export interface CharOptions extends FieldOptions<string> {
  maxLength: number;
}

abstract class StringField extends Field<string> {
  protected readonly expected: string = 'expected a string';
  get maxLength(): number | undefined {
    return undefined;
  }
  protected cleanValue(value: unknown): string {
    if (typeof value !== 'string') throw this.refuse(value);
    const max = this.maxLength;
    if (max !== undefined && value.length > max) {
      throw this.error(`allows at most ${max} characters but got ${value.length}`, `Ensure this value has at most ${max} characters (it has ${value.length}).`);
    }
    return value;
  }
}

export class CharField extends StringField {
  readonly kind: string = 'char';
  readonly columnType: ColumnType = 'varchar';
  constructor(override readonly options: CharOptions) {
    super(options);
    if (!Number.isInteger(options?.maxLength) || options.maxLength <= 0) {
      throw new TypeError('f.char() needs a positive maxLength, e.g. f.char({ maxLength: 100 })');
    }
  }
  override get maxLength(): number {
    return this.options.maxLength;
  }
}

export class TextField extends StringField {
  readonly kind: string = 'text';
  readonly columnType: ColumnType = 'text';
}

/** A varchar whose values must match a pattern; the empty string is always allowed (Django's blank). */
abstract class PatternField extends StringField {
  readonly columnType: ColumnType = 'varchar';
  protected abstract readonly pattern: RegExp;
  /** What a matching value is, for the error message. */
  protected abstract readonly shape: string;
  /** Django's message for a value that does not match. */
  protected abstract readonly invalid: string;
  protected abstract readonly defaultMaxLength: number;

  constructor(override readonly options: FieldOptions<string> & { maxLength?: number } = {}) {
    super(options);
  }
  override get maxLength(): number {
    return this.options.maxLength ?? this.defaultMaxLength;
  }
  protected override cleanValue(value: unknown): string {
    const text = super.cleanValue(value);
    if (text !== '' && !this.pattern.test(text)) throw this.error(`expected ${this.shape} but got ${JSON.stringify(text)}`, this.invalid);
    return text;
  }
}

export class EmailField extends PatternField {
  readonly kind: string = 'email';
  protected readonly pattern = /^[^\s@]+@[^\s@]+$/;
  protected readonly shape = 'an email address';
  protected readonly invalid = 'Enter a valid email address.';
  protected readonly defaultMaxLength = 254;
}

export class SlugField extends PatternField {
  readonly kind: string = 'slug';
  protected readonly pattern = /^[-\w]+$/u;
  protected readonly shape = 'letters, digits, "-" or "_"';
  protected readonly invalid = 'Enter a valid “slug” consisting of letters, numbers, underscores or hyphens.';
  protected readonly defaultMaxLength = 50;
}

/** A web address: http, https, ftp or ftps, with a host (Django's URLField). */
export class URLField extends PatternField {
  readonly kind: string = 'url';
  protected readonly pattern = /^(?:https?|ftps?):\/\/[^\s/?#]+[^\s]*$/i;
  protected readonly shape = 'a URL';
  protected readonly invalid = 'Enter a valid URL.';
  protected readonly defaultMaxLength = 200;
  protected override cleanValue(value: unknown): string {
    const text = super.cleanValue(value);
    if (text === '') return text;
    try {
      if (new URL(text).hostname !== '') return text;
    } catch {
      // not a URL: refused below
    }
    throw this.error(`expected ${this.shape} but got ${JSON.stringify(text)}`, this.invalid);
  }
}

export class IntegerField extends Field<number> {
  readonly kind: string = 'integer';
  readonly columnType: ColumnType & ('integer' | 'bigint') = 'integer';
  protected readonly expected = 'expected an integer';
  protected cleanValue(value: unknown): number {
    const n = this.toInteger(value);
    // Past 2^53 a number is no longer the integer written: refused as out of any column's range.
    const [min, max] = EXACT_RANGE;
    if (n < min) throw this.error(`allows no integer below ${min} but got ${describe(value)}`, `Ensure this value is greater than or equal to ${min}.`);
    if (n > max) throw this.error(`allows no integer above ${max} but got ${describe(value)}`, `Ensure this value is less than or equal to ${max}.`);
    return n;
  }
  /** Any integer, however large: fullClean()'s range validators then name the column's own limit. */
  override toPython(value: unknown): number | null {
    return value === null || value === undefined ? this.clean(value) : this.toInteger(value);
  }
  /** Integer strings are accepted (as Django's int()) because ids arrive as strings from URLs and forms. */
  private toInteger(value: unknown): number {
    // '-0' is 0: no integer column keeps a sign on zero.
    const n = typeof value === 'string' && /^\s*[-+]?\d+\s*$/.test(value) ? Number(value) + 0 : value;
    if (typeof n !== 'number' || !Number.isInteger(n)) throw this.refuse(value, `${quoted(value)} value must be an integer.`);
    return n + 0;
  }
  /** Django's min and max validators from the column's range on this database, unless the user's own are as tight. */
  override builtinValidators(dialect: DialectName): Validator[] {
    const [min, max] = integerRange(this.columnType, dialect);
    const own = this.options.validators ?? [];
    const validators: Validator[] = [];
    const ownMin = limitOf(own, 'min');
    const ownMax = limitOf(own, 'max');
    if (ownMin === undefined || ownMin < min) validators.push(minValue(min));
    if (ownMax === undefined || ownMax > max) validators.push(maxValue(max));
    return validators;
  }
  override fromDb(value: unknown): number | null {
    return value === null ? null : Number(value);
  }
}

export class BigIntegerField extends IntegerField {
  override readonly kind: string = 'bigInteger';
  override readonly columnType = 'bigint' as const;
}

/** The implicit `id` of every model without an explicit primary key. */
export class AutoField extends BigIntegerField {
  override readonly kind: string = 'auto';
  constructor() {
    super({ primaryKey: true });
  }
}

export class FloatField extends Field<number> {
  readonly kind: string = 'float';
  readonly columnType: ColumnType = 'float';
  protected readonly expected = 'expected a finite number';
  protected cleanValue(value: unknown): number {
    if (typeof value !== 'number' || !Number.isFinite(value)) throw this.refuse(value, `${quoted(value)} value must be a float.`);
    return value;
  }
  override fromDb(value: unknown): number | null {
    return value === null ? null : Number(value);
  }
}

export interface DecimalOptions extends FieldOptions<string | number> {
  maxDigits: number;
  decimalPlaces: number;
}

/** Decimals are strings in JavaScript ('12.50'), so no precision is lost on the way. */
export class DecimalField extends Field<string> {
  readonly kind: string = 'decimal';
  readonly columnType: ColumnType = 'decimal';
  protected readonly expected = 'expected a decimal number (string or number)';
  constructor(override readonly options: DecimalOptions) {
    super(options);
    if (!Number.isInteger(options?.maxDigits) || !Number.isInteger(options?.decimalPlaces)) {
      throw new TypeError('f.decimal() needs maxDigits and decimalPlaces');
    }
  }
  protected cleanValue(value: unknown): string {
    let exact: Big;
    // A number is taken as JavaScript writes it (2.675 is '2.675'), never through its binary digits.
    if (typeof value === 'number' && Number.isFinite(value)) exact = new Big(String(value));
    else if (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value.trim())) exact = new Big(value.trim());
    else throw this.refuse(value, `${quoted(value)} value must be a decimal number.`);
    const text = roundDecimal(exact, this.options.decimalPlaces);
    const digits = text.replace(/^-/, '').replace('.', '').replace(/^0+(?=\d)/, '');
    if (digits.length > this.options.maxDigits) {
      throw this.error(`allows at most ${this.options.maxDigits} digits but got ${text}`, `Ensure that there are no more than ${this.options.maxDigits} digits in total.`);
    }
    return text;
  }
  override fromDb(value: unknown): string | null {
    if (value === null) return null;
    // PostgreSQL and MariaDB send the exact digits; SQLite a float, whose shortest form is the stored value.
    return roundDecimal(new Big(String(value)), this.options.decimalPlaces);
  }
}

/**
 * Rounds on the decimal digits themselves, half to even as Django does (2.675 -> 2.68,
 * 2.665 -> 2.66), with every digit kept: no float ever holds the value.
 */
function roundDecimal(value: Big, places: number): string {
  const text = value.round(places, Big.roundHalfEven).toFixed(places);
  return text === `-${(0).toFixed(places)}` ? text.slice(1) : text;
}

export class BooleanField extends Field<boolean> {
  readonly kind: string = 'boolean';
  readonly columnType: ColumnType = 'boolean';
  protected readonly expected = 'expected true or false';
  protected cleanValue(value: unknown): boolean {
    if (typeof value !== 'boolean') throw this.refuse(value, `${quoted(value)} value must be either True or False.`);
    return value;
  }
  override toDb(value: boolean | null, dialect: DialectName): unknown {
    return value === null ? null : dialectOf(dialect).booleanValue(value);
  }
  override fromDb(value: unknown): boolean | null {
    return value === null ? null : Boolean(value);
  }
}

/** Dates and times that save() can fill in: `autoNow` on every save, `autoNowAdd` on insert. */
export abstract class TimestampField<T> extends Field<T> {
  constructor(override readonly options: FieldOptions<T | string | Date> & { autoNow?: boolean; autoNowAdd?: boolean } = {}) {
    super(options);
  }
  override isOptionalOnCreate(): boolean {
    return super.isOptionalOnCreate() || this.options.autoNow === true || this.options.autoNowAdd === true;
  }
  /** The value for "now". */
  abstract now(): T;
}

/** Dates are 'YYYY-MM-DD' strings: a calendar day has no time zone to get wrong. */
export class DateField extends TimestampField<string> {
  readonly kind: string = 'date';
  readonly columnType: ColumnType = 'date';
  protected readonly expected = "expected a 'YYYY-MM-DD' string or a Date";
  protected cleanValue(value: unknown): string {
    if (value instanceof Date && !Number.isNaN(value.getTime())) return value.toISOString().slice(0, 10);
    const parsed = typeof value === 'string' ? parseCalendarDate(value) : undefined;
    if (parsed === undefined) throw this.refuse(value, `${quoted(value)} value has an invalid date format. It must be in YYYY-MM-DD format.`);
    if (parsed.date === undefined) throw this.error(`expected a day that exists but got ${describe(value)}`, `${quoted(value)} value has the correct format (YYYY-MM-DD) but it is an invalid date.`);
    return parsed.date;
  }
  override fromDb(value: unknown): string | null {
    if (value === null) return null;
    if (value instanceof Date) return value.toISOString().slice(0, 10);
    return String(value).slice(0, 10);
  }
  now(): string {
    return new Date().toISOString().slice(0, 10);
  }
}

/** Date and time, stored in UTC on every database and read back as a Date. */
export class DateTimeField extends TimestampField<Date> {
  readonly kind: string = 'dateTime';
  readonly columnType: ColumnType = 'datetime';
  protected readonly expected = 'expected a Date or an ISO 8601 string';
  protected cleanValue(value: unknown): Date {
    // JavaScript's Date would roll a day that does not exist (February 30th) over into March.
    const day = typeof value === 'string' ? /^\s*(\d{4}-\d{1,2}-\d{1,2})(?=$|[T\s])/.exec(value) : null;
    if (day !== null && parseCalendarDate(day[1]!)?.date === undefined) {
      throw this.error(`expected a day that exists but got ${describe(value)}`, `${quoted(value)} value has the correct format (YYYY-MM-DD) but it is an invalid date.`);
    }
    const date = value instanceof Date ? value : typeof value === 'string' ? new Date(value) : undefined;
    if (date === undefined || Number.isNaN(date.getTime())) throw this.refuse(value, `${quoted(value)} value has an invalid format. It must be in YYYY-MM-DD HH:MM[:ss[.uuuuuu]][TZ] format.`);
    return date;
  }
  override toDb(value: Date | null, dialect: DialectName): unknown {
    return value === null ? null : dialectOf(dialect).dateTimeValue(value);
  }
  override fromDb(value: unknown, dialect: DialectName): Date | null {
    if (value === null) return null;
    if (value instanceof Date) return value;
    return dialectOf(dialect).dateTimeFromText(String(value));
  }
  now(): Date {
    return new Date();
  }
}

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export class JsonField<T = JsonValue> extends Field<T> {
  readonly kind: string = 'json';
  readonly columnType: ColumnType = 'json';
  protected readonly expected = 'expected a JSON-serialisable value';
  protected cleanValue(value: unknown): T {
    if (typeof value === 'function' || typeof value === 'symbol' || typeof value === 'bigint') throw this.refuse(value);
    return value as T;
  }
  override toDb(value: T | null): unknown {
    return value === null ? null : JSON.stringify(value);
  }
  override fromDb(value: unknown, dialect: DialectName): T | null {
    if (value === null) return null;
    if (dialectOf(dialect).driverParsesJson || typeof value !== 'string') return value as T;
    return JSON.parse(value) as T;
  }
}

const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
export class UuidField extends Field<string> {
  readonly kind: string = 'uuid';
  readonly columnType: ColumnType = 'uuid';
  protected readonly expected = 'expected a UUID string';
  protected cleanValue(value: unknown): string {
    if (typeof value !== 'string' || !UUID.test(value)) throw this.refuse(value, `${quoted(value)} is not a valid UUID.`);
    const hex = value.replace(/-/g, '').toLowerCase();
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }
}
