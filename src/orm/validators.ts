/**
 * Validators: checks on a field's cleaned value that `fullClean()` runs, each a message when the
 * value fails (or a thrown ValidationError), nothing when it passes. Django's messages.
 */

/** A check on a field's value: a message when it fails (or throw a ValidationError), nothing when it passes. */
export type Validator<T = any> = (value: T) => string | undefined | void;

/** A bound a `minValue()` or `maxValue()` validator keeps, so that a field adds no looser one of its own. */
export interface LimitValidator extends Validator<number | string> {
  readonly limit: { readonly kind: 'min' | 'max'; readonly value: number };
}

export function minValue(limit: number): LimitValidator {
  const check = (value: number | string) => (Number(value) < limit ? `Ensure this value is greater than or equal to ${limit}.` : undefined);
  return Object.assign(check, { limit: { kind: 'min', value: limit } as const });
}

export function maxValue(limit: number): LimitValidator {
  const check = (value: number | string) => (Number(value) > limit ? `Ensure this value is less than or equal to ${limit}.` : undefined);
  return Object.assign(check, { limit: { kind: 'max', value: limit } as const });
}

export function minLength(limit: number): Validator<string> {
  return (value) => (value.length < limit ? `Ensure this value has at least ${limit} characters (it has ${value.length}).` : undefined);
}

export function regexValidator(pattern: RegExp, message = 'Enter a valid value.'): Validator<string> {
  return (value) => (pattern.test(value) ? undefined : message);
}

/** The limit of `kind` a list of validators already keeps, if any. */
export function limitOf(validators: readonly unknown[], kind: 'min' | 'max'): number | undefined {
  const limits = validators.flatMap((v) => {
    const limit = (v as Partial<LimitValidator>).limit;
    return limit?.kind === kind ? [limit.value] : [];
  });
  if (limits.length === 0) return undefined;
  return kind === 'min' ? Math.max(...limits) : Math.min(...limits);
}
