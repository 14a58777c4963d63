/**
 * Pages are hono/jsx components, escaped by default. `render(request, <Page />)` makes the
 * request available to components such as `<CsrfField />` and `<Messages />` without threading it
 * through every prop.
 */
import { createContext, useContext, type PropsWithChildren } from 'hono/jsx';
import type { JSXNode } from 'hono/jsx';
import { CSRF_FIELD } from './csrf.ts';
import { takeMessages, type Message } from './messages.ts';
import type { ViewRequest } from './request.ts';

const RequestContext = createContext<ViewRequest<any> | null>(null);

/** The request being rendered, for components. */
export function useRequest(): ViewRequest<any> {
  const request = useContext(RequestContext);
  if (request === null) throw new Error('useRequest() works inside render(request, …) only.');
  return request;
}

/** The hidden field that carries the CSRF token in a form, as Django's {% csrf_token %}. */
export function CsrfField() {
  return <input type="hidden" name={CSRF_FIELD} value={useRequest().csrfToken ?? ''} />;
}

/** The flash messages, shown once; a message whose `extra.undoUrl` is set gets an Undo button that POSTs there. */
export function Messages() {
  const messages: Message[] = takeMessages(useRequest());
  if (messages.length === 0) return null;
  // The live region wraps the list: a list item may not change its role, and a list holds items only.
  return (
    <div role="status">
      <ul class="messages">
        {messages.map((m) => (
          <li class={`message ${m.level}`}>
            {m.text}
            {typeof m.extra?.undoUrl === 'string' && (
              <form method="post" action={m.extra.undoUrl} class="undo">
                <CsrfField />
                <button type="submit">Undo</button>
              </form>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}

export type LayoutProps = PropsWithChildren<{ title: string }>;

/**
 * The page frame: the app's own (`createApp({ layout })`) when it has one, so framework pages
 * such as DeleteView's look like the rest of the site; BaseLayout otherwise.
 */
export function Layout(props: LayoutProps) {
  const Custom = useContext(RequestContext)?.layout;
  return Custom === undefined ? <BaseLayout {...props} /> : <Custom {...props} />;
}

/** A plain frame: title, stylesheets, a header (a site's navigation), messages, content. */
export function BaseLayout({ title, stylesheets = [], header, children }: LayoutProps & { stylesheets?: readonly string[]; header?: unknown }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{title}</title>
        {stylesheets.map((href) => <link rel="stylesheet" href={href} />)}
      </head>
      <body>
        {header}
        <Messages />
        <main>{children}</main>
      </body>
    </html>
  );
}

/** The HTML response for `page`, rendered with `request` in context. */
export async function render(request: ViewRequest<any>, page: JSXNode | Promise<JSXNode> | unknown, status = 200): Promise<Response> {
  const tree = <RequestContext.Provider value={request}>{page as JSXNode}</RequestContext.Provider>;
  const html = await tree.toString();
  return new Response(`<!doctype html>${html}`, { status, headers: { 'content-type': 'text/html; charset=utf-8' } });
}
