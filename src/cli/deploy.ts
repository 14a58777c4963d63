/**
 * What serving without debug needs, Django's DEBUG / SECRET_KEY / ALLOWED_HOSTS practice made a
 * refusal rather than `check --deploy`'s warnings: a secret key of the site's own from the
 * environment, and the host names the site answers to. `trove runserver --no-debug` and the
 * blog's `npm run serve` check them before they listen.
 */
import { ConfigError } from './config.ts';

/**
 * The start of every secret key Trove writes into a repository (a new project's, the demo's), as
 * Django's `django-insecure-`: fine for debugging, refused when serving for real.
 */
export const INSECURE_KEY_PREFIX = 'trove-insecure-';

/** Django's check on SECRET_KEY (security.W009): at least 50 characters, at least 5 different. */
export const MIN_SECRET_KEY_LENGTH = 50;

const MAKE_ONE = `TROVE_SECRET_KEY=$(node -e "console.log(require('node:crypto').randomBytes(48).toString('base64url'))")`;

/** What is wrong with `secretKey` for serving without debug; nothing when it will do. */
export function secretKeyProblem(secretKey: string | undefined): string | undefined {
  if (secretKey === undefined || secretKey === '') {
    return `TROVE_SECRET_KEY is not set: serving without debug needs a secret key of the site's own, from the environment. Make one: ${MAKE_ONE}`;
  }
  if (secretKey.startsWith(INSECURE_KEY_PREFIX)) {
    return `the secret key is the sample written in the repository (it starts with '${INSECURE_KEY_PREFIX}'), which anyone with the code knows: set TROVE_SECRET_KEY to a secret of the site's own. Make one: ${MAKE_ONE}`;
  }
  if (secretKey.length < MIN_SECRET_KEY_LENGTH || new Set(secretKey).size < 5) {
    return `TROVE_SECRET_KEY is too weak (${secretKey.length} characters): serving without debug needs ${MIN_SECRET_KEY_LENGTH} or more, of at least 5 different ones. Make one: ${MAKE_ONE}`;
  }
  return undefined;
}

/** What is wrong with `allowedHosts` for serving without debug; nothing when some are set. */
export function allowedHostsProblem(allowedHosts: readonly string[]): string | undefined {
  if (allowedHosts.length > 0) return undefined;
  return "allowedHosts is empty: serving without debug needs the host names the site answers to (Django's ALLOWED_HOSTS). Set TROVE_ALLOWED_HOSTS=example.com,www.example.com, or allowedHosts in trove.config.ts.";
}

/** Throws a ConfigError naming every problem when the settings will not do for serving without debug. */
export function assertReadyToServe(settings: { secretKey: string | undefined; allowedHosts: readonly string[] }): void {
  const problems = [secretKeyProblem(settings.secretKey), allowedHostsProblem(settings.allowedHosts)].filter((p) => p !== undefined);
  if (problems.length > 0) throw new ConfigError(`refusing to serve without debug:\n  - ${problems.join('\n  - ')}`);
}
