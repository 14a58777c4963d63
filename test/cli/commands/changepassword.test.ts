// @backends: sqlite-only
/**
 * `trove changepassword` in a terminal (a pseudo-terminal through `script`), as Django's: the
 * password twice, the project's validators (here set in trove.config.ts), three tries; and the
 * shell's `User`, the auth model with its methods.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { connect, type Database } from '../../../src/index.ts';
import { User } from '../../../src/auth/index.ts';
import { BIN, makeProject, trove } from '../../support/cli.ts';
import { PATIENCE_MS } from '../../support/patience.ts';

// Django's defaults, with a longer minimum: the config's list is the one used.
const project = makeProject({
  passwordValidators: "[new (await import('trove/auth')).MinimumLengthValidator({ minLength: 10 }), new (await import('trove/auth')).NumericPasswordValidator(), new (await import('trove/auth')).UserAttributeSimilarityValidator()]",
});
let db: Database;

before(async () => {
  const migrated = await trove(['migrate'], { cwd: project.dir });
  assert.equal(migrated.code, 0, migrated.stderr);
  db = await connect(`sqlite:${join(project.dir, 'db.sqlite3')}`);
  await User.createUser({ username: 'grace', email: 'grace.hopper@navy.mil', password: 'an old password' });
});
after(async () => {
  await db.close();
  project.cleanup();
});

const PROMPT = /Password: |Password \(again\): /;

/** Runs `trove …args` on a pseudo-terminal, typing each answer once its prompt shows; the screen. */
function onTerminal(args: string[], answers: string[]): Promise<{ screen: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qfec', `${process.execPath} ${BIN} ${args.join(' ')}; echo "[exit $?]"`, '/dev/null'], { cwd: project.dir, env: { ...process.env, TERM: 'dumb' } });
    let screen = '';
    let typed = 0;
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`no end; screen:\n${screen}`));
    }, PATIENCE_MS);
    child.stdout.on('data', (chunk: Buffer) => {
      screen += chunk.toString();
      const asked = screen.split(PROMPT).length - 1;
      if (asked > typed && typed < answers.length) child.stdin.write(`${answers[typed++]}\r`);
    });
    child.on('close', () => {
      clearTimeout(timer);
      const code = /\[exit (\d+)\]/.exec(screen)?.[1];
      resolve({ screen, code: code === undefined ? null : Number(code) });
    });
  });
}

test('changepassword asks twice, applies the configured validators, and changes the password', async () => {
  const { screen, code } = await onTerminal(['changepassword', 'grace'], ['one thing', 'another', '1234567890', '1234567890', 'hopper.grace', 'hopper.grace', 'a ship in harbour', 'a ship in harbour']);
  assert.match(screen, /Changing password for user 'grace'/);
  assert.match(screen, /Passwords do not match\. Please try again\./);
  assert.match(screen, /This password is entirely numeric\./);
  assert.match(screen, /The password is too similar to the email address\./);
  assert.doesNotMatch(screen, /This password is too short/, '10 digits pass the configured minimum of 10');
  // Three tries, all used: the fourth pair is never asked for.
  assert.match(screen, /aborting password change for user 'grace' after 3 attempts/);
  assert.equal(code, 1);
  assert.doesNotMatch(screen, /one thing|hopper\.grace/, 'passwords are not echoed');
  const grace = (await User.objects.get({ username: 'grace' })) as InstanceType<typeof User>;
  assert.ok(await grace.checkPassword('an old password'), 'nothing changed');

  const again = await onTerminal(['changepassword', 'grace'], ['short one', 'short one', 'a ship in harbour', 'a ship in harbour']);
  assert.match(again.screen, /This password is too short\. It must contain at least 10 characters\./);
  assert.match(again.screen, /Password changed successfully for user 'grace'\./);
  assert.equal(again.code, 0);
  assert.ok(await ((await User.objects.get({ username: 'grace' })) as InstanceType<typeof User>).checkPassword('a ship in harbour'));
});

test('changepassword: an unknown user is an error; without a terminal it asks nothing', async () => {
  const unknown = await onTerminal(['changepassword', 'nobody'], []);
  assert.match(unknown.screen, /user 'nobody' does not exist/);
  assert.equal(unknown.code, 1);
  const piped = await trove(['changepassword', 'grace'], { cwd: project.dir, input: 'x\nx\n' });
  assert.equal(piped.code, 2);
  assert.match(piped.stderr, /not a terminal/);
});

test("the shell's User is the auth model, with createUser, setPassword and hasPerm", async () => {
  const script = [
    "const u = await User.createUser({ username: 'linus', password: 'penguins everywhere' });",
    "console.log(User.meta.label, await u.hasPerm('blog.view_post'), await u.checkPassword('penguins everywhere'));",
    "await u.setPassword('a different phrase'); await u.save();",
    "console.log(await (await User.objects.get({ username: 'linus' })).checkPassword('a different phrase'));",
  ].join('\n');
  const run = await trove(['shell'], { cwd: project.dir, input: script });
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, 'auth.User false true\ntrue\n');
});
