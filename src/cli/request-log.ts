/**
 * runserver's request log, as Django's: one line per request on standard error,
 * `[04/Dec/2026 10:01:02] "GET /posts/ HTTP/1.1" 200 1234 3ms` (the time taken last), coloured
 * by status on a terminal only.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number) => String(n).padStart(2, '0');

/** `04/Dec/2026 10:01:02`, local time, as Django's server log. */
export function logTime(date: Date): string {
  return `${two(date.getDate())}/${MONTHS[date.getMonth()]}/${date.getFullYear()} ${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`;
}

/** Django's colours for the server log (django.utils.termcolors' default palette). */
function colour(status: number, line: string): string {
  const code = status >= 500 ? '1;35' : status === 404 ? '33' : status >= 400 ? '1;31' : status === 304 ? '36' : status >= 300 ? '32' : status < 200 ? '1' : undefined;
  return code === undefined ? line : `\x1b[${code}m${line}\x1b[0m`;
}

/** Colour only on a terminal, and not when NO_COLOR is set or the terminal is dumb. */
export function wantsColour(stream: NodeJS.WriteStream): boolean {
  return stream.isTTY === true && process.env.NO_COLOR === undefined && process.env.TERM !== 'dumb';
}

export interface RequestLine {
  readonly at: Date;
  readonly method: string;
  /** The path and query, as the client sent them. */
  readonly target: string;
  readonly httpVersion: string;
  readonly status: number;
  /** The body's length in bytes (undefined for HEAD: none is sent). */
  readonly bytes: number | undefined;
  readonly ms: number;
}

export function formatRequestLine(r: RequestLine, coloured = false): string {
  const time = r.ms < 10 ? r.ms.toFixed(1) : Math.round(r.ms).toString();
  const line = `[${logTime(r.at)}] "${r.method} ${r.target} HTTP/${r.httpVersion}" ${r.status} ${r.bytes ?? '-'} ${time}ms`;
  return coloured ? colour(r.status, line) : line;
}

/** Writes a line for every request `server` answers, once the response is sent (or the client has gone). */
export function logRequests(server: Server, stream: NodeJS.WriteStream = process.stderr): void {
  const coloured = wantsColour(stream);
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const at = new Date();
    const started = performance.now();
    const bytes = countBodyBytes(response);
    response.once('close', () => {
      stream.write(`${formatRequestLine({
        at,
        method: request.method ?? '-',
        target: request.url ?? '-',
        httpVersion: request.httpVersion,
        status: response.statusCode,
        bytes: request.method === 'HEAD' ? undefined : bytes(),
        ms: performance.now() - started,
      }, coloured)}\n`);
    });
  });
}

/**
 * The bytes of body `response` sends, counted as they are written: the server passes its
 * Content-Length to writeHead(), where getHeader() does not see it, and a stream has none.
 */
function countBodyBytes(response: ServerResponse): () => number {
  let bytes = 0;
  const count = (chunk: unknown, encoding: unknown) => {
    if (typeof chunk === 'string') bytes += Buffer.byteLength(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
    else if (chunk instanceof Uint8Array) bytes += chunk.byteLength;
  };
  const { write, end } = response;
  response.write = function (this: ServerResponse, chunk: unknown, ...rest: unknown[]) {
    count(chunk, rest[0]);
    return (write as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
  } as typeof write;
  response.end = function (this: ServerResponse, chunk?: unknown, ...rest: unknown[]) {
    if (typeof chunk !== 'function') count(chunk, rest[0]);
    return (end as (...args: unknown[]) => ServerResponse).call(this, chunk, ...rest);
  } as typeof end;
  return () => bytes;
}
