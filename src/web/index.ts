export { createApp, Http404, escapeHtml, type AppConfig, type TroveApp } from './app.ts';
export { path, include, reverse, NoReverseMatch, UrlResolver, type View, type ViewRequest, type ParamsOf, type UrlPattern, type Route } from './urls.ts';
