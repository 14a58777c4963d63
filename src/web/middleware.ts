/** Middleware are plain functions around the view: `(request, next) => response`. */
import type { ViewRequest } from './urls.ts';

export type Middleware = (request: ViewRequest, next: () => Promise<Response>) => Promise<Response>;

/** Runs `middleware` in order around `handler`. */
export function compose(middleware: readonly Middleware[], handler: (request: ViewRequest) => Promise<Response>): (request: ViewRequest) => Promise<Response> {
  return middleware.reduceRight<(request: ViewRequest) => Promise<Response>>((next, layer) => (request) => layer(request, () => next(request)), handler);
}
