/** `trove loaddata FILE …`: loads JSON fixtures in one transaction (all of them or nothing), streamed from disk. */
import { existsSync } from 'node:fs';
import { ValidationError } from '../../orm/index.ts';
import type { Command } from '../command.ts';
import { openProject } from '../config.ts';
import { loadObjects } from '../fixtures.ts';
import { JsonStreamError, readJsonList } from '../json-stream.ts';
import { plural, print, progress } from '../output.ts';

export const loaddata: Command = {
  name: 'loaddata',
  summary: "Load JSON fixtures (Django's format, as dumpdata writes them) in one transaction: rows with a known key are updated.",
  usage: 'trove loaddata FILE …',
  positionals: { min: 1, max: Infinity },
  async run({ values, positionals }) {
    const missing = positionals.find((file) => !existsSync(file));
    if (missing !== undefined) {
      print(`Error: no fixture file ${missing}.`);
      return 1;
    }
    // Every file, read afresh each time the loader asks: it checks everything, then writes.
    const objects = async function* () {
      for (const file of positionals) yield* readJsonList(file);
    };
    const { db } = await openProject(values.config as string | undefined);
    try {
      let bar: ReturnType<typeof progress> | undefined;
      let result;
      try {
        result = await loadObjects(objects, {
          onProgress: (done, total) => {
            bar ??= progress('Loading', total);
            bar.update(done);
          },
        });
      } catch (error) {
        if (error instanceof ValidationError || error instanceof JsonStreamError) {
          print(`Error: ${error.message.replace(/\.?$/, '.')} Nothing was loaded.`);
          return 1;
        }
        throw error;
      } finally {
        bar?.stop();
      }
      print(`Installed ${plural(result.total, 'object')} from ${plural(positionals.length, 'fixture')}: ${Object.entries(result.byModel).map(([l, n]) => `${l} ${n}`).join(', ')}.`);
      return 0;
    } finally {
      await db.close();
    }
  },
};
