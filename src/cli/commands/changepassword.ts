/** `trove changepassword [username]`: Django's command, asking twice on the terminal, with the project's password validators. */
import { userInfo } from 'node:os';
import { passwordProblems, User } from '../../auth/index.ts';
import { UsageError, type Command } from '../command.ts';
import { openProject } from '../config.ts';
import { askHidden, print, printError } from '../output.ts';

/** Django's MAX_TRIES: then the command gives up, changing nothing. */
const MAX_TRIES = 3;

function osUsername(): string | undefined {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? process.env.USERNAME;
  }
}

export const changepassword: Command = {
  name: 'changepassword',
  summary: "Change a user's password: asked twice, hidden, and checked by the password validators.",
  usage: 'trove changepassword [USERNAME]',
  details: `
  USERNAME          the user (default: the name of the account running the command, as Django)

Needs a terminal. Three tries, then nothing is changed. Every session of the user ends with the
old password.`,
  positionals: { min: 0, max: 1 },
  async run({ values, positionals }) {
    const username = positionals[0] ?? osUsername();
    if (username === undefined) throw new UsageError('no username given, and the account running this has no name: trove changepassword USERNAME.');
    if (!process.stdin.isTTY) throw new UsageError('not a terminal, so no password can be asked for: run it in a terminal.');
    const { db } = await openProject(values.config as string | undefined);
    try {
      const user = (await User.objects.filter({ username }).first()) as InstanceType<typeof User> | null;
      if (user === null) {
        printError(`trove changepassword: user '${username}' does not exist.`);
        return 1;
      }
      print(`Changing password for user '${user.username}'`);
      for (let tries = 0; tries < MAX_TRIES; tries++) {
        const first = await askHidden('Password: ');
        const second = await askHidden('Password (again): ');
        if (first !== second) {
          print('Passwords do not match. Please try again.');
          continue;
        }
        const problems = first === '' ? ["Blank passwords aren't allowed."] : passwordProblems(first, user);
        if (problems.length > 0) {
          printError(problems.join('\n'));
          continue;
        }
        await user.setPassword(first);
        await user.save({ updateFields: ['password'] });
        print(`Password changed successfully for user '${user.username}'.`);
        return 0;
      }
      printError(`trove changepassword: aborting password change for user '${user.username}' after ${MAX_TRIES} attempts.`);
      return 1;
    } finally {
      await db.close();
    }
  },
};
