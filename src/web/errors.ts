/** Errors a view (or the framework) throws to answer with an error page. */

/** Answered with the 404 page. */
export class Http404 extends Error {
  override name = 'Http404';
}

/** A request the server cannot read (a malformed form body): answered with a 400 page, as Django's BadRequest. */
export class BadRequest extends Error {
  override name = 'BadRequest';
}
