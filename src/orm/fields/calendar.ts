/**
 * Calendar dates as text, one rule for the model layer and for forms: JavaScript's Date rolls
 * 2024-02-30 over to March 1st, while Python's dates (Django) and every database refuse it.
 */

/** Django's `date_re`: four-digit year, one or two digits for month and day. */
const DATE_SHAPE = /^(\d{4})-(\d{1,2})-(\d{1,2})$/;

export interface ParsedDate {
  /** 'YYYY-MM-DD', zero-padded, when the day exists (years 1 to 9999, as Python's dates). */
  readonly date: string | undefined;
}

/**
 * `undefined` when the text is not shaped as a date; `{ date: undefined }` when it is shaped as
 * one but no such day exists; else the day, zero-padded.
 */
export function parseCalendarDate(text: string): ParsedDate | undefined {
  const match = DATE_SHAPE.exec(text);
  if (match === null) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(2000, month - 1, day));
  date.setUTCFullYear(year);
  const real = year >= 1 && date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  return { date: real ? `${match[1]}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}` : undefined };
}

/** True for a real day written YYYY-MM-DD (as a date input posts it). */
export function isCalendarDate(text: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(text) && parseCalendarDate(text)?.date !== undefined;
}
