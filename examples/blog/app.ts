/** The blog as a web app: its URLs and its page frame. */
import { createApp, type TroveApp } from 'trove/web';
import { BlogLayout } from './pages.tsx';
import { urls } from './urls.ts';

export function createBlogApp(options: { secretKey: string; debug?: boolean; allowedHosts?: readonly string[] }): TroveApp {
  return createApp({ urls, layout: BlogLayout, secretKey: options.secretKey, debug: options.debug ?? false, allowedHosts: options.allowedHosts ?? [] });
}
