export { createApp, Http404, type AppConfig, type TroveApp } from './app.ts';
export { escapeHtml, page } from './pages.ts';
export { ViewRequest } from './request.ts';
export { Session, SessionRecord, sessions, sign, unsign, type SessionOptions } from './sessions.ts';
export { csrf, CSRF_FIELD, type CsrfOptions } from './csrf.ts';
export { compose, type Middleware } from './middleware.ts';
export { path, include, reverse, NoReverseMatch, UrlResolver, type View, type ParamsOf, type UrlPattern, type Route } from './urls.ts';
export { getObjectOr404, redirect } from './shortcuts.ts';
export { messages, addMessage, takeMessages, type Message, type MessageLevel } from './messages.ts';
