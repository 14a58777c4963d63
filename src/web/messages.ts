/**
 * One-shot flash messages, kept in the session until read: set one before a redirect, and the
 * next page shows it once.
 */
import type { ViewRequest } from './request.ts';

export type MessageLevel = 'debug' | 'info' | 'success' | 'warning' | 'error';

export interface Message {
  level: MessageLevel;
  text: string;
  /** Anything the page needs to render the message, such as an Undo form's target. */
  extra?: Record<string, unknown>;
}

const KEY = '_messages';

export function addMessage(request: ViewRequest<any>, level: MessageLevel, text: string, extra?: Record<string, unknown>): void {
  const queued = request.session.get<Message[]>(KEY) ?? [];
  request.session.set(KEY, [...queued, extra === undefined ? { level, text } : { level, text, extra }]);
}

/** The queued messages, removed from the session: each is shown once. */
export function takeMessages(request: ViewRequest<any>): Message[] {
  if (!request.hasSession) return [];
  const queued = request.session.get<Message[]>(KEY) ?? [];
  if (queued.length > 0) request.session.delete(KEY);
  return queued;
}

export const messages = {
  debug: (request: ViewRequest<any>, text: string, extra?: Record<string, unknown>) => addMessage(request, 'debug', text, extra),
  info: (request: ViewRequest<any>, text: string, extra?: Record<string, unknown>) => addMessage(request, 'info', text, extra),
  success: (request: ViewRequest<any>, text: string, extra?: Record<string, unknown>) => addMessage(request, 'success', text, extra),
  warning: (request: ViewRequest<any>, text: string, extra?: Record<string, unknown>) => addMessage(request, 'warning', text, extra),
  error: (request: ViewRequest<any>, text: string, extra?: Record<string, unknown>) => addMessage(request, 'error', text, extra),
};
