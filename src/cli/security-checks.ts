/**
 * `trove check --deploy`: Django's security warnings on the settings a deployment gets wrong,
 * with Django's ids and the config's names. Those of Django's that Trove has nothing to set for
 * are not here: its security headers are always sent (W001, W002, W006, W019, W022), its session
 * cookie is always HttpOnly (W013), and it has no CSRF cookie (W016: the token is kept in the
 * session, so the session cookie's Secure flag, W012, covers it).
 */
import { checkWarning, type CheckMessage } from '../checks/index.ts';
import type { Project } from './config.ts';
import { allowedHostsProblem, secretKeyProblem } from './deploy.ts';

export function securityChecks(project: Project): CheckMessage[] {
  const config = project.config;
  const messages: CheckMessage[] = [];
  const warn = (id: string, message: string) => messages.push(checkWarning(id, message, { object: 'settings' }));
  const hsts = (config.secureHstsSeconds ?? 0) > 0;
  if (!hsts) {
    warn('security.W004', 'You have not set a value for the secureHstsSeconds setting. If your entire site is served only over SSL, you may want to consider setting a value and enabling HTTP Strict Transport Security. Be sure to read the documentation first; enabling HSTS carelessly can cause serious, irreversible problems.');
  } else {
    if (config.secureHstsIncludeSubdomains !== true) warn('security.W005', 'You have not set the secureHstsIncludeSubdomains setting to true. Without this, your site is potentially vulnerable to attack via an insecure connection to a subdomain. Only set this to true if you are certain that all subdomains of your domain should be served exclusively via SSL.');
    if (config.secureHstsPreload !== true) warn('security.W021', 'You have not set the secureHstsPreload setting to true. Without this, your site cannot be submitted to the browser preload list.');
  }
  if (config.secureSslRedirect !== true) {
    warn('security.W008', 'Your secureSslRedirect setting is not set to true. Unless your site should be available over both SSL and non-SSL connections, you may want to either set this setting true or configure a load balancer or reverse-proxy server to redirect all connections to HTTPS.');
  }
  const key = secretKeyProblem(project.secretKey);
  if (key !== undefined) warn('security.W009', key);
  if (config.sessionCookieSecure !== true) {
    warn('security.W012', 'sessionCookieSecure is not set to true. Using a secure-only session cookie makes it more difficult for network traffic sniffers to hijack user sessions (and, in Trove, to steal the CSRF token, which the session holds).');
  }
  if (config.debug === true) warn('security.W018', 'You should not have debug set to true in deployment: error pages show code, settings and data.');
  const hosts = allowedHostsProblem(project.allowedHosts);
  if (hosts !== undefined) warn('security.W020', hosts);
  return messages;
}
