/** `trove createsuperuser`: an account that may do anything, asked for on the terminal or given in flags. */
import { passwordProblems, User } from '../../auth/index.ts';
import { UsageError, type Command } from '../command.ts';
import { openProject } from '../config.ts';
import { ask, askHidden, print, printError } from '../output.ts';

const USERNAME = /^[\w.@+-]{1,150}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export const createsuperuser: Command = {
  name: 'createsuperuser',
  summary: 'Create a superuser: asks for a username, an email and a password (twice, hidden, checked by the password validators).',
  usage: 'trove createsuperuser [--no-input --username NAME [--email EMAIL]]',
  details: `
  --no-input        ask nothing: the password comes from TROVE_SUPERUSER_PASSWORD, and the
                    username and email from TROVE_SUPERUSER_USERNAME and TROVE_SUPERUSER_EMAIL
                    when not given
  --username NAME   the username
  --email EMAIL     the email address`,
  options: { 'no-input': { type: 'boolean' }, username: { type: 'string' }, email: { type: 'string' } },
  async run({ values }) {
    const noInput = values['no-input'] === true;
    let username = values.username as string | undefined;
    let email = (values.email as string | undefined) ?? '';
    let password: string | undefined;
    if (noInput) {
      // As Django's DJANGO_SUPERUSER_* variables, for scripts and containers.
      username ??= process.env.TROVE_SUPERUSER_USERNAME || undefined;
      if (values.email === undefined) email = process.env.TROVE_SUPERUSER_EMAIL ?? '';
      if (username === undefined) throw new UsageError('--no-input needs --username (or TROVE_SUPERUSER_USERNAME).');
      password = process.env.TROVE_SUPERUSER_PASSWORD;
      if (password === undefined || password === '') throw new UsageError('--no-input takes the password from TROVE_SUPERUSER_PASSWORD, which is not set.');
    } else if (!process.stdin.isTTY) {
      throw new UsageError('not a terminal, so nothing can be asked: use --no-input --username NAME with TROVE_SUPERUSER_PASSWORD.');
    }
    if (username !== undefined && !USERNAME.test(username)) throw new UsageError(`'${username}' is not a valid username (letters, digits and @.+-_, up to 150).`);
    if (email !== '' && !EMAIL.test(email)) throw new UsageError(`'${email}' is not a valid email address.`);
    const { db } = await openProject(values.config as string | undefined);
    try {
      const taken = async (name: string) => (await User.objects.filter({ username: name }).exists());
      if (username !== undefined && (await taken(username))) {
        print(`Error: the username '${username}' is already taken.`);
        return 1;
      }
      while (username === undefined) {
        const answer = await ask('Username: ');
        if (!USERNAME.test(answer)) print('Error: letters, digits and @.+-_ only, up to 150.');
        else if (await taken(answer)) print(`Error: the username '${answer}' is already taken.`);
        else username = answer;
      }
      if (!noInput && values.email === undefined) {
        for (;;) {
          email = await ask('Email address: ');
          if (email === '' || EMAIL.test(email)) break;
          print('Error: enter a valid email address (or nothing).');
        }
      }
      // As Django's: the project's validators, and a way past them that has to be asked for.
      while (password === undefined) {
        const first = await askHidden('Password: ');
        const second = await askHidden('Password (again): ');
        if (first !== second) {
          print("Error: your passwords didn't match.");
          continue;
        }
        if (first.trim() === '') {
          print("Error: Blank passwords aren't allowed.");
          continue;
        }
        const problems = passwordProblems(first, new User({ username, email }));
        if (problems.length > 0) {
          printError(problems.join('\n'));
          const answer = await ask('Bypass password validation and create user anyway? [y/N]: ');
          if (answer.toLowerCase() !== 'y') continue;
        }
        password = first;
      }
      await User.createSuperuser({ username, email, password });
      print('Superuser created successfully.');
      return 0;
    } finally {
      await db.close();
    }
  },
};
