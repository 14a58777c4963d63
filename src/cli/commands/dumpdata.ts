/** `trove dumpdata [app.Model …]`: every row (the trash included) as a JSON fixture, streamed. */
import { createWriteStream, openSync, renameSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { Manager, type InstanceLike } from '../../orm/index.ts';
import { UsageError, type Command } from '../command.ts';
import { openProject } from '../config.ts';
import { dumpableModels, dumpObjects } from '../fixtures.ts';
import { plural, progress } from '../output.ts';
import { modelArgument } from './delete.ts';

async function write(out: Writable, text: string): Promise<void> {
  if (!out.write(text)) await once(out, 'drain');
}

export const dumpdata: Command = {
  name: 'dumpdata',
  summary: "Write the rows of every model (or of the ones named) as JSON in Django's fixture format.",
  usage: 'trove dumpdata [app.Model …] [--output FILE] [--indent N]',
  details: `
  --output FILE     write to FILE instead of standard output
  --indent N        pretty-print with N spaces`,
  options: { output: { type: 'string', short: 'o' }, indent: { type: 'string' } },
  positionals: { min: 0, max: Infinity },
  async run({ values, positionals }) {
    const indent = values.indent === undefined ? undefined : Number(values.indent);
    if (indent !== undefined && (!Number.isInteger(indent) || indent < 0 || indent > 10)) throw new UsageError('--indent takes a number of spaces from 0 to 10.');
    const { db } = await openProject(values.config as string | undefined);
    try {
      const models = positionals.length === 0 ? dumpableModels() : positionals.map(modelArgument);
      const file = values.output as string | undefined;
      // A dump cut short must not pass for a backup: it is written aside and renamed once whole.
      const partial = file === undefined ? undefined : `${file}.partial`;
      // Opened at once, so a folder that does not exist is an error before any row is read.
      const out: Writable = partial === undefined ? process.stdout : createWriteStream('', { fd: openSync(partial, 'w') });
      let n = 0;
      let bar: ReturnType<typeof progress> | undefined;
      try {
        // Progress goes to standard error, and only when the JSON goes to a file.
        if (file !== undefined) {
          let total = 0;
          for (const meta of models) total += await new Manager<InstanceLike>(meta.modelClass, 'all').count();
          bar = progress('Dumping', total);
        }
        await write(out, '[');
        for await (const object of dumpObjects(models)) {
          await write(out, `${n === 0 ? '' : ','}${indent === undefined ? '' : '\n'}${JSON.stringify(object, null, indent)}`);
          n++;
          if (n % 1000 === 0) bar?.update(n);
        }
        await write(out, `${indent === undefined || n === 0 ? '' : '\n'}]\n`);
        bar?.update(n);
      } catch (error) {
        if (partial !== undefined) {
          out.destroy();
          rmSync(partial, { force: true });
        }
        throw error;
      } finally {
        bar?.stop();
      }
      if (file !== undefined && partial !== undefined) {
        out.end();
        await once(out, 'finish');
        renameSync(partial, file);
        process.stderr.write(`Wrote ${plural(n, 'object')} to ${file}.\n`);
      }
      return 0;
    } finally {
      await db.close();
    }
  },
};
