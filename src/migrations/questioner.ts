/**
 * What `makemigrations` cannot know from the models alone. On a terminal it asks; without one
 * it refuses with a message that says how to tell it (never a silent drop and add).
 */
import { createInterface } from 'node:readline/promises';
import { AmbiguousChangeError } from './errors.ts';

export interface Questioner {
  /** Was `what` a rename? `hint` says how to declare it instead of answering. */
  askRename(what: string, hint: string): Promise<boolean>;
  /** A value for the rows that exist, for a field that gets no value of its own. */
  askFill(label: string, field: string, why: string): Promise<unknown>;
}

/** For scripts and CI: anything ambiguous is an error. */
export const nonInteractive: Questioner = {
  async askRename(what, hint) {
    throw new AmbiguousChangeError(`${what}\n  ${hint}`);
  },
  async askFill(label, field, why) {
    throw new AmbiguousChangeError(
      `${label}.${field} ${why}, and rows that exist need a value for it.\n  Give the field a default (or null: true), or run makemigrations on a terminal to type a value for them.`,
    );
  },
};

/** Asks on the terminal, as Django's makemigrations does. */
export function terminalQuestioner(input: NodeJS.ReadableStream = process.stdin, output: NodeJS.WritableStream = process.stdout): Questioner {
  const ask = async (question: string): Promise<string> => {
    const rl = createInterface({ input, output });
    try {
      return (await rl.question(question)).trim();
    } finally {
      rl.close();
    }
  };
  return {
    async askRename(what) {
      const answer = await ask(`${what}\nDid you rename it? [y/N] `);
      return /^y(es)?$/i.test(answer);
    },
    async askFill(label, field, why) {
      for (;;) {
        const answer = await ask(`${label}.${field} ${why}. Type a value for the rows that exist (JSON: "text", 0, true), or press Enter to stop: `);
        if (answer === '') throw new AmbiguousChangeError(`Stopped: ${label}.${field} needs a value for the rows that exist.`);
        try {
          return JSON.parse(answer) as unknown;
        } catch {
          output.write(`That is not a JSON value; text goes in double quotes.\n`);
        }
      }
    },
  };
}
