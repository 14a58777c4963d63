/** A request as a view sees it: the Web-standard Request, the URL's values, the session. */
import { AnonymousUser, type User } from '../auth/index.ts';
import type { FC, PropsWithChildren } from 'hono/jsx';
import { BadRequest } from './errors.ts';
import type { Session } from './sessions.ts';

export class ViewRequest<P = Record<string, unknown>> {
  #session: Session | undefined;
  #form: Promise<FormData> | undefined;
  #csrfToken: (() => string) | undefined;
  #user: User | AnonymousUser = new AnonymousUser();
  /** The address of the client's end of the connection, when served over a socket. */
  clientAddress: string | undefined;
  /**
   * The site's secret key (Django's SECRET_KEY), set by the sessions middleware: it signs the
   * session cookie and ties a logged-in session to the user's password.
   */
  secretKey: string | undefined;
  /** The app's page frame (`createApp({ layout })`), used by `<Layout>`. */
  layout: FC<PropsWithChildren<{ title: string }>> | undefined;

  constructor(
    readonly raw: Request,
    readonly url: URL,
    /** The path's captured values, converted (`<int:id>` gives a number). */
    readonly params: P,
  ) {}

  /**
   * The logged-in user, set by the authentication middleware; anonymous otherwise. It comes from
   * the session, so reading it counts as reading the session: the response gets `Vary: Cookie`.
   */
  get user(): User | AnonymousUser {
    this.#session?.markAccessed();
    return this.#user;
  }

  set user(user: User | AnonymousUser) {
    this.#user = user;
  }

  /** `user`, without counting as a read of the session: for middleware that only sets headers. */
  peekUser(): User | AnonymousUser {
    return this.#user;
  }

  get method(): string {
    return this.raw.method;
  }

  /**
   * The CSRF token of the session (with the csrf middleware), made on first read: a page
   * without a form leaves an anonymous visitor without a session. `<CsrfField />` reads it.
   */
  get csrfToken(): string | undefined {
    return this.#csrfToken?.();
  }

  /** Set by the csrf middleware. */
  useCsrfToken(source: () => string): void {
    this.#csrfToken = source;
  }

  get session(): Session {
    if (this.#session === undefined) throw new Error('request.session needs the sessions middleware: give createApp a secretKey.');
    return this.#session;
  }

  set session(session: Session) {
    this.#session = session;
  }

  get hasSession(): boolean {
    return this.#session !== undefined;
  }

  /**
   * The submitted form, parsed once however many readers ask (middleware, then the view). A
   * body that cannot be read as one (a broken multipart body, say) is a BadRequest: a 400 page.
   */
  form(): Promise<FormData> {
    return (this.#form ??= this.raw.clone().formData().catch((error: unknown) => {
      throw new BadRequest(`The form could not be read: ${(error as Error).message}`);
    }));
  }
}
