/**
 * Password validators, as Django's `password_validation`: each says what is wrong with a password
 * (for a given user, when there is one) and what a good one looks like. The admin's forms,
 * `createsuperuser` and `changepassword` all ask `passwordProblems()`, so a project configures
 * them once (`passwordValidators` in trove.config.ts).
 */
import { COMMON_PASSWORDS } from './common-passwords.ts';

/** What a validator may look at: the user's fields (`username`, `email`…); absent when there is no user yet. */
export type PasswordUser = object;

export interface PasswordValidator {
  /** What is wrong with `password`, in a sentence; undefined when nothing is. */
  validate(password: string, user?: PasswordUser): string | undefined;
  /** What a good password looks like, for the forms' help text. */
  helpText(): string;
}

/** Django's MinimumLengthValidator (default 8 characters, counted as code points, as Python does). */
export class MinimumLengthValidator implements PasswordValidator {
  readonly minLength: number;

  constructor(options: { minLength?: number } = {}) {
    this.minLength = options.minLength ?? 8;
    if (!Number.isInteger(this.minLength) || this.minLength < 0) throw new TypeError('MinimumLengthValidator: minLength must be a whole number.');
  }

  validate(password: string): string | undefined {
    if ([...password].length >= this.minLength) return undefined;
    return `This password is too short. It must contain at least ${this.minLength} character${this.minLength === 1 ? '' : 's'}.`;
  }

  helpText(): string {
    return `Your password must contain at least ${this.minLength} character${this.minLength === 1 ? '' : 's'}.`;
  }
}

/**
 * Python's `SequenceMatcher(a=a, b=b).quick_ratio()`: twice the characters the two strings have in
 * common (as multisets, order ignored) over their total length. An upper bound of how alike they are.
 */
export function quickRatio(a: string, b: string): number {
  const left = [...a];
  const right = [...b];
  const length = left.length + right.length;
  if (length === 0) return 1;
  const available = new Map<string, number>();
  for (const ch of right) available.set(ch, (available.get(ch) ?? 0) + 1);
  let matches = 0;
  for (const ch of left) {
    const n = available.get(ch) ?? 0;
    if (n > 0) matches += 1;
    available.set(ch, n - 1);
  }
  return (2 * matches) / length;
}

/**
 * Django's shortcut: a value ten times shorter than the password cannot reach the similarity
 * (quick_ratio is at most 2 / 11 then), so it is not compared: long passwords stay cheap to check.
 */
function tooShortToCompare(password: string, maxSimilarity: number, value: string): boolean {
  const passwordLength = [...password].length;
  const valueLength = [...value].length;
  return passwordLength >= 10 * valueLength && valueLength < (maxSimilarity / 2) * passwordLength;
}

/**
 * Django's UserAttributeSimilarityValidator: a password too like the username, the names or the
 * email (or a part of one: `ann` of `ann.lee@example.com`) is refused. Attributes the user lacks
 * are skipped.
 */
export class UserAttributeSimilarityValidator implements PasswordValidator {
  static readonly DEFAULT_USER_ATTRIBUTES = ['username', 'firstName', 'lastName', 'email'] as const;
  readonly userAttributes: readonly string[];
  readonly maxSimilarity: number;

  constructor(options: { userAttributes?: readonly string[]; maxSimilarity?: number } = {}) {
    this.userAttributes = options.userAttributes ?? UserAttributeSimilarityValidator.DEFAULT_USER_ATTRIBUTES;
    this.maxSimilarity = options.maxSimilarity ?? 0.7;
    if (!(this.maxSimilarity >= 0.1)) throw new RangeError('UserAttributeSimilarityValidator: maxSimilarity must be at least 0.1.');
  }

  validate(password: string, user?: PasswordUser): string | undefined {
    if (user === undefined || user === null) return undefined;
    const lowered = password.toLowerCase();
    for (const attribute of this.userAttributes) {
      const value = (user as Record<string, unknown>)[attribute];
      if (typeof value !== 'string' || value === '') continue;
      const whole = value.toLowerCase();
      // Python's re.split(r'\W+'): word characters are letters, digits and the underscore.
      for (const part of [...whole.split(/[^\p{L}\p{N}_]+/u), whole]) {
        if (tooShortToCompare(lowered, this.maxSimilarity, part)) continue;
        if (quickRatio(lowered, part) >= this.maxSimilarity) return `The password is too similar to the ${verboseNameOf(user, attribute)}.`;
      }
    }
    return undefined;
  }

  helpText(): string {
    return 'Your password can’t be too similar to your other personal information.';
  }
}

/** The field's verbose name (`email address`), or the attribute's name when it is not a field. */
function verboseNameOf(user: PasswordUser, attribute: string): string {
  const meta = (user.constructor as { meta?: { field(name: string): { verboseName: string } | undefined } } | undefined)?.meta;
  try {
    return meta?.field(attribute)?.verboseName ?? attribute;
  } catch {
    return attribute;
  }
}

let commonPasswords: ReadonlySet<string> | undefined;

/**
 * Django's CommonPasswordValidator: the password, lower-cased and trimmed, must not be one of
 * the 20,000 most common ones (or of the list given).
 */
export class CommonPasswordValidator implements PasswordValidator {
  private readonly passwords: ReadonlySet<string> | undefined;

  constructor(options: { passwords?: Iterable<string> } = {}) {
    this.passwords = options.passwords === undefined ? undefined : new Set([...options.passwords].map((p) => p.trim().toLowerCase()));
  }

  private list(): ReadonlySet<string> {
    // Built on first use: commands that never check a password never pay for the set.
    return this.passwords ?? (commonPasswords ??= new Set(COMMON_PASSWORDS.split(/\s+/).filter((p) => p !== '')));
  }

  validate(password: string): string | undefined {
    return this.list().has(password.toLowerCase().trim()) ? 'This password is too common.' : undefined;
  }

  helpText(): string {
    return 'Your password can’t be a commonly used password.';
  }
}

/**
 * Django's NumericPasswordValidator: not only digits. (Python's isdigit() also counts the
 * likes of superscript digits; decimal digits of every script are what this one counts.)
 */
export class NumericPasswordValidator implements PasswordValidator {
  validate(password: string): string | undefined {
    return /^\p{Nd}+$/u.test(password) ? 'This password is entirely numeric.' : undefined;
  }

  helpText(): string {
    return 'Your password can’t be entirely numeric.';
  }
}

/** The validators of Django's project template, in its order. */
export function defaultPasswordValidators(): PasswordValidator[] {
  return [new UserAttributeSimilarityValidator(), new MinimumLengthValidator(), new CommonPasswordValidator(), new NumericPasswordValidator()];
}

let configured: readonly PasswordValidator[] = defaultPasswordValidators();

/** The project's validators (trove.config.ts `passwordValidators`; `[]` checks nothing). */
export function setPasswordValidators(validators: readonly PasswordValidator[]): void {
  configured = [...validators];
}

export function passwordValidators(): readonly PasswordValidator[] {
  return configured;
}

/** Every validator's complaint about `password`, in order; empty when it passes them all. */
export function passwordProblems(password: string, user?: PasswordUser, validators: readonly PasswordValidator[] = configured): string[] {
  return validators.map((v) => v.validate(password, user)).filter((m): m is string => m !== undefined && m !== '');
}

/** Django's password_validators_help_texts(). */
export function passwordHelpTexts(validators: readonly PasswordValidator[] = configured): string[] {
  return validators.map((v) => v.helpText());
}

/** A password that some validator refused: `messages` says why, one sentence each. */
export class PasswordValidationError extends Error {
  override name = 'PasswordValidationError';
  constructor(readonly messages: readonly string[]) {
    super(messages.join(' '));
  }
}

/** Django's validate_password(): throws a PasswordValidationError listing every problem. */
export function validatePassword(password: string, user?: PasswordUser, validators?: readonly PasswordValidator[]): void {
  const problems = passwordProblems(password, user, validators);
  if (problems.length > 0) throw new PasswordValidationError(problems);
}
