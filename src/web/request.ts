/** A request as a view sees it: the Web-standard Request, the URL's values, the session. */
import { AnonymousUser, type User } from '../auth/index.ts';
import type { Session } from './sessions.ts';

export class ViewRequest<P = Record<string, unknown>> {
  #session: Session | undefined;
  #form: Promise<FormData> | undefined;
  /** The CSRF token of the session, set by the csrf middleware; `<CsrfField />` puts it in forms. */
  csrfToken: string | undefined;
  /** The logged-in user, set by the authentication middleware; anonymous otherwise. */
  user: User | AnonymousUser = new AnonymousUser();

  constructor(
    readonly raw: Request,
    readonly url: URL,
    /** The path's captured values, converted (`<int:id>` gives a number). */
    readonly params: P,
  ) {}

  get method(): string {
    return this.raw.method;
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

  /** The submitted form, parsed once however many readers ask (middleware, then the view). */
  form(): Promise<FormData> {
    return (this.#form ??= this.raw.clone().formData());
  }
}
