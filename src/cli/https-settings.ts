/**
 * The config's HTTPS settings as the web app takes them (the names are the same in both, Django's
 * in camelCase): only those the config sets, so the app's defaults hold for the rest.
 */
import { HTTPS_SETTINGS } from '../web/https.ts';
import type { AppConfig } from '../web/index.ts';
import type { TroveConfig } from './config.ts';

export function httpsSettings(config: TroveConfig): Partial<AppConfig> {
  const settings: Record<string, unknown> = {};
  for (const key of HTTPS_SETTINGS) if (config[key] !== undefined) settings[key] = config[key];
  return settings as Partial<AppConfig>;
}
