/**
 * The elements of a JSON list in a file, one at a time: a fixture of millions of rows loads
 * without holding the whole text, or the whole list, in memory.
 */
import { createReadStream } from 'node:fs';

export class JsonStreamError extends Error {
  override name = 'JsonStreamError';
}

const WHITESPACE = /\s/;

export async function* readJsonList(path: string): AsyncGenerator<unknown> {
  let started = false;
  let ended = false;
  let element = '';
  let depth = 0;
  let inString = false;
  let escaped = false;
  let index = 0;
  const finish = (): unknown => {
    const text = element.trim();
    element = '';
    index++;
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new JsonStreamError(`${path}: element ${index} is not valid JSON (${(error as Error).message}).`);
    }
  };
  for await (const chunk of createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 }) as AsyncIterable<string>) {
    const out: unknown[] = [];
    let from = 0;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i]!;
      if (!started) {
        if (WHITESPACE.test(c)) continue;
        if (c !== '[') throw new JsonStreamError(`${path} is not a JSON list.`);
        started = true;
        from = i + 1;
        continue;
      }
      if (ended) {
        if (!WHITESPACE.test(c)) throw new JsonStreamError(`${path}: text after the end of the list.`);
        continue;
      }
      if (inString) {
        if (escaped) escaped = false;
        else if (c === '\\') escaped = true;
        else if (c === '"') inString = false;
        continue;
      }
      if (c === '"') inString = true;
      else if (c === '{' || c === '[') depth++;
      else if (c === '}') depth--;
      else if (c === ']' && depth > 0) depth--;
      else if (depth === 0 && (c === ',' || c === ']')) {
        element += chunk.slice(from, i);
        from = i + 1;
        if (c === ']') {
          ended = true;
          if (element.trim() !== '' || index > 0) out.push(finish());
        } else {
          out.push(finish());
        }
      }
    }
    if (started && !ended) element += chunk.slice(from);
    yield* out;
  }
  if (!started || !ended) throw new JsonStreamError(`${path} ends before its list does.`);
}
