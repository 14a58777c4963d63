/** Django's patch_vary_headers(): adds a request header to a response's `Vary`, once. */
import { withHeaders } from './security.ts';

export function vary(response: Response, header: string): Response {
  const current = response.headers.get('vary');
  const names = (current ?? '').split(',').map((h) => h.trim()).filter((h) => h !== '');
  if (names.some((h) => h === '*' || h.toLowerCase() === header.toLowerCase())) return response;
  return withHeaders(response, [['vary', [...names, header].join(', ')]]);
}
