/**
 * What happens to a row when the row its foreign key points at is deleted: Django's rules.
 * The rules are data here; the deletion engine gives each one its behaviour.
 */
export type OnDeleteName = 'CASCADE' | 'PROTECT' | 'RESTRICT' | 'SET_NULL' | 'SET_DEFAULT' | 'SET' | 'DO_NOTHING';

export interface OnDelete {
  readonly rule: OnDeleteName;
  /** For SET: the value, or a function called once per delete that needs it. */
  readonly value?: unknown;
}

export const CASCADE: OnDelete = Object.freeze({ rule: 'CASCADE' });
export const PROTECT: OnDelete = Object.freeze({ rule: 'PROTECT' });
export const RESTRICT: OnDelete = Object.freeze({ rule: 'RESTRICT' });
export const SET_NULL: OnDelete = Object.freeze({ rule: 'SET_NULL' });
export const SET_DEFAULT: OnDelete = Object.freeze({ rule: 'SET_DEFAULT' });
export const DO_NOTHING: OnDelete = Object.freeze({ rule: 'DO_NOTHING' });

/** `SET(value)` or `SET(() => value)`: set the foreign key to that value. */
export function SET(value: unknown): OnDelete {
  return Object.freeze({ rule: 'SET', value });
}
