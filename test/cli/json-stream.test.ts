// @backends: sqlite-only
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { JsonStreamError, readJsonList } from '../../src/cli/json-stream.ts';

const dir = mkdtempSync(join(new URL('../.tmp/', import.meta.url).pathname, 'json-'));
after(() => rmSync(dir, { recursive: true, force: true }));
mkdirSync(dir, { recursive: true });
let n = 0;

async function read(text: string): Promise<unknown[]> {
  const file = join(dir, `${n++}.json`);
  writeFileSync(file, text);
  const out: unknown[] = [];
  for await (const element of readJsonList(file)) out.push(element);
  return out;
}

test('reads the elements of a list one by one, whatever their strings hold', async () => {
  assert.deepEqual(await read('[]'), []);
  assert.deepEqual(await read(' [ {"a":"x,]}\\"y"} , [1,2], 3, "s]", null ]\n'), [{ a: 'x,]}"y' }, [1, 2], 3, 's]', null]);
  assert.deepEqual(await read('[{"a":[1,{"b":"]["}]}]'), [{ a: [1, { b: '][' }] }]);
  // Elements larger than a read chunk (1 MiB) come out whole.
  const big = 'é'.repeat(1_500_000);
  assert.deepEqual(await read(JSON.stringify([{ big }, 2])), [{ big }, 2]);
});

test('refuses what is not one JSON list', async () => {
  for (const [text, message] of [
    ['{"a":1}', /is not a JSON list/],
    ['[1, 2', /ends before its list does/],
    ['[1] x', /text after the end of the list/],
    ['[1,]', /element 2 is not valid JSON/],
    ['[1, {"a": }]', /element 2 is not valid JSON/],
    ['', /ends before its list does/],
  ] as const) {
    await assert.rejects(read(text), (error: unknown) => error instanceof JsonStreamError && message.test(error.message), text);
  }
});
