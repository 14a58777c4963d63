/**
 * A URL as an HTTP header can carry it: Django's `iri_to_uri`. Header values are bytes, and
 * Web-standard Headers refuse a CR, an LF or a character above U+00FF outright (a 500, after the
 * view has done its work: a delete done, its Undo message lost). Such characters are written as
 * UTF-8 escapes, as a browser would send them; characters a URL may hold, `%` included (the URL
 * may already be escaped), stay as they are.
 */

/** RFC 3986's unreserved and reserved characters, and `%`: Django's `iri_to_uri` leaves these. */
const KEPT = /^[A-Za-z0-9\-._~/#%[\]=:;$&()+,!?*@']$/;

const utf8 = new TextEncoder();

function escape(character: string): string {
  // TextEncoder writes a lone surrogate as U+FFFD, so every character has an encoding.
  return [...utf8.encode(character)].map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`).join('');
}

export function iriToUri(iri: string): string {
  let uri = '';
  for (const character of iri) uri += KEPT.test(character) ? character : escape(character);
  return uri;
}
