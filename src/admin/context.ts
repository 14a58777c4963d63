/**
 * What the admin's views need of their site: the page frame, its URLs, and the registered
 * models, so that a delete page can link the objects it lists and check the user's permissions
 * on every model a cascade reaches.
 */
import type { ModelMeta } from '../orm/index.ts';
import type { ModelAdmin } from './options.ts';
import type { AdminFrame } from './pages.tsx';

export interface SiteContext {
  frame: AdminFrame;
  /** A URL of the site by name: `url('changelist', { app, model })`. */
  url(name: string, params?: Record<string, unknown>): string;
  /** The registered admin of a model label, if any. */
  adminFor(label: string): ModelAdmin | undefined;
}

/** The change page of an object, when its model is registered. */
export function changeUrlOf(site: SiteContext, meta: ModelMeta, pk: unknown): string | undefined {
  if (site.adminFor(meta.label) === undefined) return undefined;
  return site.url('change', { app: meta.appLabel, model: meta.modelName, pk: String(pk) });
}
