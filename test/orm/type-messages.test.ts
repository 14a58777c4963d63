// @backends: sqlite-only
/**
 * What the compiler says about a misspelt name: the message names it. Runs the TypeScript
 * compiler over a small file of mistakes and reads its diagnostics.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

const root = new URL('../..', import.meta.url).pathname;

test('a misspelt field, lookup or path is named in the compiler\'s message', () => {
  const dir = join(root, 'test', '.tmp', `type-messages-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'mistakes.ts');
  const mistakes = [
    "Post.objects.filter({ titel: 'Hello' });",
    "Post.objects.filter({ author__nam: 'Ann' });",
    "Post.objects.filter({ title__icontans: 'x' });",
    "Post.objects.values('author__nmae');",
    "await Post.objects.create({ title: 'Hi', author: 1 as never, titel: 'x' });",
  ];
  writeFileSync(file, [`import { Post } from '../../support/blog.ts';`, ...mistakes, 'export {};', ''].join('\n'));
  try {
    const config = ts.readConfigFile(join(root, 'tsconfig.json'), ts.sys.readFile);
    const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
    const program = ts.createProgram([file], { ...options, noEmit: true });
    const messages = ts.getPreEmitDiagnostics(program).filter((d) => d.file?.fileName === file).map((d) => ({
      line: d.file!.getLineAndCharacterOfPosition(d.start!).line,
      text: ts.flattenDiagnosticMessageText(d.messageText, '\n'),
    }));
    const at = (line: number) => messages.filter((m) => m.line === line).map((m) => m.text).join('\n');
    assert.match(at(1), /property 'titel' has conflicting types/);
    assert.match(at(2), /property 'author__nam' has conflicting types/);
    assert.match(at(3), /property 'title__icontans' has conflicting types/);
    assert.match(at(4), /Argument of type '"author__nmae"' is not assignable/);
    assert.match(at(5), /'titel' does not exist in type/);
    assert.equal(messages.length, mistakes.length, messages.map((m) => m.text).join('\n---\n'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
