/** `trove loaddata FILE …`: loads JSON fixtures in one transaction (all of them or nothing). */
import { readFile } from 'node:fs/promises';
import { ValidationError } from '../../orm/index.ts';
import type { Command } from '../command.ts';
import { openProject } from '../config.ts';
import { loadObjects } from '../fixtures.ts';
import { plural, print, progress } from '../output.ts';

export const loaddata: Command = {
  name: 'loaddata',
  summary: "Load JSON fixtures (Django's format, as dumpdata writes them) in one transaction: rows with a known key are updated.",
  usage: 'trove loaddata FILE …',
  positionals: { min: 1, max: Infinity },
  async run({ values, positionals }) {
    const objects: unknown[] = [];
    for (const file of positionals) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(await readFile(file, 'utf8'));
      } catch (error) {
        print(`Error: ${file}: ${(error as Error).message}`);
        return 1;
      }
      if (!Array.isArray(parsed)) {
        print(`Error: ${file} is not a JSON list of { model, pk, fields } objects.`);
        return 1;
      }
      objects.push(...parsed);
    }
    const { db } = await openProject(values.config as string | undefined);
    try {
      const bar = progress('Loading', objects.length);
      let result;
      try {
        result = await loadObjects(objects, { onProgress: (done) => bar.update(done) });
      } catch (error) {
        if (error instanceof ValidationError) {
          print(`Error: ${error.message.replace(/\.?$/, '.')} Nothing was loaded.`);
          return 1;
        }
        throw error;
      } finally {
        bar.stop();
      }
      print(`Installed ${plural(result.total, 'object')} from ${plural(positionals.length, 'fixture')}: ${Object.entries(result.byModel).map(([l, n]) => `${l} ${n}`).join(', ')}.`);
      return 0;
    } finally {
      await db.close();
    }
  },
};
